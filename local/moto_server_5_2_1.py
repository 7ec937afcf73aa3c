#!/usr/bin/env python3
"""moto_server for moto 5.2.1, with the CloudFormation fixes the `platform` CLI needs.

Runs moto's own WSGI app (the one `moto_server` serves) in this process after patching a few
methods, so a create -> update -> no-op cycle of real templates behaves as on AWS. Each patch is
described in local/README.md; every one is tied to moto 5.2.1 and the launcher refuses any other
version, because the patched methods are private and change between releases.

Usage: python3 moto_server_5_2_1.py [--host 127.0.0.1] [--port 0] [--ready-file PATH]
Once listening it prints one JSON line to stdout, {"endpoint": ..., "port": ..., "pid": ...},
and writes the same object to --ready-file when given. Port 0 picks a free port.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import threading
from typing import Any

PATCHED_MOTO_VERSION = "5.2.1"
# moto's model metaclass files every model under the second part of its module name.
MODEL_MODULE = "moto.cloudformation.platform_local"


def check_moto_version() -> None:
    try:
        import moto
    except ImportError:
        sys.stderr.write("moto is not installed for %s; this launcher needs moto %s.\n" % (sys.executable, PATCHED_MOTO_VERSION))
        sys.exit(3)
    if moto.__version__ != PATCHED_MOTO_VERSION:
        sys.stderr.write(
            "moto %s found, but %s patches moto %s exactly (its patches replace private methods).\n"
            "Install moto==%s, or write local/moto_server_<version>.py for the new version.\n"
            % (moto.__version__, os.path.basename(__file__), PATCHED_MOTO_VERSION, PATCHED_MOTO_VERSION)
        )
        sys.exit(3)


# --------------------------------------------------------------------------------------------
# Deterministic synthetic identifiers (placeholders must give the same ids on every run, so
# that snapshots and repeated deploys agree).
# --------------------------------------------------------------------------------------------

def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def _uuid_from(seed: str) -> str:
    h = _digest(seed)
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _upper_id(seed: str, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    value = int(_digest(seed), 16)
    out = []
    for _ in range(length):
        value, rest = divmod(value, len(alphabet))
        out.append(alphabet[rest])
    return "".join(out)


def _stack_name_from_id(stack_id: str) -> str:
    # arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID
    parts = stack_id.split("/")
    return parts[1] if len(parts) >= 3 else stack_id


def install_patches() -> None:
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation import parsing
    from moto.cloudformation import responses as cfn_responses
    from moto.cloudformation.exceptions import AlreadyExistsException, ValidationError
    from moto.core.common_models import CloudFormationModel
    from moto.core.responses import ActionResult
    from moto.rds.models import rds_backends

    CloudFormationBackend = cfn_models.CloudFormationBackend
    Stack = cfn_models.Stack
    Event = cfn_models.Event

    # ----------------------------------------------------------------------------------------
    # Per-resource stack events and failure attribution. moto only records stack-level events;
    # AWS records CREATE_IN_PROGRESS/CREATE_COMPLETE (or *_FAILED with a reason) per resource,
    # which is what a deploy shows as progress and what it reports when a stack fails.
    # ----------------------------------------------------------------------------------------

    def _find_stack(account_id: str, region_name: str, stack_id: str) -> Any:
        backend = cfn_models.cloudformation_backends[account_id][region_name]
        return backend.stacks.get(stack_id)

    def _add_resource_event(stack: Any, logical_id: str, physical_id: str, resource_type: str, status: str, reason: str | None = None) -> None:
        if stack is None:
            return
        stack.events.append(
            Event(
                stack_id=stack.stack_id,
                stack_name=stack.name,
                logical_resource_id=logical_id,
                physical_resource_id=physical_id or "",
                resource_type=resource_type,
                resource_status=status,
                resource_status_reason=reason,
                resource_properties=None,
            )
        )

    def _error_text(error: BaseException) -> str:
        message = getattr(error, "message", None) or getattr(error, "description", None) or str(error)
        return str(message)

    original_create_resource = parsing.parse_and_create_resource
    original_update_resource = parsing.parse_and_update_resource

    def parse_and_create_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        condition = resource_json.get("Condition")
        if condition and not resources_map.lazy_condition_map[condition]:
            return None
        stack = _find_stack(account_id, region_name, resources_map.stack_id)
        resource_type = resource_json.get("Type", "")
        _add_resource_event(stack, logical_id, "", resource_type, "CREATE_IN_PROGRESS")
        try:
            resource = original_create_resource(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            if not hasattr(error, "platform_failed_resource"):
                error.platform_failed_resource = (logical_id, resource_type, "CREATE_FAILED")  # type: ignore[attr-defined]
                _add_resource_event(stack, logical_id, "", resource_type, "CREATE_FAILED", _error_text(error))
            raise
        physical_id = getattr(resource, "physical_resource_id", "") if resource is not None else ""
        _add_resource_event(stack, logical_id, str(physical_id or ""), resource_type, "CREATE_COMPLETE")
        return resource

    def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        stack = _find_stack(account_id, region_name, resources_map.stack_id)
        resource_type = resource_json.get("Type", "")
        _add_resource_event(stack, logical_id, "", resource_type, "UPDATE_IN_PROGRESS")
        try:
            resource = original_update_resource(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            if not hasattr(error, "platform_failed_resource"):
                error.platform_failed_resource = (logical_id, resource_type, "UPDATE_FAILED")  # type: ignore[attr-defined]
                _add_resource_event(stack, logical_id, "", resource_type, "UPDATE_FAILED", _error_text(error))
            raise
        if resource is None:
            # moto has no update for this type and answered None, which dropped the resource from
            # the stack (Ref then resolved to nothing). Keep the existing one, unchanged.
            resource = resources_map._parsed_resources.get(logical_id)
        physical_id = getattr(resource, "physical_resource_id", "") if resource is not None else ""
        _add_resource_event(stack, logical_id, str(physical_id or ""), resource_type, "UPDATE_COMPLETE")
        return resource

    parsing.parse_and_create_resource = parse_and_create_resource
    parsing.parse_and_update_resource = parse_and_update_resource

    # ----------------------------------------------------------------------------------------
    # Placeholders for resource types moto ignores. Stock moto silently skips them, so a Ref
    # becomes empty and a Fn::GetAtt fails the whole stack ("instance of Fn::GetAtt references
    # undefined resource"). LocalStack's answer, reused here: a model with a deterministic
    # physical id and synthetic attributes. Nothing is created behind it.
    # ----------------------------------------------------------------------------------------

    class Placeholder(CloudFormationModel):
        __module__ = MODEL_MODULE
        resource_type_name = "Platform::Local::Placeholder"

        def __init__(self, logical_id: str, properties: dict[str, Any], account_id: str, region_name: str, stack_name: str):
            self.logical_id = logical_id
            self.properties = properties
            self.account_id = account_id
            self.region_name = region_name
            self.stack_name = stack_name
            self.seed = f"{account_id}/{region_name}/{stack_name}/{logical_id}/{self.resource_type_name}"
            self._physical_id = self.make_physical_id()

        @staticmethod
        def cloudformation_type() -> str:
            return "Platform::Local::Placeholder"

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        @property
        def physical_resource_id(self) -> str:
            return self._physical_id

        def prop(self, name: str, default: Any = None) -> Any:
            value = self.properties.get(name)
            return default if value is None else value

        def short_id(self, length: int = 12) -> str:
            return _digest(self.seed)[:length]

        def name(self, max_length: int = 64) -> str:
            base = f"{self.stack_name}-{self.logical_id}"[: max_length - 13]
            return f"{base}-{_upper_id(self.seed, 12)}"

        def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
            return f"arn:aws:{service}:{self.region_name if region else ''}:{self.account_id if account else ''}:{resource}"

        # Subclasses override these two.
        def make_physical_id(self) -> str:
            return self.name()

        def attributes(self) -> dict[str, Any]:
            return {}

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            attributes = self.attributes()
            if attribute_name in attributes:
                return attributes[attribute_name]
            if attribute_name in ("Id", "Name"):
                return self._physical_id
            if attribute_name == "Arn" or attribute_name.endswith("Arn"):
                service = self.resource_type_name.split("::")[1].lower() if "::" in self.resource_type_name else "local"
                return self.arn(service, f"{self.logical_id.lower()}/{self.short_id()}")
            # Any other attribute still resolves, so templates that read it can deploy.
            return f"{self._physical_id}-{attribute_name.replace('.', '-')}"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Placeholder:
            stack_name = _stack_name_from_id(kwargs.get("StackId", ""))
            logical_id = kwargs.get("LogicalId", resource_name)
            return cls(logical_id, cloudformation_json.get("Properties") or {}, account_id, region_name, stack_name)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Placeholder:
            # Same logical id, same stack: the physical id stays, only properties change.
            updated = cls(original_resource.logical_id, cloudformation_json.get("Properties") or {}, account_id, region_name, original_resource.stack_name)
            return updated

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
            return None

        def delete(self, account_id: str, region_name: str) -> None:
            return None

    class Certificate(Placeholder):
        # Also a real certificate in moto's ACM, under the same deterministic ARN: ELBv2 refuses
        # an HTTPS listener whose certificate ACM does not know ("Supplied certificate was not
        # found"). Issued at once; DNS validation is not emulated.
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return self.arn("acm", f"certificate/{_uuid_from(self.seed)}")

        def register(self) -> None:
            from moto.acm.models import CertBundle, acm_backends

            backend = acm_backends[self.account_id][self.region_name]
            if self._physical_id in backend._certificates:
                return
            sans = [str(name) for name in self.prop("SubjectAlternativeNames", [])]
            cert = CertBundle.generate_cert(str(self.prop("DomainName", "example.com")), account_id=self.account_id, region=self.region_name, sans=sans)
            cert.arn = self._physical_id
            cert.status = "ISSUED"
            backend._certificates[cert.arn] = cert

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Placeholder:
            created = super().create_from_cloudformation_json(resource_name, cloudformation_json, account_id, region_name, **kwargs)
            created.register()  # type: ignore[attr-defined]
            return created

        def delete(self, account_id: str, region_name: str) -> None:
            from moto.acm.models import acm_backends

            acm_backends[account_id][region_name]._certificates.pop(self._physical_id, None)

    class CloudFrontDistribution(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return "E" + _upper_id(self.seed, 13)

        def attributes(self) -> dict[str, Any]:
            return {"DomainName": f"d{self.short_id(13)}.cloudfront.net", "Id": self._physical_id}

    class CloudFrontId(Placeholder):
        __module__ = MODEL_MODULE
        # OriginAccessControl, CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy: Ref is the Id.
        def make_physical_id(self) -> str:
            return _uuid_from(self.seed) if "Policy" in self.resource_type_name else "E" + _upper_id(self.seed, 13)

        def attributes(self) -> dict[str, Any]:
            return {"Id": self._physical_id, "LastModifiedTime": "2026-01-01T00:00:00Z"}

    class WafEntity(Placeholder):
        __module__ = MODEL_MODULE
        kind = "webacl"

        def entity_name(self) -> str:
            return str(self.prop("Name", self.name(128)))

        def make_physical_id(self) -> str:
            # Ref of a WAFv2 WebACL or IPSet is "name|id|scope".
            return f"{self.entity_name()}|{_uuid_from(self.seed)}|{self.prop('Scope', 'REGIONAL')}"

        def attributes(self) -> dict[str, Any]:
            scope = "global" if self.prop("Scope") == "CLOUDFRONT" else "regional"
            ident = _uuid_from(self.seed)
            region = "us-east-1" if scope == "global" else self.region_name
            return {
                "Arn": f"arn:aws:wafv2:{region}:{self.account_id}:{scope}/{self.kind}/{self.entity_name()}/{ident}",
                "Id": ident,
                "Capacity": 700,
                "LabelNamespace": f"awswaf:{self.account_id}:{self.kind}:{self.entity_name()}:",
            }

    class WafIpSet(WafEntity):
        __module__ = MODEL_MODULE
        kind = "ipset"

    class CloudWatchAlarm(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return str(self.prop("AlarmName", self.name(255)))

        def attributes(self) -> dict[str, Any]:
            return {"Arn": self.arn("cloudwatch", f"alarm:{self._physical_id}")}

    class OidcProvider(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            url = str(self.prop("Url", "https://token.actions.githubusercontent.com")).replace("https://", "")
            return self.arn("iam", f"oidc-provider/{url}", region=False)

        def attributes(self) -> dict[str, Any]:
            return {"Arn": self._physical_id}

    class Secret(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            name = str(self.prop("Name", self.name(256)))
            return self.arn("secretsmanager", f"secret:{name}-{_upper_id(self.seed, 6)}")

        def attributes(self) -> dict[str, Any]:
            return {"Id": self._physical_id}

    class ScalableTarget(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return f"{self.prop('ResourceId', self.logical_id)}|{self.prop('ScalableDimension', 'ecs:service:DesiredCount')}|{self.prop('ServiceNamespace', 'ecs')}"

    class ScalingPolicy(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            name = self.prop("PolicyName", self.logical_id)
            return self.arn("autoscaling", f"scalingPolicy:{_uuid_from(self.seed)}:resource/{self.prop('ResourceId', 'ecs/service')}:policyName/{name}")

        def attributes(self) -> dict[str, Any]:
            return {"Arn": self._physical_id}

    class DBClusterParameterGroup(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return str(self.prop("DBClusterParameterGroupName", self.name(255).lower()))

    class DatadogMonitor(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return str(int(_digest(self.seed)[:8], 16) % 100_000_000)

        def attributes(self) -> dict[str, Any]:
            return {"Id": int(self._physical_id), "Created": "2026-01-01T00:00:00Z", "Modified": "2026-01-01T00:00:00Z"}

    class AtlasCluster(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return f"{self.prop('Name', self.logical_id)}"

        def attributes(self) -> dict[str, Any]:
            host = f"{str(self.prop('Name', self.logical_id)).lower()}.{self.short_id(5)}.mongodb.net"
            return {
                "Id": self.short_id(24),
                "StateName": "IDLE",
                "ConnectionStrings.StandardSrv": f"mongodb+srv://{host}",
                "ConnectionStrings.Standard": f"mongodb://{host}:27017",
                "ConnectionStrings.Private": f"mongodb://pl-0.{host}:27017",
                "ConnectionStrings.PrivateSrv": f"mongodb+srv://pl-0.{host}",
            }

    placeholder_classes: dict[str, type[Placeholder]] = {
        "AWS::CertificateManager::Certificate": Certificate,
        "AWS::CloudFront::Distribution": CloudFrontDistribution,
        "AWS::CloudFront::OriginAccessControl": CloudFrontId,
        "AWS::CloudFront::CachePolicy": CloudFrontId,
        "AWS::CloudFront::OriginRequestPolicy": CloudFrontId,
        "AWS::CloudFront::ResponseHeadersPolicy": CloudFrontId,
        "AWS::WAFv2::WebACL": WafEntity,
        "AWS::WAFv2::IPSet": WafIpSet,
        "AWS::CloudWatch::Alarm": CloudWatchAlarm,
        "AWS::IAM::OIDCProvider": OidcProvider,
        "AWS::SecretsManager::Secret": Secret,
        "AWS::ApplicationAutoScaling::ScalableTarget": ScalableTarget,
        "AWS::ApplicationAutoScaling::ScalingPolicy": ScalingPolicy,
        "AWS::RDS::DBClusterParameterGroup": DBClusterParameterGroup,
        "Datadog::Monitors::Monitor": DatadogMonitor,
        "MongoDB::Atlas::Cluster": AtlasCluster,
    }
    concrete_placeholders: dict[str, type[Placeholder]] = {}

    def placeholder_for(resource_type: str) -> type[Placeholder]:
        if resource_type not in concrete_placeholders:
            base = placeholder_classes.get(resource_type, Placeholder)
            safe = "".join(ch for ch in resource_type if ch.isalnum())
            # A subclass per type, so update/delete dispatch and the attribute ARNs know the type.
            concrete_placeholders[resource_type] = type(f"Placeholder{safe}", (base,), {"resource_type_name": resource_type, "__module__": MODEL_MODULE})
        return concrete_placeholders[resource_type]

    # ----------------------------------------------------------------------------------------
    # Aurora: moto's RDS API models DB clusters, but CloudFormation ignores AWS::RDS::DBCluster,
    # and its AWS::RDS::DBInstance drops DBClusterIdentifier and breaks on DBSubnetGroupName
    # (it expects an object where Ref gives a string). These two models create both in the RDS
    # backend, so DescribeDBClusters/DescribeDBInstances see what the stack made.
    # ----------------------------------------------------------------------------------------

    # Ref of a DBSubnetGroup or DBParameterGroup gives its name on AWS; moto's models have no
    # physical id, so Ref handed the Python object to whatever referenced it.
    from moto.rds import models as rds_models

    for model_name in ("DBSubnetGroup", "DBParameterGroup"):
        model = getattr(rds_models, model_name, None)
        if model is not None and "physical_resource_id" not in model.__dict__:
            model.physical_resource_id = property(lambda self: self.name)

    # Route53 hosted zones: Ref gave the Python object and Fn::GetAtt (Id, NameServers) crashed;
    # on AWS, Ref and Id are the zone id ("Z..."), NameServers its four name servers.
    from moto.route53 import models as route53_models

    FakeZone = route53_models.FakeZone
    if "physical_resource_id" not in FakeZone.__dict__:
        FakeZone.physical_resource_id = property(lambda self: self.resource_id)

    def zone_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "Id":
            return self.resource_id
        if attribute_name == "NameServers":
            servers = getattr(self.delegation_set, "name_servers", None)
            return list(servers or ["ns-2048.awsdns-64.com", "ns-2049.awsdns-65.net", "ns-2050.awsdns-66.org", "ns-2051.awsdns-67.co.uk"])
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    FakeZone.get_cfn_attribute = zone_attribute
    FakeZone.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Id", "NameServers"))

    # ELBv2 target groups have no Fn::GetAtt in moto ('FakeTargetGroup' object has no attribute
    # 'get_cfn_attribute'); a service stack reads TargetGroupFullName for its alarms.
    from moto.elbv2 import models as elbv2_models

    def target_group_attribute(self: Any, attribute_name: str) -> Any:
        attributes = {
            "TargetGroupArn": self.arn,
            "TargetGroupFullName": self.arn.split(":")[-1],
            "TargetGroupName": self.name,
            "LoadBalancerArns": list(getattr(self, "load_balancer_arns", []) or []),
        }
        if attribute_name in attributes:
            return attributes[attribute_name]
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    if "get_cfn_attribute" not in elbv2_models.FakeTargetGroup.__dict__:
        elbv2_models.FakeTargetGroup.get_cfn_attribute = target_group_attribute

    # Load balancers: moto raises NotImplementedError for LoadBalancerFullName and
    # CanonicalHostedZoneID, and clean_json then leaves the raw {"Fn::GetAtt": ...} dict as the
    # value (an output read "{'Fn::GetAtt': [...]}"). ALB hosted zone ids are AWS's published ones.
    alb_zone_ids = {
        "us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5",
        "ap-northeast-1": "Z14GRHDCWA56QT", "ap-northeast-2": "ZWKZPGTI48KDX", "ap-northeast-3": "Z5LXEXXYW11ES", "ap-southeast-1": "Z1LMS91P8CMLE5",
        "ap-southeast-2": "Z1GM3OXH4ZPM65", "ap-south-1": "ZP97RAFLXTNZK", "eu-west-1": "Z32O12XQLNTSW2", "eu-west-2": "ZHURV8PSTC4K8",
        "eu-central-1": "Z215JYRZR1TBD5", "ca-central-1": "ZQSVJUPU6J1EY", "sa-east-1": "Z2P70J7HTTTPLU",
    }
    original_lb_attribute = elbv2_models.FakeLoadBalancer.get_cfn_attribute

    def load_balancer_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "LoadBalancerFullName":
            return self.arn.split(":loadbalancer/", 1)[-1]
        if attribute_name == "CanonicalHostedZoneID":
            return alb_zone_ids.get(self.arn.split(":")[3], self.canonical_hosted_zone_id)
        if attribute_name == "SecurityGroups":
            return list(getattr(self, "security_groups", []) or [])
        if attribute_name == "LoadBalancerArn":
            return self.arn
        return original_lb_attribute(self, attribute_name)

    elbv2_models.FakeLoadBalancer.get_cfn_attribute = load_balancer_attribute

    def _rds_tags(properties: dict[str, Any]) -> list[dict[str, str]]:
        return [{"Key": t["Key"], "Value": str(t["Value"])} for t in properties.get("Tags") or []]

    class DBCluster(CloudFormationModel):
        __module__ = MODEL_MODULE

        def __init__(self, cluster: Any, account_id: str, region_name: str):
            self.cluster = cluster
            self.account_id = account_id
            self.region_name = region_name

        @staticmethod
        def cloudformation_type() -> str:
            return "Platform::Local::RdsDBCluster"

        @staticmethod
        def cloudformation_name_type() -> str:
            return "DBClusterIdentifier"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        @property
        def physical_resource_id(self) -> str:
            return self.cluster.db_cluster_identifier

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            c = self.cluster
            port = c.port or 5432
            host = f"{c.db_cluster_identifier}.cluster-{c.url_identifier}.{self.region_name}.rds.amazonaws.com"
            ro_host = f"{c.db_cluster_identifier}.cluster-ro-{c.url_identifier}.{self.region_name}.rds.amazonaws.com"
            secret_arn = getattr(getattr(c, "master_user_secret", None), "secret_arn", None) or (
                f"arn:aws:secretsmanager:{self.region_name}:{self.account_id}:secret:rds!cluster-{_uuid_from(c.db_cluster_identifier)}-{_upper_id(c.db_cluster_identifier, 6)}"
            )
            attributes = {
                "Endpoint.Address": host,
                "Endpoint.Port": str(port),
                "ReadEndpoint.Address": ro_host,
                "DBClusterArn": c.db_cluster_arn,
                "DBClusterResourceId": getattr(c, "resource_id", None) or f"cluster-{_upper_id(c.db_cluster_identifier, 26)}",
                "MasterUserSecret.SecretArn": secret_arn,
            }
            if attribute_name in attributes:
                return attributes[attribute_name]
            return f"{c.db_cluster_identifier}-{attribute_name.replace('.', '-')}"

        @staticmethod
        def cluster_kwargs(identifier: str, properties: dict[str, Any]) -> dict[str, Any]:
            scaling = properties.get("ServerlessV2ScalingConfiguration")
            engine = properties.get("Engine", "aurora-postgresql")
            kwargs: dict[str, Any] = {
                "db_cluster_identifier": identifier,
                "engine": engine,
                "engine_version": properties.get("EngineVersion"),
                "master_username": properties.get("MasterUsername") or "admin",
                "master_user_password": properties.get("MasterUserPassword"),
                "manage_master_user_password": properties.get("ManageMasterUserPassword") in (True, "true", "True"),
                "master_user_secret_kms_key_id": properties.get("MasterUserSecret", {}).get("KmsKeyId") if isinstance(properties.get("MasterUserSecret"), dict) else None,
                "database_name": properties.get("DatabaseName"),
                "port": int(properties["Port"]) if properties.get("Port") else (5432 if "postgres" in engine else 3306),
                "db_subnet_group_name": properties.get("DBSubnetGroupName"),
                "db_cluster_parameter_group_name": properties.get("DBClusterParameterGroupName"),
                "vpc_security_group_ids": properties.get("VpcSecurityGroupIds") or [],
                "deletion_protection": properties.get("DeletionProtection") in (True, "true", "True"),
                "backup_retention_period": int(properties.get("BackupRetentionPeriod") or 1),
                "preferred_backup_window": properties.get("PreferredBackupWindow") or "01:37-02:07",
                "preferred_maintenance_window": (properties.get("PreferredMaintenanceWindow") or "wed:02:40-wed:03:10").lower(),
                "storage_encrypted": properties.get("StorageEncrypted") in (True, "true", "True"),
                "kms_key_id": properties.get("KmsKeyId"),
                "copy_tags_to_snapshot": properties.get("CopyTagsToSnapshot") in (True, "true", "True"),
                "tags": _rds_tags(properties),
            }
            if scaling:
                kwargs["serverless_v2_scaling_configuration"] = {
                    "MinCapacity": float(scaling.get("MinCapacity", 0.5)),
                    "MaxCapacity": float(scaling.get("MaxCapacity", 1)),
                }
            return {k: v for k, v in kwargs.items() if v is not None}

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> DBCluster:
            properties = cloudformation_json.get("Properties") or {}
            identifier = str(properties.get("DBClusterIdentifier") or resource_name).lower().replace("_", "-")[:63]
            backend = rds_backends[account_id][region_name]
            cluster = backend.create_db_cluster(cls.cluster_kwargs(identifier, properties))
            cluster.status = "available"
            return cls(cluster, account_id, region_name)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> DBCluster:
            properties = cloudformation_json.get("Properties") or {}
            cluster = original_resource.cluster
            for key, value in cls.cluster_kwargs(cluster.db_cluster_identifier, properties).items():
                if key in ("db_cluster_identifier", "tags", "manage_master_user_password", "master_user_secret_kms_key_id"):
                    continue
                if key == "db_cluster_parameter_group_name":
                    key = "parameter_group"
                setattr(cluster, key, value)
            return cls(cluster, account_id, region_name)

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_cluster(resource_name)

        def delete(self, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_cluster(self.cluster.db_cluster_identifier)

    class DBInstance(CloudFormationModel):
        __module__ = MODEL_MODULE

        def __init__(self, instance: Any):
            self.instance = instance

        @staticmethod
        def cloudformation_type() -> str:
            return "Platform::Local::RdsDBInstance"

        @staticmethod
        def cloudformation_name_type() -> str:
            return "DBInstanceIdentifier"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        @property
        def physical_resource_id(self) -> str:
            return self.instance.db_instance_identifier

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            i = self.instance
            attributes = {
                "Endpoint.Address": i.address,
                "Endpoint.Port": str(i.port),
                "DBInstanceArn": i.db_instance_arn,
                "DbiResourceId": getattr(i, "dbi_resource_id", None) or f"db-{_upper_id(i.db_instance_identifier, 26)}",
            }
            if attribute_name in attributes:
                return attributes[attribute_name]
            return f"{i.db_instance_identifier}-{attribute_name.replace('.', '-')}"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> DBInstance:
            p = cloudformation_json.get("Properties") or {}
            backend = rds_backends[account_id][region_name]
            cluster_id = p.get("DBClusterIdentifier")
            engine = p.get("Engine")
            cluster = backend.clusters.get(cluster_id) if cluster_id else None
            db_kwargs: dict[str, Any] = {
                "db_instance_identifier": str(p.get("DBInstanceIdentifier") or resource_name).lower().replace("_", "-")[:63],
                "db_instance_class": p.get("DBInstanceClass", "db.serverless"),
                "engine": engine or (cluster.engine if cluster else "postgres"),
                "engine_version": p.get("EngineVersion") or (cluster.engine_version if cluster else None),
                "db_cluster_identifier": cluster_id,
                "db_name": p.get("DBName"),
                "allocated_storage": int(p["AllocatedStorage"]) if p.get("AllocatedStorage") else None,
                "master_username": p.get("MasterUsername") or (cluster.master_username if cluster else None),
                "master_user_password": p.get("MasterUserPassword"),
                "db_subnet_group_name": p.get("DBSubnetGroupName"),
                "db_parameter_group_name": p.get("DBParameterGroupName"),
                "publicly_accessible": p.get("PubliclyAccessible") in (True, "true", "True"),
                "auto_minor_version_upgrade": p.get("AutoMinorVersionUpgrade") not in (False, "false", "False"),
                "availability_zone": p.get("AvailabilityZone"),
                "preferred_maintenance_window": (p.get("PreferredMaintenanceWindow") or "wed:06:38-wed:07:08").lower(),
                "port": int(p["Port"]) if p.get("Port") else (cluster.port if cluster else None),
                "tags": _rds_tags(p),
                "vpc_security_group_ids": p.get("VPCSecurityGroups") or p.get("VpcSecurityGroupIds") or [],
                "copy_tags_to_snapshot": p.get("CopyTagsToSnapshot") in (True, "true", "True"),
                "enable_performance_insights": p.get("EnablePerformanceInsights") in (True, "true", "True"),
                "monitoring_interval": int(p.get("MonitoringInterval") or 0),
                "monitoring_role_arn": p.get("MonitoringRoleArn"),
            }
            instance = backend.create_db_instance({k: v for k, v in db_kwargs.items() if v is not None})
            instance.status = "available"
            return cls(instance)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> DBInstance:
            p = cloudformation_json.get("Properties") or {}
            instance = original_resource.instance
            if p.get("DBInstanceClass"):
                instance.db_instance_class = p["DBInstanceClass"]
            return cls(instance)

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_instance(resource_name)

        def delete(self, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_instance(self.instance.db_instance_identifier)

    own_models: dict[str, type[CloudFormationModel]] = {
        "AWS::RDS::DBCluster": DBCluster,
        "AWS::RDS::DBInstance": DBInstance,
    }

    original_resource_class_from_type = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type in own_models:
            return own_models[resource_type]
        if resource_type in parsing.NULL_MODELS or resource_type.startswith("Custom::"):
            return original_resource_class_from_type(resource_type)
        if resource_type not in parsing.get_model_map():
            return placeholder_for(resource_type)
        return original_resource_class_from_type(resource_type)

    parsing.resource_class_from_type = resource_class_from_type

    # ----------------------------------------------------------------------------------------
    # Change sets.
    # ----------------------------------------------------------------------------------------

    def _stringify(params: dict[str, Any]) -> dict[str, str]:
        return {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in (params or {}).items()}

    def _effective_parameters(template_dict: dict[str, Any], parameters: dict[str, Any]) -> dict[str, str]:
        # What AWS compares: every declared parameter's value, given or defaulted.
        declared = (template_dict or {}).get("Parameters") or {}
        values = {k: parameters[k] if k in parameters else (v or {}).get("Default") for k, v in declared.items()}
        return _stringify({k: v for k, v in values.items() if v is not None})

    def _live_stack_named(backend: Any, name: str) -> Any:
        for stack in backend.stacks.values():
            if stack.name == name:
                return stack
        return None

    original_create_change_set = CloudFormationBackend.create_change_set

    def _check_parameters(template: str, parameters: dict[str, Any]) -> None:
        # AWS refuses these at CreateChangeSet; moto only failed later, inside the execution.
        declared = (Stack.parse_template(template) or {}).get("Parameters") or {}
        unknown = sorted(k for k in parameters if k not in declared)
        if unknown:
            raise ValidationError(message=f"Parameters: [{', '.join(unknown)}] do not exist in the template")
        missing = sorted(k for k, v in declared.items() if k not in parameters and "Default" not in (v or {}))
        if missing:
            raise ValidationError(message=f"Parameters: [{', '.join(missing)}] must have values")

    def create_change_set(self: Any, stack_name: str, change_set_name: str, template: str, parameters: dict[str, str], description: str, change_set_type: str, notification_arns: Any = None, tags: Any = None, role_arn: Any = None) -> tuple[str, str]:
        _check_parameters(template, parameters or {})
        existing = _live_stack_named(self, stack_name)
        if change_set_type == "CREATE" and existing is not None:
            if existing.status != "REVIEW_IN_PROGRESS":
                # AWS: a CREATE change set for a stack that exists is refused, instead of moto's
                # silent second stack with the same name.
                raise AlreadyExistsException(f"Stack [{stack_name}] already exists")
            # Another CREATE change set for a stack still in review reuses that stack.
            change_set_type_for_moto = "UPDATE"
        else:
            change_set_type_for_moto = change_set_type
        if change_set_type == "UPDATE" and existing is not None and existing.status in ("REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"):
            raise ValidationError(message=f"Stack:{existing.stack_id} is in {existing.status} state and can not be updated.")
        change_set_id, stack_id = original_create_change_set(self, stack_name, change_set_name, template, parameters, description, change_set_type_for_moto, notification_arns, tags, role_arn)
        change_set = self.change_sets[change_set_id]
        change_set.change_set_type = change_set_type
        stack = self.stacks[stack_id]
        if change_set_type == "UPDATE":
            # moto compares raw parameter dicts; values from UsePreviousValue come back parsed
            # (numbers, lists), so compare as strings. And a change of tags alone is a change.
            same_parameters = _stringify(stack.resource_map.resolved_parameters) == _effective_parameters(change_set.template_dict, parameters)
            same_tags = not tags or dict(tags) == dict(stack.tags)
            unchanged = stack.has_template(template) and same_parameters and same_tags
            if unchanged:
                change_set.status = "FAILED"
                change_set.execution_status = "UNAVAILABLE"
                change_set.status_reason = "The submitted information didn't contain changes. Submit different information to create a change set."
            else:
                change_set.status = "CREATE_COMPLETE"
                change_set.execution_status = "AVAILABLE"
                change_set.status_reason = None
        return change_set_id, stack_id

    CloudFormationBackend.create_change_set = create_change_set

    def change_set_diff(self: Any) -> list[Any]:
        # Like AWS, a resource whose properties reference a changed parameter is a Modify even
        # when its template text is the same (moto lists no changes for parameter-only updates).
        resource_map = self.stack.resource_map
        by_action = resource_map.build_change_set_actions(self.template_dict)
        if self.change_set_type == "UPDATE" and self.parameters:
            old = _stringify(resource_map.resolved_parameters)
            changed = {k for k, v in _effective_parameters(self.template_dict, self.parameters).items() if old.get(k) != v}
            if changed:
                new_resources = self.template_dict.get("Resources", {})
                for name, body in new_resources.items():
                    if name in by_action["Add"] or name in by_action["Modify"]:
                        continue
                    refs = set(parsing.get_references_from_template(body)) | _sub_references(body)
                    if refs & changed:
                        by_action["Modify"][name] = {"LogicalResourceId": name, "ResourceType": body["Type"]}
        changes = []
        for action, resources in by_action.items():
            for name, resource in resources.items():
                changes.append(cfn_models.Change(action=action, logical_resource_id=name, resource_type=resource["ResourceType"]))
        return changes

    def _sub_references(body: Any) -> set[str]:
        import re

        found: set[str] = set()
        if isinstance(body, dict):
            for key, value in body.items():
                if key == "Fn::Sub":
                    text = value[0] if isinstance(value, list) else value
                    if isinstance(text, str):
                        found |= {m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                    if isinstance(value, list) and len(value) > 1:
                        found |= _sub_references(value[1])
                else:
                    found |= _sub_references(value)
        elif isinstance(body, list):
            for item in body:
                found |= _sub_references(item)
        return found

    cfn_models.ChangeSet.diff = change_set_diff

    def _getatt_references(body: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(body, dict):
            for key, value in body.items():
                if key == "Fn::GetAtt":
                    target = value.split(".", 1)[0] if isinstance(value, str) else value[0]
                    if isinstance(target, str):
                        found.add(target)
                else:
                    found |= _getatt_references(value)
        elif isinstance(body, list):
            for item in body:
                found |= _getatt_references(item)
        return found

    original_resource_map_update = parsing.ResourceMap.update

    def resource_map_update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        # AWS updates a resource whose property resolves to a new value because a resource it
        # references was replaced (a service whose task definition got a new revision); moto only
        # updated resources whose own template text changed, so the service stayed on revision 1.
        def physical_ids() -> dict[str, Any]:
            return {name: getattr(res, "physical_resource_id", None) for name, res in self._parsed_resources.items() if hasattr(res, "physical_resource_id")}

        before = physical_ids()
        original_resource_map_update(self, template, parameters)
        after = physical_ids()
        changed = {name for name, old in before.items() if name in after and after[name] != old}
        done: set[str] = set()
        while changed:
            next_changed: set[str] = set()
            for name, body in self._resource_json_map.items():
                if name in done or name in changed or name not in self._parsed_resources:
                    continue
                refs = set(parsing.get_references_from_template(body)) | _getatt_references(body) | _sub_references(body)
                if not refs & changed:
                    continue
                old_id = getattr(self._parsed_resources.get(name), "physical_resource_id", None)
                updated = parsing.parse_and_update_resource(name, body, self, account_id=self._account_id, region_name=self._region_name)
                if updated is not None:
                    self._parsed_resources[name] = updated
                done.add(name)
                if getattr(updated, "physical_resource_id", None) != old_id:
                    next_changed.add(name)
            changed = next_changed

    parsing.ResourceMap.update = resource_map_update

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = self.change_sets.get(change_set_name)
        if change_set is None:
            matches = [cs for cs in self.change_sets.values() if cs.change_set_name == change_set_name and (not stack_name or cs.stack_name == stack_name or cs.stack_id == stack_name)]
            change_set = matches[0] if matches else None
        if change_set is None:
            raise ValidationError(message=f"ChangeSet [{change_set_name}] does not exist")
        if change_set.execution_status != "AVAILABLE":
            raise ValidationError(message=f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status of [{change_set.execution_status}]")

        stack = self.stacks[change_set.stack_id]
        creating = change_set.change_set_type == "CREATE"
        verb = "CREATE" if creating else "UPDATE"
        old_exports = [export.name for export in stack.exports] if not creating else []
        stack._add_stack_event(f"{verb}_IN_PROGRESS", resource_status_reason="User Initiated")
        stack.status = f"{verb}_IN_PROGRESS"
        resource_map = stack.resource_map
        # What a failed update restores (resources made before the failure stay, as orphans).
        saved = (resource_map._template, resource_map._resource_json_map, resource_map.input_parameters, dict(resource_map._parsed_resources), dict(resource_map.resolved_parameters))
        try:
            if creating:
                stack.resource_map.tags.update({"aws:cloudformation:stack-name": stack.name, "aws:cloudformation:stack-id": stack.stack_id})
            change_set.apply()
            new_template_dict = change_set.template_dict
            # Outputs, like CreateStack builds them: moto's execute never rebuilt the output map.
            output_map = cfn_models.OutputMap(stack.resource_map, new_template_dict, stack.stack_id)
            new_exports = output_map.exports
            for export in new_exports:
                owner = self.exports.get(export.name)
                if owner is not None and owner.exporting_stack_id != stack.stack_id:
                    raise ValidationError(stack.stack_id, message=f"Export with name {export.name} is already exported by stack {_stack_name_from_id(owner.exporting_stack_id)}")
            # Resolve every output now, so a bad one fails the execution. moto leaves a GetAtt it
            # cannot compute as the raw dict; fail loudly rather than hand that on as a value.
            for output in output_map.values():
                if output is not None and isinstance(output.value, (dict, list)) and "Fn::GetAtt" in json.dumps(output.value):
                    raise ValidationError(message=f"Output {output.key}: the local emulator (moto {PATCHED_MOTO_VERSION}) cannot compute {json.dumps(output.value)}; add it to local/{os.path.basename(__file__)}")
        except Exception as error:
            reason = _error_text(error)
            failed = getattr(error, "platform_failed_resource", None)
            first = f"The following resource(s) failed to {verb.lower()}: [{failed[0]}]. " if failed else ""
            change_set.execution_status = "EXECUTE_FAILED"
            if creating:
                # AWS rolls a failed first create back to ROLLBACK_COMPLETE (the stack can then
                # only be deleted); moto used to answer HTTP 500 and leave it half made.
                stack._add_stack_event("CREATE_FAILED", resource_status_reason=first + reason)
                stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=first + "Rollback requested by user.")
                try:
                    stack.resource_map.delete()
                except Exception:
                    pass
                stack._add_stack_event("ROLLBACK_COMPLETE")
                stack.status = "ROLLBACK_COMPLETE"
            else:
                # The previous template and parameters stay the stack's, as after AWS's rollback.
                stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=first + reason)
                stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
                stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
                stack.status = "UPDATE_ROLLBACK_COMPLETE"
                resource_map._template, resource_map._resource_json_map, resource_map.input_parameters, parsed, resolved = saved
                resource_map._parsed_resources.clear()
                resource_map._parsed_resources.update(parsed)
                resource_map.resolved_parameters.clear()
                resource_map.resolved_parameters.update(resolved)
            stack.status_reason = first + reason
            return

        for name in old_exports:
            self.exports.pop(name, None)
        for export in new_exports:
            self.exports[export.name] = export
        stack.template = change_set.template
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.output_map = output_map
        stack.parameters = dict(change_set.parameters) if change_set.parameters else dict(stack.resource_map.input_parameters)
        if change_set.tags:
            stack.tags = dict(change_set.tags)
        stack.status = f"{verb}_COMPLETE"
        stack.status_reason = None
        stack._add_stack_event(f"{verb}_COMPLETE")
        change_set.execution_status = "EXECUTE_COMPLETE"
        # AWS deletes the stack's other change sets once one is executed.
        for other_id in [cid for cid, cs in self.change_sets.items() if cs.stack_id == stack.stack_id and cid != change_set.change_set_id]:
            del self.change_sets[other_id]

    CloudFormationBackend.execute_change_set = execute_change_set

    # ----------------------------------------------------------------------------------------
    # UpdateStack with identical input: moto's response validator throws "No updates are to be
    # performed." also for CreateChangeSet, where AWS instead makes a FAILED change set.
    # ----------------------------------------------------------------------------------------

    Response = cfn_responses.CloudFormationResponse
    original_validate_different_update = Response._validate_different_update
    original_create_change_set_response = Response.create_change_set

    def _validate_different_update(self: Any, incoming_params: Any, stack_body: str, old_stack: Any) -> None:
        if getattr(self, "_platform_in_change_set", False):
            return None
        return original_validate_different_update(self, incoming_params, stack_body, old_stack)

    def create_change_set_response(self: Any) -> Any:
        self._platform_in_change_set = True
        try:
            return original_create_change_set_response(self)
        finally:
            self._platform_in_change_set = False

    Response._validate_different_update = _validate_different_update
    Response.create_change_set = create_change_set_response

    def list_change_sets(self: Any) -> Any:
        # AWS lists the change sets of StackName (required); moto listed the whole region's.
        wanted = self._get_param("StackName")
        change_sets = [cs for cs in self.cloudformation_backend.list_change_sets() if not wanted or wanted in (cs.stack_name, cs.stack_id)]
        return ActionResult({"Summaries": change_sets})

    Response.list_change_sets = list_change_sets

    # ----------------------------------------------------------------------------------------
    # Termination protection: moto has no UpdateTerminationProtection (HTTP 500) and DeleteStack
    # ignores the flag. Store it, report it, and refuse to delete a protected stack, as AWS does.
    # ----------------------------------------------------------------------------------------

    def update_termination_protection(self: Any) -> Any:
        stack_name = self._get_param("StackName")
        enable = self._get_bool_param("EnableTerminationProtection")
        if enable is None:
            raise ValidationError(message="1 validation error detected: Value null at 'enableTerminationProtection' failed to satisfy constraint: Member must not be null")
        stack = self.cloudformation_backend.get_stack(stack_name)
        if stack.status == "DELETE_COMPLETE":
            raise ValidationError(stack_name)
        stack.enable_termination_protection = bool(enable)
        return ActionResult({"StackId": stack.stack_id})

    Response.update_termination_protection = update_termination_protection

    original_delete_stack = CloudFormationBackend.delete_stack

    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id) or _live_stack_named(self, name_or_stack_id)
        if stack is not None and stack.enable_termination_protection:
            raise ValidationError(message=f"Stack [{name_or_stack_id}] cannot be deleted while TerminationProtection is enabled")
        return original_delete_stack(self, name_or_stack_id)

    CloudFormationBackend.delete_stack = delete_stack

    original_update_stack = Stack.update

    def stack_update(self: Any, *args: Any, **kwargs: Any) -> None:
        # UpdateStack: keep the output map and exports fresh (moto rebuilds the output map but
        # the backend's export registry keeps the old values).
        original_update_stack(self, *args, **kwargs)
        backend = cfn_models.cloudformation_backends[self.account_id][self.region_name]
        for name in [n for n, e in backend.exports.items() if e.exporting_stack_id == self.stack_id]:
            backend.exports.pop(name, None)
        for export in self.exports:
            backend.exports[export.name] = export

    Stack.update = stack_update


def install_engine_versions() -> None:
    """RDS DescribeDBEngineVersions, which moto lacks (deploy's preflight asks whether the Aurora
    version is offered). The versions are cfn-lint's list (its rule E3690 checks templates
    against the same data), so the emulator and the linter agree."""
    from moto.core.responses import ActionResult
    from moto.rds import responses as rds_responses

    versions: dict[str, list[str]] = {}
    try:
        from importlib import resources

        schema = json.loads((resources.files("cfnlint.data.schemas.extensions.aws_rds_dbcluster") / "engine_version.json").read_text())
        for branch in schema.get("allOf", []):
            engine = branch.get("if", {}).get("properties", {}).get("Engine", {}).get("const")
            enum = branch.get("then", {}).get("properties", {}).get("EngineVersion", {}).get("enum")
            if engine and enum:
                versions[engine] = [str(v) for v in enum]
    except Exception:
        # No cfn-lint in this Python: a small fixed list keeps the call working.
        versions = {"aurora-postgresql": ["16.6", "16.8", "17.4", "17.5", "17.6", "17.7", "17.9"], "postgres": ["16.8", "17.4", "17.9"]}

    def _version_key(version: str) -> list[Any]:
        return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in version.replace("-", ".").split(".")]

    def family(engine: str, version: str) -> str:
        major = version.split(".")[0]
        if engine == "aurora-postgresql":
            return f"aurora-postgresql{major}"
        if engine == "postgres":
            return f"postgres{major}"
        if engine == "aurora-mysql":
            return "aurora-mysql8.0" if version.startswith("8.0") else "aurora-mysql5.7"
        return f"{engine}{'.'.join(version.split('.')[:2])}"

    def describe_db_engine_versions(self: Any) -> Any:
        engine = self.params.get("Engine")
        wanted = self.params.get("EngineVersion")
        rows = []
        for name, listed in sorted(versions.items()):
            if engine and name != engine:
                continue
            for version in sorted(listed, key=_version_key):
                # A bare major ("17") is an alias in CloudFormation, not an engine version.
                if "." not in version or (wanted and version != wanted):
                    continue
                rows.append({
                    "Engine": name,
                    "EngineVersion": version,
                    "DBParameterGroupFamily": family(name, version),
                    "DBEngineDescription": name,
                    "DBEngineVersionDescription": f"{name} {version}",
                    "Status": "available",
                    "SupportedEngineModes": ["provisioned"],
                })
        if self.params.get("DefaultOnly") in (True, "true") and rows:
            rows = rows[-1:]
        return ActionResult({"DBEngineVersions": rows})

    if not hasattr(rds_responses.RDSResponse, "describe_db_engine_versions"):
        rds_responses.RDSResponse.describe_db_engine_versions = describe_db_engine_versions


def install_ecs_steady_state() -> None:
    """ECS for rollouts. Stock moto never starts tasks (runningCount 0, rolloutState IN_PROGRESS
    forever, so the services-stable waiter never returns), keeps UpdateService's taskDefinition as
    the string passed, and re-registers an updated CloudFormation task definition without
    converting its keys (container definitions come out empty) and without cpu, memory, roles or
    network mode. Here a service reaches its steady state at once (runningCount = desiredCount,
    one PRIMARY deployment COMPLETED on the task definition's ARN), and a CloudFormation update
    registers the new revision as a create does."""
    from moto.core.utils import pascal_to_camelcase, remap_nested_keys, utcnow
    from moto.ecs import models as ecs_models
    from moto.moto_api._internal import mock_random

    Backend = ecs_models.EC2ContainerServiceBackend

    def settle(service: Any, new_deployment: bool) -> None:
        desired = int(service.desired_count or 0)
        service.running_count = desired
        service.pending_count = 0
        if service.deployment_controller.get("type", "ECS") != "ECS":
            return
        previous = service.deployments[0] if service.deployments else {}
        deployment_id = previous.get("id") if previous and not new_deployment else f"ecs-svc/{mock_random.randint(0, 32**12)}"
        now = utcnow()
        service.deployments = [
            {
                **previous,
                "id": deployment_id,
                "status": "PRIMARY",
                "taskDefinition": service.task_definition,
                "desiredCount": desired,
                "pendingCount": 0,
                "runningCount": desired,
                "failedTasks": 0,
                "rolloutState": "COMPLETED",
                "rolloutStateReason": f"ECS deployment {deployment_id} completed.",
                "createdAt": previous.get("createdAt", now) if not new_deployment else now,
                "updatedAt": now,
            }
        ]

    original_create_service = Backend.create_service

    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        service = original_create_service(self, *args, **kwargs)
        settle(service, new_deployment=False)
        return service

    original_update_service = Backend.update_service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        task_definition = service_properties.get("task_definition")
        before = None
        try:
            before = self._get_service(service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1]).task_definition
        except Exception:
            pass
        service = original_update_service(self, service_properties)
        if task_definition:
            # AWS reports the full ARN whatever form (family, family:revision, ARN) was passed.
            service.task_definition = self.describe_task_definition(task_definition).arn
        changed = bool(task_definition) and service.task_definition != before
        settle(service, new_deployment=changed or bool(service_properties.get("force_new_deployment")))
        return service

    Backend.create_service = create_service
    Backend.update_service = update_service

    def register_from_properties(properties: dict[str, Any], account_id: str, region_name: str) -> Any:
        family = properties.get("Family", f"task-definition-{int(mock_random.random() * 10**6)}")
        camel = lambda value: remap_nested_keys(value, pascal_to_camelcase) if value else value  # noqa: E731
        backend = ecs_models.ecs_backends[account_id][region_name]
        return backend.register_task_definition(
            family=family,
            container_definitions=camel(properties.get("ContainerDefinitions", [])),
            volumes=camel(properties.get("Volumes", [])),
            network_mode=properties.get("NetworkMode"),
            tags=camel(properties.get("Tags")),
            requires_compatibilities=properties.get("RequiresCompatibilities"),
            cpu=str(properties["Cpu"]) if properties.get("Cpu") is not None else None,
            memory=str(properties["Memory"]) if properties.get("Memory") is not None else None,
            task_role_arn=properties.get("TaskRoleArn"),
            execution_role_arn=properties.get("ExecutionRoleArn"),
            runtime_platform=camel(properties.get("RuntimePlatform")),
            ephemeral_storage=camel(properties.get("EphemeralStorage")),
        )

    def td_create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return register_from_properties(cloudformation_json.get("Properties") or {}, account_id, region_name)

    def td_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        # A task definition is immutable: any change is a new revision, the old one deregistered.
        created = register_from_properties(cloudformation_json.get("Properties") or {}, account_id, region_name)
        try:
            ecs_models.ecs_backends[account_id][region_name].deregister_task_definition(original_resource.arn)
        except Exception:
            pass
        return created

    ecs_models.TaskDefinition.create_from_cloudformation_json = classmethod(td_create)
    ecs_models.TaskDefinition.update_from_cloudformation_json = classmethod(td_update)


# Patches kept one per module in local/patches/, each with install(); applied in this order.
PATCH_MODULES = [
    "ecs_deployments",
    "ecr_registry",
    "rds_restore",
    "s3_conditional_writes",
]


def install_patch_modules() -> None:
    import importlib

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for name in PATCH_MODULES:
        importlib.import_module(f"patches.{name}").install()


def serve(host: str, port: int, ready_file: str | None) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(host, port, app, threaded=True)
    actual_port = server.server_address[1]
    # moto builds some URLs (SQS queue URLs, S3 presigned URLs) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(actual_port)
    endpoint = f"http://{host}:{actual_port}"
    ready = json.dumps({"endpoint": endpoint, "host": host, "port": actual_port, "pid": os.getpid(), "moto": PATCHED_MOTO_VERSION})
    if ready_file:
        tmp = ready_file + ".tmp"
        with open(tmp, "w") as handle:
            handle.write(ready + "\n")
        os.replace(tmp, ready_file)
    sys.stdout.write(ready + "\n")
    sys.stdout.flush()

    def stop(_signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=0, help="port to bind; 0 picks a free one (default 0)")
    parser.add_argument("--ready-file", help="write the ready JSON line here once listening")
    parser.add_argument("--check", action="store_true", help="check the moto version and patches, then exit")
    args = parser.parse_args(argv)
    check_moto_version()
    install_patches()
    install_engine_versions()
    install_ecs_steady_state()
    install_patch_modules()
    if args.check:
        sys.stdout.write(json.dumps({"moto": PATCHED_MOTO_VERSION, "ok": True}) + "\n")
        return
    serve(args.host, args.port, args.ready_file)


if __name__ == "__main__":
    main()
