"""Termination protection: moto has no UpdateTerminationProtection (HTTP 500) and DeleteStack
ignores the flag. Store it, report it (EnableTerminationProtection), and refuse to delete a
protected stack, as AWS does."""

from __future__ import annotations

from typing import Any

from .common import live_stack_named


def install() -> None:
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation import responses as cfn_responses
    from moto.cloudformation.exceptions import ValidationError
    from moto.core.responses import ActionResult

    CloudFormationBackend = cfn_models.CloudFormationBackend
    Response = cfn_responses.CloudFormationResponse

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
        stack = self.stacks.get(name_or_stack_id) or live_stack_named(self, name_or_stack_id)
        if stack is not None and stack.enable_termination_protection:
            raise ValidationError(message=f"Stack [{name_or_stack_id}] cannot be deleted while TerminationProtection is enabled")
        return original_delete_stack(self, name_or_stack_id)

    CloudFormationBackend.delete_stack = delete_stack
