"""A stack update deletes the resources it drops last, in its cleanup. AWS creates and updates
first and deletes the resources the new template no longer has only afterwards
(UPDATE_COMPLETE_CLEANUP_IN_PROGRESS); a delete that fails there leaves the resource behind and the
update complete. moto deletes them before anything else, so an update that works only because a
dropped resource is already gone succeeded locally and fails on AWS: a Route 53 record turned
simple while the failover record it was paired with still exists, a renamed resource whose fixed
name the old one still holds. Dropped resources are deleted after the update, in as many passes as
their dependencies need, as AWS does; a failed update deletes none of them."""

from __future__ import annotations

from typing import Any

# moto's own number of passes for an update's deletions.
PASSES = 5


def install() -> None:
    from moto.cloudformation import parsing

    previous_build_resource_diff = parsing.ResourceMap.build_resource_diff
    previous_update = parsing.ResourceMap.update

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        actions = previous_build_resource_diff(self, other_template, parameters)
        deferred = getattr(self, "_platform_deferred_removals", None)
        if deferred is not None:
            # Inside an update: moto would delete these first; they wait for the cleanup.
            deferred.extend(name for name in actions["Remove"] if name not in deferred)
            actions["Remove"] = []
        return actions

    def update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        dropped_bodies = dict(self._resource_json_map)
        self._platform_deferred_removals = []
        try:
            previous_update(self, template, parameters)
            dropped = list(self._platform_deferred_removals)
        finally:
            self._platform_deferred_removals = None
        cleanup(self, dropped, dropped_bodies)

    def cleanup(resource_map: Any, dropped: list[str], bodies: dict[str, Any]) -> None:
        remaining = list(dropped)
        for _ in range(PASSES):
            for name in list(remaining):
                resource = resource_map._parsed_resources.get(name)
                if resource is None or isinstance(resource, str):
                    # Never created (a false condition), or a plain value: nothing to delete.
                    resource_map._parsed_resources.pop(name, None)
                    remaining.remove(name)
                    continue
                try:
                    resource_map._delete_resource(resource, bodies[name])
                except Exception:
                    # A dependency not deleted yet: the next pass.
                    continue
                resource_map._parsed_resources.pop(name, None)
                remaining.remove(name)
            if not remaining:
                return
        # What still fails to delete stays behind, as on AWS after a failed cleanup.

    parsing.ResourceMap.build_resource_diff = build_resource_diff
    parsing.ResourceMap.update = update
