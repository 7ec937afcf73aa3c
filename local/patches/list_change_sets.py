"""ListChangeSets lists the change sets of StackName (a required parameter), as AWS does; moto
listed the whole region's."""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.cloudformation import responses as cfn_responses
    from moto.core.responses import ActionResult

    Response = cfn_responses.CloudFormationResponse

    def list_change_sets(self: Any) -> Any:
        # AWS lists the change sets of StackName (required); moto listed the whole region's.
        wanted = self._get_param("StackName")
        change_sets = [cs for cs in self.cloudformation_backend.list_change_sets() if not wanted or wanted in (cs.stack_name, cs.stack_id)]
        return ActionResult({"Summaries": change_sets})

    Response.list_change_sets = list_change_sets
