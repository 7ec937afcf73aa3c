"""CloudFormation registry types: DescribeType, ActivateType, SetTypeConfiguration,
BatchDescribeTypeConfigurations, DeactivateType.

Stock moto implements none of them (NotImplementedError, HTTP 500). On AWS, a public third-party
resource type (Datadog::*, MongoDB::Atlas::*) exists in an account and region only once activated
there: DescribeType answers TypeNotFoundException before, and the type with IsActivated true after;
ActivateType records AutoUpdate and ExecutionRoleArn, which DescribeType then shows.
SetTypeConfiguration stores its configuration (keys, usually as dynamic references), which must be
JSON and needs a ConfigurationAlias for a resource type; BatchDescribeTypeConfigurations answers
`{}` (and no LastUpdated) for a type whose configuration was never set, and an error entry for a
type that is not activated. `platform deploy`'s preflight asks DescribeType and
BatchDescribeTypeConfigurations for each third-party type its templates use; `platform activate`
calls ActivateType and SetTypeConfiguration.

Here: activations per account and region on the CloudFormation backend (so POST /moto-api/reset
empties them); types CloudFormation provides (AWS::*) are always described. Template execution does
not refuse non-activated types (the placeholders patch still stands in for them).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

PROVIDED_PREFIXES = ("AWS::", "Alexa::", "Custom::")


def install() -> None:
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult

    class TypeNotFoundException(CloudFormationError):
        code = "TypeNotFoundException"

    class CFNRegistryException(CloudFormationError):
        code = "CFNRegistryException"

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
        result = {"Arn": type_arn(self, type_name), "Type": "RESOURCE", "TypeName": type_name, "Visibility": "PRIVATE", "IsActivated": True, "PublisherId": activated["publisher"], "OriginalTypeName": type_name, "AutoUpdate": activated["auto_update"]}
        if activated["execution_role"]:
            result["ExecutionRoleArn"] = activated["execution_role"]
        return ActionResult(result)

    def activate_type(self: Any) -> ActionResult:
        type_name = self._get_param("TypeName") or ""
        public_arn = self._get_param("PublicTypeArn") or ""
        if not type_name and public_arn:
            type_name = public_arn.rsplit("/", 1)[-1].replace("-", "::")
        publisher = self._get_param("PublisherId") or (public_arn.split("/")[-2] if public_arn.count("/") >= 2 else "")
        if not type_name or not publisher:
            raise TypeNotFoundException("ActivateType needs TypeName and PublisherId, or PublicTypeArn.")
        previous = activations(self).get(type_name) or {}
        # AutoUpdate defaults to true (ActivateType's documentation); a repeated activation keeps the configuration.
        auto_update = self._get_bool_param("AutoUpdate", True)
        activations(self)[type_name] = {
            "publisher": publisher,
            "auto_update": auto_update,
            "execution_role": self._get_param("ExecutionRoleArn") or None,
            "configuration": previous.get("configuration"),
            "alias": previous.get("alias"),
            "last_updated": previous.get("last_updated"),
        }
        return ActionResult({"Arn": type_arn(self, type_name)})

    def set_type_configuration(self: Any) -> ActionResult:
        type_name = self._get_param("TypeName") or (self._get_param("TypeArn") or "").rsplit("/", 1)[-1].replace("-", "::")
        activated = activations(self).get(type_name)
        if activated is None:
            raise TypeNotFoundException(f"The type '{type_name}' cannot be found.")
        alias = self._get_param("ConfigurationAlias")
        if not alias:
            raise CFNRegistryException("ConfigurationAlias is required when setting a configuration for a resource type extension.")
        configuration = self._get_param("Configuration") or ""
        try:
            if not isinstance(json.loads(configuration), dict):
                raise ValueError("not an object")
        except ValueError:
            raise CFNRegistryException("Configuration must be a JSON object.")
        activated["configuration"] = configuration
        activated["alias"] = alias
        activated["last_updated"] = datetime.now(timezone.utc)
        return ActionResult({"ConfigurationArn": configuration_arn(self, type_name, alias)})

    def configuration_arn(self: Any, type_name: str, alias: str) -> str:
        return f"arn:aws:cloudformation:{self.region}:{self.current_account}:type-configuration/resource/{type_name.replace('::', '-')}/{alias}"

    def batch_describe_type_configurations(self: Any) -> ActionResult:
        identifiers = self._get_param("TypeConfigurationIdentifiers", [])
        found: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for identifier in identifiers:
            type_name = identifier.get("TypeName") or (identifier.get("TypeArn") or "").rsplit("/", 1)[-1].replace("-", "::")
            activated = activations(self).get(type_name)
            if activated is None:
                errors.append({"ErrorCode": "TypeNotFoundException", "ErrorMessage": f"The type '{type_name}' cannot be found.", "TypeConfigurationIdentifier": identifier})
                continue
            alias = activated["alias"] or identifier.get("TypeConfigurationAlias") or "default"
            details: dict[str, Any] = {
                "Arn": configuration_arn(self, type_name, alias),
                "Alias": alias,
                # AWS answers {} for an extension whose configuration was never set.
                "Configuration": activated["configuration"] or "{}",
                "TypeArn": type_arn(self, type_name),
                "TypeName": type_name,
                "IsDefaultConfiguration": alias == "default",
            }
            if activated["last_updated"] is not None:
                details["LastUpdated"] = activated["last_updated"]
            found.append(details)
        return ActionResult({"TypeConfigurations": found, "Errors": errors, "UnprocessedTypeConfigurations": []})

    def deactivate_type(self: Any) -> ActionResult:
        type_name = self._get_param("TypeName") or ""
        if activations(self).pop(type_name, None) is None:
            raise TypeNotFoundException(f"The type '{type_name}' cannot be found.")
        return ActionResult({})

    CloudFormationResponse.describe_type = describe_type
    CloudFormationResponse.activate_type = activate_type
    CloudFormationResponse.set_type_configuration = set_type_configuration
    CloudFormationResponse.batch_describe_type_configurations = batch_describe_type_configurations
    CloudFormationResponse.deactivate_type = deactivate_type
