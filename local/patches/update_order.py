"""Stack updates in dependency order, stopping at a failure. AWS updates the resources of a stack
update in dependency order (a resource after every resource it references: Ref, GetAtt, Sub) and
a resource whose update fails fails the update. moto modifies them in template order and retries a
failed one in up to four more passes: a service whose own properties changed was updated before the
task definition it references was replaced (a rollout to the old revision), and a service update
that ECS's circuit breaker rolled back was simply tried again, and succeeded."""

from __future__ import annotations

from typing import Any

from .common import dependency_order, resource_references


def install() -> None:
    from moto.cloudformation import parsing

    original_build_resource_diff = parsing.ResourceMap.build_resource_diff
    original_update = parsing.ResourceMap.update
    original_parse_and_update = parsing.parse_and_update_resource

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        actions = original_build_resource_diff(self, other_template, parameters)
        modify = list(actions["Modify"])
        resources = other_template.get("Resources") or {}

        def references(name: str) -> set[str]:
            body = resources.get(name) or {}
            return resource_references(body) & set(modify)

        # Each resource after those it references; template order otherwise.
        actions["Modify"] = dependency_order(modify, references)
        return actions

    def update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        # A resource that failed once in this update fails again on moto's retry passes, without
        # calling the service again, so the update fails as it does on AWS.
        self._platform_failed_updates = {}
        try:
            original_update(self, template, parameters)
        finally:
            self._platform_failed_updates = None

    def parse_and_update_resource(logical_id: str, resource_json: Any, resources_map: Any, *args: Any, **kwargs: Any) -> Any:
        failed = getattr(resources_map, "_platform_failed_updates", None)
        if failed is not None and logical_id in failed:
            raise failed[logical_id]
        try:
            return original_parse_and_update(logical_id, resource_json, resources_map, *args, **kwargs)
        except Exception as error:
            if failed is not None:
                failed[logical_id] = error
            raise

    parsing.ResourceMap.build_resource_diff = build_resource_diff
    parsing.ResourceMap.update = update
    parsing.parse_and_update_resource = parse_and_update_resource
