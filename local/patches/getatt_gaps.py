"""Fn::GetAtt gaps of types moto does model: Route53 hosted zones (Ref, Id, NameServers), ELBv2
target groups (any attribute), and load balancer attributes moto leaves as the raw
{"Fn::GetAtt": ...} text (LoadBalancerFullName, CanonicalHostedZoneID)."""

from __future__ import annotations

from typing import Any


def install() -> None:
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
