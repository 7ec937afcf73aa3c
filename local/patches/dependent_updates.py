"""Dependent updates. AWS updates a resource whose property resolves to a new value because a
resource it references (Ref, GetAtt, Sub) got a new physical id, e.g. a service whose task
definition got a new revision; moto only updated resources whose own template text changed, so
the service stayed on revision 1."""

from __future__ import annotations

from typing import Any

from .common import resource_references


def install() -> None:
    from moto.cloudformation import parsing

    original_resource_map_update = parsing.ResourceMap.update

    def resource_map_update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        # AWS updates a resource whose property resolves to a new value because a resource it
        # references was replaced (a service whose task definition got a new revision); moto only
        # updated resources whose own template text changed, so the service stayed on revision 1.
        def physical_ids() -> dict[str, Any]:
            return {name: getattr(res, "physical_resource_id", None) for name, res in self._parsed_resources.items() if hasattr(res, "physical_resource_id")}

        before = physical_ids()
        original_resource_map_update(self, template, parameters)
        after = physical_ids()
        changed = {name for name, old in before.items() if name in after and after[name] != old}
        done: set[str] = set()
        while changed:
            next_changed: set[str] = set()
            for name, body in self._resource_json_map.items():
                if name in done or name in changed or name not in self._parsed_resources:
                    continue
                refs = resource_references(body)
                if not refs & changed:
                    continue
                old_id = getattr(self._parsed_resources.get(name), "physical_resource_id", None)
                updated = parsing.parse_and_update_resource(name, body, self, account_id=self._account_id, region_name=self._region_name)
                if updated is not None:
                    self._parsed_resources[name] = updated
                done.add(name)
                if getattr(updated, "physical_resource_id", None) != old_id:
                    next_changed.add(name)
            changed = next_changed

    parsing.ResourceMap.update = resource_map_update
