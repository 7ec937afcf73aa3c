"""ExecuteChangeSet as on AWS:
- Outputs and Exports are built like CreateStack builds them (moto never rebuilt the output map),
  exports re-registered on update, and a clash with another stack's export fails the execution;
  an output moto cannot compute fails the execution naming it, instead of passing the raw
  {"Fn::GetAtt": ...} text on;
- a failed execution is not an HTTP 500 leaving the stack half made: a first create rolls back to
  ROLLBACK_COMPLETE, an update to UPDATE_ROLLBACK_COMPLETE with the previous template and
  parameters, with AWS's StackStatusReason naming the failed resource;
- executing a change set that is not AVAILABLE is a ValidationError, and once one is executed the
  stack's other change sets are deleted."""

from __future__ import annotations

import json
from typing import Any

from .common import error_text, stack_name_from_id


def install() -> None:
    import moto
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation.exceptions import ValidationError

    CloudFormationBackend = cfn_models.CloudFormationBackend

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
                    raise ValidationError(stack.stack_id, message=f"Export with name {export.name} is already exported by stack {stack_name_from_id(owner.exporting_stack_id)}")
            # Resolve every output now, so a bad one fails the execution. moto leaves a GetAtt it
            # cannot compute as the raw dict; fail loudly rather than hand that on as a value.
            for output in output_map.values():
                if output is not None and isinstance(output.value, (dict, list)) and "Fn::GetAtt" in json.dumps(output.value):
                    raise ValidationError(message=f"Output {output.key}: the local emulator (moto {moto.__version__}) cannot compute {json.dumps(output.value)}; add it to local/patches/")
        except Exception as error:
            reason = error_text(error)
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
