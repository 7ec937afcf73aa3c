"""New resources in dependency order, DependsOn included. AWS creates a stack's new resources (a
first create, or resources an update adds) each after every resource it references (Ref, GetAtt,
Sub) and every resource its DependsOn names. moto's change sets create them in template order,
creating a referenced resource early when it resolves a reference, and ignore DependsOn: an API
Gateway deployment that DependsOn its methods was created before them and failed ("The REST API
doesn't contain any methods"), and a failover record was written before the record it must
follow."""

from __future__ import annotations

from typing import Any

from .common import dependency_order, resource_dependencies


def install() -> None:
    from moto.cloudformation import parsing

    previous_build_resource_diff = parsing.ResourceMap.build_resource_diff

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        actions = previous_build_resource_diff(self, other_template, parameters)
        add = list(actions["Add"])
        resources = other_template.get("Resources") or {}

        # Each resource after those it depends on; template order otherwise.
        actions["Add"] = dependency_order(add, lambda name: resource_dependencies(resources.get(name)))
        return actions

    parsing.ResourceMap.build_resource_diff = build_resource_diff
