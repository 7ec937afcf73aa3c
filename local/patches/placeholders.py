"""Placeholders for resource types moto ignores. Stock moto silently skips them, so a Ref becomes
empty and a Fn::GetAtt fails the whole stack ("instance of Fn::GetAtt references undefined
resource"). LocalStack's answer, reused here: a model with a deterministic physical id and
synthetic attributes in AWS's formats. Nothing is created behind them, except certificates, which
are also stored in moto's ACM (an HTTPS listener needs ACM to know its certificate).

This module also owns the resource-type hook: types in common.OWN_MODELS (registered by other
patches) first, then moto's own models, then a placeholder for anything moto does not model."""

from __future__ import annotations

from typing import Any

from .common import MODEL_MODULE, OWN_MODELS, digest, stack_name_from_id, upper_id, uuid_from


def install() -> None:
    from moto.cloudformation import parsing
    from moto.core.common_models import CloudFormationModel

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
            return digest(self.seed)[:length]

        def name(self, max_length: int = 64) -> str:
            base = f"{self.stack_name}-{self.logical_id}"[: max_length - 13]
            return f"{base}-{upper_id(self.seed, 12)}"

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
            stack_name = stack_name_from_id(kwargs.get("StackId", ""))
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
            return self.arn("acm", f"certificate/{uuid_from(self.seed)}")

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
            return "E" + upper_id(self.seed, 13)

        def attributes(self) -> dict[str, Any]:
            return {"DomainName": f"d{self.short_id(13)}.cloudfront.net", "Id": self._physical_id}

    class CloudFrontFunction(Placeholder):
        __module__ = MODEL_MODULE
        # Ref and FunctionARN are the function's ARN: arn:aws:cloudfront::<account>:function/<name>.
        def make_physical_id(self) -> str:
            return f"arn:aws:cloudfront::{self.account_id}:function/{self.prop('Name', self.name())}"

        def attributes(self) -> dict[str, Any]:
            return {"FunctionARN": self._physical_id, "FunctionMetadata.FunctionARN": self._physical_id, "Stage": "LIVE"}

    class CloudFrontId(Placeholder):
        __module__ = MODEL_MODULE
        # OriginAccessControl, VpcOrigin, CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy: Ref is the Id.
        def make_physical_id(self) -> str:
            return uuid_from(self.seed) if "Policy" in self.resource_type_name else "E" + upper_id(self.seed, 13)

        def attributes(self) -> dict[str, Any]:
            return {"Id": self._physical_id, "LastModifiedTime": "2026-01-01T00:00:00Z"}

    class WafEntity(Placeholder):
        __module__ = MODEL_MODULE
        kind = "webacl"

        def entity_name(self) -> str:
            return str(self.prop("Name", self.name(128)))

        def make_physical_id(self) -> str:
            # Ref of a WAFv2 WebACL or IPSet is "name|id|scope".
            return f"{self.entity_name()}|{uuid_from(self.seed)}|{self.prop('Scope', 'REGIONAL')}"

        def attributes(self) -> dict[str, Any]:
            scope = "global" if self.prop("Scope") == "CLOUDFRONT" else "regional"
            ident = uuid_from(self.seed)
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
            return self.arn("secretsmanager", f"secret:{name}-{upper_id(self.seed, 6)}")

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
            return self.arn("autoscaling", f"scalingPolicy:{uuid_from(self.seed)}:resource/{self.prop('ResourceId', 'ecs/service')}:policyName/{name}")

        def attributes(self) -> dict[str, Any]:
            return {"Arn": self._physical_id}

    class DBClusterParameterGroup(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return str(self.prop("DBClusterParameterGroupName", self.name(255).lower()))

    class DatadogMonitor(Placeholder):
        __module__ = MODEL_MODULE

        def make_physical_id(self) -> str:
            return str(int(digest(self.seed)[:8], 16) % 100_000_000)

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
        "AWS::CloudFront::VpcOrigin": CloudFrontId,
        "AWS::CloudFront::Function": CloudFrontFunction,
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

    original_resource_class_from_type = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type in OWN_MODELS:
            return OWN_MODELS[resource_type]
        if resource_type in parsing.NULL_MODELS or resource_type.startswith("Custom::"):
            return original_resource_class_from_type(resource_type)
        if resource_type not in parsing.get_model_map():
            return placeholder_for(resource_type)
        return original_resource_class_from_type(resource_type)

    parsing.resource_class_from_type = resource_class_from_type
