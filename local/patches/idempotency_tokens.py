"""Idempotency tokens. AWS de-duplicates a retried CreateChangeSet (`ClientToken`) and a retried
ExecuteChangeSet, CreateStack, UpdateStack or DeleteStack (`ClientRequestToken`): the same request
with the same token, sent again because its answer was lost, answers as the first did and changes
nothing more. moto ignores the tokens, so a retry made a second change set (for a new stack, a
second stack) or answered a repeated execution with an error although the first had worked.

Here the first successful answer of each (action, stack or change set, token) is kept and given
again to a repeat; a request without a token is handled as before."""

from __future__ import annotations

from typing import Any, Callable

# action -> (token parameter, the parameters that name what the request acts on)
TOKENS: dict[str, tuple[str, tuple[str, ...]]] = {
    "create_change_set": ("ClientToken", ("StackName", "ChangeSetName")),
    "execute_change_set": ("ClientRequestToken", ("StackName", "ChangeSetName")),
    "create_stack": ("ClientRequestToken", ("StackName",)),
    "update_stack": ("ClientRequestToken", ("StackName",)),
    "delete_stack": ("ClientRequestToken", ("StackName",)),
}


def install() -> None:
    from moto.cloudformation import responses as cfn_responses

    Response = cfn_responses.CloudFormationResponse

    def deduplicated(action: str, original: Callable[[Any], Any], token_param: str, target_params: tuple[str, ...]) -> Callable[[Any], Any]:
        def handler(self: Any) -> Any:
            token = self._get_param(token_param)
            if not token:
                return original(self)
            # Kept on the backend, so POST /moto-api/reset forgets the tokens with everything else.
            answered = self.cloudformation_backend.__dict__.setdefault("_platform_answered_tokens", {})
            key = (action, token, *(str(self._get_param(p) or "") for p in target_params))
            if key in answered:
                return answered[key]
            result = original(self)
            answered[key] = result
            return result

        return handler

    for action, (token_param, target_params) in TOKENS.items():
        setattr(Response, action, deduplicated(action, getattr(Response, action), token_param, target_params))
