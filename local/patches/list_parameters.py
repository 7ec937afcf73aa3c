"""List parameters (`List<...>`, `CommaDelimitedList`) are reported as AWS reports them: the
comma-joined string that was submitted. Stock moto keeps the parsed list and prints it as Python
(`['subnet-1', 'subnet-2']`) in DescribeStacks, and in DescribeChangeSet when UsePreviousValue
handed the parsed value over. Refs inside templates still resolve to the list, as on AWS."""

from __future__ import annotations

from typing import Any


def joined(value: Any) -> Any:
    # List<Number> values were parsed to numbers; AWS reports the digits as submitted.
    return ",".join(str(item) for item in value) if isinstance(value, list) else value


def install() -> None:
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation import parsing as cfn_parsing

    def parameter_list(self: Any) -> list[dict[str, Any]]:
        hidden = self.resource_map.no_echo_parameter_keys
        return [{"ParameterKey": k, "ParameterValue": "****" if k in hidden else joined(v)} for k, v in self.resource_map.resolved_parameters.items()]

    cfn_models.Stack.parameter_list = property(parameter_list)

    original_load = cfn_parsing.ResourceMap.load_parameters

    def load_parameters(self: Any) -> None:
        # UsePreviousValue hands over the deployed, already parsed value: parse the string, as AWS
        # does, instead of relying on moto's list passing through its split unchanged.
        self.input_parameters = {k: joined(v) for k, v in (self.input_parameters or {}).items()}
        original_load(self)

    cfn_parsing.ResourceMap.load_parameters = load_parameters

    original_change_set_init = cfn_models.ChangeSet.__init__

    def change_set_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_change_set_init(self, *args, **kwargs)
        # DescribeChangeSet's Parameters: strings, as submitted (or as previously deployed).
        if isinstance(getattr(self, "parameters", None), dict):
            self.parameters = {k: joined(v) for k, v in self.parameters.items()}

    cfn_models.ChangeSet.__init__ = change_set_init
