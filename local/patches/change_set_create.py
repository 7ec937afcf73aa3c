"""CreateChangeSet as on AWS:
- missing or unknown parameters are refused at once ("Parameters: [X] must have values" /
  "do not exist in the template"); moto only failed later, inside the execution;
- an identical change set is created FAILED with AWS's reason ("The submitted information didn't
  contain changes. ..."), instead of being refused with UpdateStack's "No updates are to be
  performed."; UsePreviousValue values compare equal (moto compared parsed numbers to strings);
  a tags-only change is a change;
- a CREATE change set for a stack that exists is refused (AlreadyExistsException; a stack still in
  REVIEW_IN_PROGRESS is reused), and an UPDATE change set on a stack that cannot be updated
  (ROLLBACK_COMPLETE...) is a ValidationError, instead of moto's second stack of the same name."""

from __future__ import annotations

from typing import Any

from .common import effective_parameters, live_stack_named, stringify


def install() -> None:
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation import responses as cfn_responses
    from moto.cloudformation.exceptions import AlreadyExistsException, ValidationError

    CloudFormationBackend = cfn_models.CloudFormationBackend
    Stack = cfn_models.Stack

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
        existing = live_stack_named(self, stack_name)
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
            same_parameters = stringify(stack.resource_map.resolved_parameters) == effective_parameters(change_set.template_dict, parameters)
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
