"""A CloudFormation security group keeps the inline ingress rules whose source is a managed prefix
list (`SourcePrefixListId`), as on AWS. Stock moto reads only `CidrIp` and the source group of each
inline rule, so such a rule is silently dropped: the group admits nothing, and a wrong prefix list id
goes unnoticed. With the patch the rule is authorized with its prefix list, which must exist in the
region: an unknown id fails the resource as EC2 answers it ("The prefix list ID 'pl-...' does not
exist")."""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.security_groups import SecurityGroup

    original = SecurityGroup.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        backend = ec2_backends[account_id][region_name]
        from_prefix_lists = [rule for rule in properties.get("SecurityGroupIngress", []) if rule.get("SourcePrefixListId")]
        # Checked before the group exists, so a refused rule leaves nothing behind (AWS creates the group and rules as one resource).
        for rule in from_prefix_lists:
            if rule["SourcePrefixListId"] not in backend.managed_prefix_lists:
                raise EC2ClientError("InvalidPrefixListID.NotFound", f"The prefix list ID '{rule['SourcePrefixListId']}' does not exist")
        group = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        for rule in from_prefix_lists:
            backend.authorize_security_group_ingress(
                group_name_or_id=group.id,
                ip_protocol=rule["IpProtocol"],
                from_port=rule["FromPort"],
                to_port=rule["ToPort"],
                ip_ranges=[],
                prefix_list_ids=[{"PrefixListId": rule["SourcePrefixListId"], "Description": rule.get("Description", "")}],
                vpc_id=properties.get("VpcId"),
            )
        return group

    SecurityGroup.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign]
