"""A VPC created through CloudFormation keeps its EnableDnsHostnames and EnableDnsSupport
properties, as on AWS. Stock moto drops both (DNS hostnames stay off), so a network interface in the
VPC gets no private DNS name, and starting an awsvpc ECS task there fails with
"'NetworkInterface' object has no attribute 'private_dns_name'"."""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.ec2.models.vpcs import VPC

    original = VPC.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        vpc = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        for key, attribute in (("EnableDnsHostnames", "enable_dns_hostnames"), ("EnableDnsSupport", "enable_dns_support")):
            if key in properties:
                setattr(vpc, attribute, str(properties[key]).lower() == "true")
        return vpc

    VPC.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign]
