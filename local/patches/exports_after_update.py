"""Exports after UpdateStack: moto rebuilds the stack's output map but the backend's export
registry kept the old values. Re-register them from the new outputs, as AWS does."""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.cloudformation import models as cfn_models

    Stack = cfn_models.Stack

    original_update_stack = Stack.update

    def stack_update(self: Any, *args: Any, **kwargs: Any) -> None:
        # UpdateStack: keep the output map and exports fresh (moto rebuilds the output map but
        # the backend's export registry keeps the old values).
        original_update_stack(self, *args, **kwargs)
        backend = cfn_models.cloudformation_backends[self.account_id][self.region_name]
        for name in [n for n, e in backend.exports.items() if e.exporting_stack_id == self.stack_id]:
            backend.exports.pop(name, None)
        for export in self.exports:
            backend.exports[export.name] = export

    Stack.update = stack_update
