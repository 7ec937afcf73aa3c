"""Parameter-only change sets list what they change: like AWS, a resource whose properties
reference (Ref or Fn::Sub) a changed parameter is a Modify even when its template text is the
same; moto listed no changes at all.

Only what a parameter causes is added here: a resource listed because a resource it reads (Ref,
Fn::GetAtt) is replaced is not emulated in the diff (dependent_updates applies it on execution)."""

from __future__ import annotations

from typing import Any

from .common import effective_parameters, resource_references, stringify


def install() -> None:
    from moto.cloudformation import models as cfn_models

    def change_set_diff(self: Any) -> list[Any]:
        # Like AWS, a resource whose properties reference a changed parameter is a Modify even
        # when its template text is the same (moto lists no changes for parameter-only updates).
        resource_map = self.stack.resource_map
        by_action = resource_map.build_change_set_actions(self.template_dict)
        if self.change_set_type == "UPDATE" and self.parameters:
            old = stringify(resource_map.resolved_parameters)
            changed = {k for k, v in effective_parameters(self.template_dict, self.parameters).items() if old.get(k) != v}
            if changed:
                new_resources = self.template_dict.get("Resources", {})
                for name, body in new_resources.items():
                    if name in by_action["Add"] or name in by_action["Modify"]:
                        continue
                    # What the body references names parameters and resources alike; only the
                    # parameters can meet `changed` (a template's logical ids are unique across both).
                    if resource_references(body) & changed:
                        by_action["Modify"][name] = {"LogicalResourceId": name, "ResourceType": body["Type"]}
        changes = []
        for action, resources in by_action.items():
            for name, resource in resources.items():
                changes.append(cfn_models.Change(action=action, logical_resource_id=name, resource_type=resource["ResourceType"]))
        return changes


    cfn_models.ChangeSet.diff = change_set_diff
