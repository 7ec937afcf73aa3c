"""Stack updates in dependency order, stopping at a failure. AWS updates the resources of a stack
update in dependency order (a resource after every resource it references: Ref, GetAtt, Sub) and
a resource whose update fails fails the update. moto modifies them in template order and retries a
failed one in up to four more passes: a service whose own properties changed was updated before the
task definition it references was replaced (a rollout to the old revision), and a service update
that ECS's circuit breaker rolled back was simply tried again, and succeeded. moto also creates an
update's new resources before it modifies anything: a new resource that depends on a modified one
(DependsOn, or a reference) is created after that modification here, as on AWS (a failover
SECONDARY after its PRIMARY turned from a simple record into a failover one)."""

from __future__ import annotations

from typing import Any

from .common import dependency_order, resource_dependencies, resource_references


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
        deferred = getattr(self, "_platform_adds_after_modify", None)
        if deferred is not None:
            # New resources that wait for a modified one, directly or through another new one:
            # created once the modifications are done.
            add = list(actions["Add"])
            waiting = {name for name in add if resource_dependencies(resources.get(name)) & set(modify)}
            while True:
                more = {name for name in add if name not in waiting and resource_dependencies(resources.get(name)) & waiting}
                if not more:
                    break
                waiting |= more
            later = [name for name in add if name in waiting]
            deferred.extend(dependency_order(later, lambda name: resource_dependencies(resources.get(name))))
            actions["Add"] = [name for name in add if name not in waiting]
        return actions

    def update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        # A resource that failed once in this update fails again on moto's retry passes, without
        # calling the service again, so the update fails as it does on AWS.
        self._platform_failed_updates = {}
        self._platform_adds_after_modify = []
        try:
            original_update(self, template, parameters)
            for name in self._platform_adds_after_modify:
                # Creates it (moto's ResourceMap creates a resource when first looked up).
                _ = self[name]
        finally:
            self._platform_failed_updates = None
            self._platform_adds_after_modify = None

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
