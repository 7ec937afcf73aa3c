"""AWS::CloudWatch::Alarm made in CloudFormation is a real alarm in moto's CloudWatch.

moto 5.2.1's CloudFormation has no model for AWS::CloudWatch::Alarm, so the launcher gives it a
placeholder (physical id = AlarmName, an ARN attribute) and nothing else: DescribeAlarms listed none
of the monitoring stack's alarms, and `platform status` could not show which are in ALARM. Here the
placeholder also puts the alarm in moto's CloudWatch (PutMetricAlarm with the template's properties,
metric math included), replaces it on update and deletes it with the stack. SetAlarmState then
drives its state as on AWS.
"""

from __future__ import annotations

from typing import Any

ALARM_TYPE = "AWS::CloudWatch::Alarm"


def _queries(metrics: list[dict[str, Any]] | None) -> list[Any] | None:
    from moto.cloudwatch.models import Dimension, Metric, MetricDataQuery, MetricStat

    if not metrics:
        return None
    queries = []
    for metric in metrics:
        stat = metric.get("MetricStat") or {}
        inner = stat.get("Metric") or {}
        metric_stat = None
        if inner.get("MetricName"):
            metric_stat = MetricStat(
                metric=Metric(
                    metric_name=inner["MetricName"],
                    namespace=inner.get("Namespace"),
                    dimensions=[Dimension(name=d.get("Name"), value=str(d.get("Value"))) for d in inner.get("Dimensions") or []],
                ),
                period=stat.get("Period"),
                stat=stat.get("Stat"),
                unit=stat.get("Unit"),
            )
        queries.append(
            MetricDataQuery(
                query_id=metric.get("Id"),
                label=metric.get("Label"),
                period=metric.get("Period"),
                return_data=metric.get("ReturnData"),
                expression=metric.get("Expression"),
                metric_stat=metric_stat,
            )
        )
    return queries


def put_alarm(name: str, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    def number(key: str) -> Any:
        value = properties.get(key)
        return float(value) if value is not None and key == "Threshold" else (int(value) if value is not None else None)

    cloudwatch_backends[account_id][region_name].put_metric_alarm(
        name=name,
        namespace=properties.get("Namespace"),
        metric_name=properties.get("MetricName"),
        comparison_operator=properties.get("ComparisonOperator"),
        evaluation_periods=number("EvaluationPeriods"),
        period=number("Period"),
        threshold=number("Threshold"),
        statistic=properties.get("Statistic"),
        description=properties.get("AlarmDescription"),
        dimensions=[{"Name": d.get("Name"), "Value": str(d.get("Value"))} for d in properties.get("Dimensions") or []],
        alarm_actions=list(properties.get("AlarmActions") or []),
        metric_data_queries=_queries(properties.get("Metrics")),
        datapoints_to_alarm=number("DatapointsToAlarm"),
        extended_statistic=properties.get("ExtendedStatistic"),
        ok_actions=list(properties.get("OKActions") or []),
        insufficient_data_actions=list(properties.get("InsufficientDataActions") or []),
        unit=properties.get("Unit"),
        actions_enabled=str(properties.get("ActionsEnabled", True)).lower() != "false",
        treat_missing_data=properties.get("TreatMissingData"),
        evaluate_low_sample_count_percentile=properties.get("EvaluateLowSampleCountPercentile"),
        threshold_metric_id=properties.get("ThresholdMetricId"),
        tags=list(properties.get("Tags") or []),
    )


def delete_alarm(name: str, account_id: str, region_name: str) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    cloudwatch_backends[account_id][region_name].delete_alarms([name])


def install() -> None:
    from moto.cloudformation import parsing

    launcher_lookup = parsing.resource_class_from_type
    made: dict[str, Any] = {}

    def real_alarm_class() -> Any:
        # The launcher's type lookup hands out its placeholder class for the alarm type; the real
        # alarm extends it, so the physical id and attributes stay exactly the placeholder's.
        # Made on first use: the lookup loads moto's whole model map, which start-up need not wait for.
        if "class" in made:
            return made["class"]
        placeholder = launcher_lookup(ALARM_TYPE)

        class RealAlarm(placeholder):  # type: ignore[misc, valid-type]
            __module__ = placeholder.__module__

            @classmethod
            def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
                alarm = super().create_from_cloudformation_json(resource_name, cloudformation_json, account_id, region_name, **kwargs)
                put_alarm(alarm.physical_resource_id, alarm.properties, account_id, region_name)
                return alarm

            @classmethod
            def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
                alarm = super().update_from_cloudformation_json(original_resource, new_resource_name, cloudformation_json, account_id, region_name)
                if original_resource.physical_resource_id != alarm.physical_resource_id:
                    delete_alarm(original_resource.physical_resource_id, account_id, region_name)
                put_alarm(alarm.physical_resource_id, alarm.properties, account_id, region_name)
                return alarm

            @classmethod
            def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
                delete_alarm(resource_name, account_id, region_name)

            def delete(self, account_id: str, region_name: str) -> None:
                delete_alarm(self.physical_resource_id, account_id, region_name)

        made["class"] = RealAlarm
        return RealAlarm

    def resource_class_from_type(resource_type: str) -> Any:
        return real_alarm_class() if resource_type == ALARM_TYPE else launcher_lookup(resource_type)

    parsing.resource_class_from_type = resource_class_from_type
