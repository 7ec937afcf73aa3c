"""CloudFormation registry types: DescribeType, ActivateType, SetTypeConfiguration, DeactivateType.

Stock moto implements none of them (NotImplementedError, HTTP 500). On AWS, a public third-party
resource type (Datadog::*, MongoDB::Atlas::*) exists in an account and region only once activated
there: DescribeType answers TypeNotFoundException before, and the type with IsActivated true after;
SetTypeConfiguration stores its configuration (keys, usually as Secrets Manager references).
`platform deploy`'s preflight asks DescribeType for each third-party type its templates use.

Here: activations per account and region on the CloudFormation backend (so POST /moto-api/reset
empties them); types CloudFormation provides (AWS::*) are always described. Template execution does
not refuse non-activated types (the placeholders patch still stands in for them).
"""

from __future__ import annotations

from typing import Any

PROVIDED_PREFIXES = ("AWS::", "Alexa::", "Custom::")


def install() -> None:
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult

    class TypeNotFoundException(CloudFormationError):
        code = "TypeNotFoundException"

    def activations(self: Any) -> dict[str, dict[str, Any]]:
        backend = self.cloudformation_backend
        if not hasattr(backend, "platform_activated_types"):
            backend.platform_activated_types = {}
        return backend.platform_activated_types

    def type_arn(self: Any, type_name: str) -> str:
        return f"arn:aws:cloudformation:{self.region}:{self.current_account}:type/resource/{type_name.replace('::', '-')}"

    def describe_type(self: Any) -> ActionResult:
        type_name = self._get_param("TypeName") or ""
        if type_name.startswith(PROVIDED_PREFIXES):
            return ActionResult({"Arn": f"arn:aws:cloudformation:{self.region}::type/resource/{type_name.replace('::', '-')}", "Type": "RESOURCE", "TypeName": type_name, "Visibility": "PUBLIC", "IsActivated": True})
        activated = activations(self).get(type_name)
        if activated is None:
            raise TypeNotFoundException(f"The type '{type_name}' cannot be found.")
        result = {"Arn": type_arn(self, type_name), "Type": "RESOURCE", "TypeName": type_name, "Visibility": "PRIVATE", "IsActivated": True, "PublisherId": activated["publisher"], "OriginalTypeName": type_name}
        return ActionResult(result)

    def activate_type(self: Any) -> ActionResult:
        type_name = self._get_param("TypeName") or ""
        public_arn = self._get_param("PublicTypeArn") or ""
        if not type_name and public_arn:
            type_name = public_arn.rsplit("/", 1)[-1].replace("-", "::")
        publisher = self._get_param("PublisherId") or (public_arn.split("/")[-2] if public_arn.count("/") >= 2 else "")
        if not type_name or not publisher:
            raise TypeNotFoundException("ActivateType needs TypeName and PublisherId, or PublicTypeArn.")
        activations(self)[type_name] = {"publisher": publisher, "configuration": None}
        return ActionResult({"Arn": type_arn(self, type_name)})

    def set_type_configuration(self: Any) -> ActionResult:
        type_name = self._get_param("TypeName") or (self._get_param("TypeArn") or "").rsplit("/", 1)[-1].replace("-", "::")
        activated = activations(self).get(type_name)
        if activated is None:
            raise TypeNotFoundException(f"The type '{type_name}' cannot be found.")
        activated["configuration"] = self._get_param("Configuration")
        alias = self._get_param("ConfigurationAlias") or "default"
        return ActionResult({"ConfigurationArn": f"{type_arn(self, type_name)}/configuration/{alias}"})

    def deactivate_type(self: Any) -> ActionResult:
        type_name = self._get_param("TypeName") or ""
        if activations(self).pop(type_name, None) is None:
            raise TypeNotFoundException(f"The type '{type_name}' cannot be found.")
        return ActionResult({})

    CloudFormationResponse.describe_type = describe_type
    CloudFormationResponse.activate_type = activate_type
    CloudFormationResponse.set_type_configuration = set_type_configuration
    CloudFormationResponse.deactivate_type = deactivate_type
