"""ECS for rollouts. Stock moto never starts tasks (runningCount 0, rolloutState IN_PROGRESS
forever, so the services-stable waiter never returns), keeps UpdateService's taskDefinition as the
string passed, and re-registers an updated CloudFormation task definition without converting its
keys (container definitions come out empty) and without cpu, memory, roles or network mode. Here a
service reaches its steady state at once (runningCount = desiredCount, one PRIMARY deployment
COMPLETED on the task definition's ARN), and a CloudFormation update registers the new revision as
a create does (the old revision deregistered)."""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.core.utils import pascal_to_camelcase, remap_nested_keys, utcnow
    from moto.ecs import models as ecs_models
    from moto.moto_api._internal import mock_random

    Backend = ecs_models.EC2ContainerServiceBackend

    def settle(service: Any, new_deployment: bool) -> None:
        desired = int(service.desired_count or 0)
        service.running_count = desired
        service.pending_count = 0
        if service.deployment_controller.get("type", "ECS") != "ECS":
            return
        previous = service.deployments[0] if service.deployments else {}
        deployment_id = previous.get("id") if previous and not new_deployment else f"ecs-svc/{mock_random.randint(0, 32**12)}"
        now = utcnow()
        service.deployments = [
            {
                **previous,
                "id": deployment_id,
                "status": "PRIMARY",
                "taskDefinition": service.task_definition,
                "desiredCount": desired,
                "pendingCount": 0,
                "runningCount": desired,
                "failedTasks": 0,
                "rolloutState": "COMPLETED",
                "rolloutStateReason": f"ECS deployment {deployment_id} completed.",
                "createdAt": previous.get("createdAt", now) if not new_deployment else now,
                "updatedAt": now,
            }
        ]

    original_create_service = Backend.create_service

    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        service = original_create_service(self, *args, **kwargs)
        settle(service, new_deployment=False)
        return service

    original_update_service = Backend.update_service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        task_definition = service_properties.get("task_definition")
        before = None
        try:
            before = self._get_service(service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1]).task_definition
        except Exception:
            pass
        service = original_update_service(self, service_properties)
        if task_definition:
            # AWS reports the full ARN whatever form (family, family:revision, ARN) was passed.
            service.task_definition = self.describe_task_definition(task_definition).arn
        changed = bool(task_definition) and service.task_definition != before
        settle(service, new_deployment=changed or bool(service_properties.get("force_new_deployment")))
        return service

    Backend.create_service = create_service
    Backend.update_service = update_service

    def register_from_properties(properties: dict[str, Any], account_id: str, region_name: str) -> Any:
        family = properties.get("Family", f"task-definition-{int(mock_random.random() * 10**6)}")
        camel = lambda value: remap_nested_keys(value, pascal_to_camelcase) if value else value  # noqa: E731
        backend = ecs_models.ecs_backends[account_id][region_name]
        return backend.register_task_definition(
            family=family,
            container_definitions=camel(properties.get("ContainerDefinitions", [])),
            volumes=camel(properties.get("Volumes", [])),
            network_mode=properties.get("NetworkMode"),
            tags=camel(properties.get("Tags")),
            requires_compatibilities=properties.get("RequiresCompatibilities"),
            cpu=str(properties["Cpu"]) if properties.get("Cpu") is not None else None,
            memory=str(properties["Memory"]) if properties.get("Memory") is not None else None,
            task_role_arn=properties.get("TaskRoleArn"),
            execution_role_arn=properties.get("ExecutionRoleArn"),
            runtime_platform=camel(properties.get("RuntimePlatform")),
            ephemeral_storage=camel(properties.get("EphemeralStorage")),
        )

    def td_create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return register_from_properties(cloudformation_json.get("Properties") or {}, account_id, region_name)

    def td_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        # A task definition is immutable: any change is a new revision, the old one deregistered.
        created = register_from_properties(cloudformation_json.get("Properties") or {}, account_id, region_name)
        try:
            ecs_models.ecs_backends[account_id][region_name].deregister_task_definition(original_resource.arn)
        except Exception:
            pass
        return created

    ecs_models.TaskDefinition.create_from_cloudformation_json = classmethod(td_create)
    ecs_models.TaskDefinition.update_from_cloudformation_json = classmethod(td_update)

