"""FilterLogEvents returns a log group's events in time order across streams, as AWS does.

moto 5.2.1 sorts by timestamp only when the request says `interleaved: true`, and otherwise lists
one stream after another. AWS has ignored that flag since June 2019 and always interleaves the
streams, sorting by event timestamp; `platform logs` shows a service's tasks that way.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.logs.models import LogGroup

    original = LogGroup.filter_log_events

    def filter_log_events(self: Any, log_group_name: str, log_stream_names: list[str], start_time: int, end_time: int, limit: int | None, next_token: str | None, filter_pattern: str, interleaved: bool) -> Any:
        return original(self, log_group_name, log_stream_names, start_time, end_time, limit, next_token, filter_pattern, True)

    LogGroup.filter_log_events = filter_log_events
