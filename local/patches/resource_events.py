"""Per-resource stack events and failure attribution. moto only records stack-level events; AWS
records CREATE_IN_PROGRESS/CREATE_COMPLETE (or *_FAILED with a reason) per resource, which is what
a deploy shows as progress and what it reports when a stack fails. A failing resource is also
tagged on the exception (`platform_failed_resource`), which change_set_execute reads to name it."""

from __future__ import annotations

from typing import Any

from .common import error_text


def install() -> None:
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation import parsing

    Event = cfn_models.Event

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

    original_create_resource = parsing.parse_and_create_resource
    original_update_resource = parsing.parse_and_update_resource

    def _with_events(operation: str, original: Any, logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str, keep: Any = None) -> Any:
        # <operation>_IN_PROGRESS, then moto's own create or update, then <operation>_COMPLETE; a
        # failure is recorded once, by the innermost resource that failed, and raised on.
        stack = _find_stack(account_id, region_name, resources_map.stack_id)
        resource_type = resource_json.get("Type", "")
        _add_resource_event(stack, logical_id, "", resource_type, f"{operation}_IN_PROGRESS")
        try:
            resource = original(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            if not hasattr(error, "platform_failed_resource"):
                error.platform_failed_resource = (logical_id, resource_type, f"{operation}_FAILED")  # type: ignore[attr-defined]
                _add_resource_event(stack, logical_id, "", resource_type, f"{operation}_FAILED", error_text(error))
            raise
        if resource is None and keep is not None:
            resource = keep()
        physical_id = getattr(resource, "physical_resource_id", "") if resource is not None else ""
        _add_resource_event(stack, logical_id, str(physical_id or ""), resource_type, f"{operation}_COMPLETE")
        return resource

    def parse_and_create_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        condition = resource_json.get("Condition")
        if condition and not resources_map.lazy_condition_map[condition]:
            return None
        return _with_events("CREATE", original_create_resource, logical_id, resource_json, resources_map, account_id, region_name)

    def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        # moto has no update for some types and answers None, which dropped the resource from the
        # stack (Ref then resolved to nothing). Keep the existing one, unchanged.
        def existing() -> Any:
            return resources_map._parsed_resources.get(logical_id)

        return _with_events("UPDATE", original_update_resource, logical_id, resource_json, resources_map, account_id, region_name, keep=existing)

    parsing.parse_and_create_resource = parse_and_create_resource
    parsing.parse_and_update_resource = parse_and_update_resource
