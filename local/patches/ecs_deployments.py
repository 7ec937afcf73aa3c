"""ECS service deployments that progress, complete, fail and roll back as on AWS.

Stock moto 5.2.1 has no ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment or
DescribeServiceRevisions, never starts a service's tasks, and ListTasks ignores `serviceName`. Here
every CreateService, and every UpdateService that changes the task definition (or forces a new
deployment), records a service revision and a service deployment that moves through AWS's states:

  t0            IN_PROGRESS, lifecycleStage SCALE_UP, new tasks PENDING
  t0 + 1 step   new tasks RUNNING, the previous revision's tasks STOPPED, lifecycleStage CLEAN_UP
  t0 + 2 steps  SUCCESSFUL, finishedAt set, the service's PRIMARY deployment rolloutState COMPLETED

A step is PLATFORM_LOCAL_ECS_STEP_SECONDS (default 0.25 s) of wall time; the state is brought up to
date on every ECS call, so polling sees each stage. A CloudFormation create or update of an
AWS::ECS::Service waits for the deployment to finish, as CloudFormation does on AWS, and fails the
resource (so the stack rolls back) when ECS rolled the deployment back.

A failing rollout: a task definition whose container environment has PLATFORM_LOCAL_FAIL set (its
value is the stopped reason, or "1" for AWS's "Essential container in task exited"), or the next
deployment after POST /moto-api/platform-local/ecs/fail-next-rollout, starts tasks that stop one step
later with that reason (exit code 1). The circuit breaker counts them against AWS's threshold
(half the desired count, at least 3, at most 200); once reached, with rollback on, the deployment
goes ROLLBACK_IN_PROGRESS then ROLLBACK_SUCCESSFUL and the service is back on its previous
revision; with rollback off it is STOPPED; without a circuit breaker ECS keeps replacing tasks.
PLATFORM_LOCAL_FAIL=stall (or {"stall": true} to the endpoint) makes a rollout whose tasks never
leave PENDING: it stays IN_PROGRESS until StopServiceDeployment.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

STEP_SECONDS = float(os.environ.get("PLATFORM_LOCAL_ECS_STEP_SECONDS", "0.25"))
# A CloudFormation service update waits this long for the deployment before failing the resource
# (CloudFormation itself waits up to three hours; nothing local takes more than a few steps).
CFN_WAIT_SECONDS = float(os.environ.get("PLATFORM_LOCAL_ECS_CFN_WAIT_SECONDS", "60"))
FAIL_ENV = "PLATFORM_LOCAL_FAIL"
# PLATFORM_LOCAL_FAIL=stall: the new tasks never leave PENDING (as when no capacity can place them),
# so the deployment stays IN_PROGRESS and the circuit breaker counts nothing: what a release's
# --timeout and StopServiceDeployment are for.
STALL = "stall"
ESSENTIAL_EXITED = "Essential container in task exited"

IN_PROGRESS = ("PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED")

_lock = threading.RLock()


def install() -> None:
    from moto.core.responses import ActionResult
    from moto.core.utils import pascal_to_camelcase, remap_nested_keys, utcnow
    from moto.ecs import models as ecs_models
    from moto.ecs import responses as ecs_responses
    from moto.ecs.exceptions import ECSException, ServiceNotFoundException
    from moto.moto_api._internal import mock_random
    from moto.moto_api._internal import urls as moto_api_urls

    Backend = ecs_models.EC2ContainerServiceBackend
    Response = ecs_responses.EC2ContainerServiceResponse

    class ServiceDeploymentNotFoundException(ECSException):
        def __init__(self) -> None:
            super().__init__("ServiceDeploymentNotFoundException", "The service deployment does not exist.")

    class ConflictException(ECSException):
        def __init__(self, message: str) -> None:
            super().__init__("ConflictException", message)

    def camel(value: Any) -> Any:
        return remap_nested_keys(value, pascal_to_camelcase) if value else value

    # ----------------------------------------------------------------------------------------
    # State kept on the region's ECS backend, so POST /moto-api/reset empties it with the rest.
    # ----------------------------------------------------------------------------------------

    def store(backend: Any) -> dict[str, Any]:
        if not hasattr(backend, "platform_rollouts"):
            backend.platform_rollouts = {"deployments": {}, "revisions": {}, "fail_next": []}
        return backend.platform_rollouts

    def arn(backend: Any, kind: str, service: Any, suffix: str) -> str:
        return f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:{kind}/{service.cluster_name}/{service.name}/{suffix}"

    def failure_of(backend: Any, task_definition: Any) -> str | None:
        for container in task_definition.container_definitions or []:
            for variable in container.get("environment") or []:
                if variable.get("name") == FAIL_ENV and variable.get("value"):
                    value = str(variable["value"])
                    if value.lower() == STALL:
                        return STALL
                    return ESSENTIAL_EXITED if value.lower() in ("1", "true", "yes") else value
        return None

    def breaker_settings(service: Any) -> tuple[bool, bool]:
        config = getattr(service, "deployment_configuration", None) or {}
        breaker = config.get("deploymentCircuitBreaker") or {}
        return bool(breaker.get("enable")), bool(breaker.get("rollback"))

    def threshold(desired: int) -> int:
        # AWS: half the desired count rounded up, at least 3 and at most 200.
        return min(200, max(3, -(-desired // 2)))

    def service_tasks(backend: Any, service: Any) -> list[Any]:
        group = f"service:{service.name}"
        return [t for t in backend.tasks.get(service.cluster_name, {}).values() if t.group == group]

    def record_revision(backend: Any, service: Any) -> dict[str, Any]:
        task_definition = backend.describe_task_definition(service.task_definition)
        images = []
        for container in task_definition.container_definitions or []:
            image = container.get("image", "")
            entry = {"containerName": container.get("name"), "image": image}
            if "@sha256:" in image:
                entry["imageDigest"] = image.split("@", 1)[1]
            images.append(entry)
        revision = {
            "serviceRevisionArn": arn(backend, "service-revision", service, str(mock_random.randint(10**18, 10**19 - 1))),
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "taskDefinition": task_definition.arn,
            "launchType": service.launch_type,
            "platformVersion": service.platform_version,
            "loadBalancers": service.load_balancers or [],
            "serviceRegistries": service.service_registries or [],
            "containerImages": images,
            "createdAt": utcnow(),
        }
        if getattr(service, "network_configuration", None):
            revision["networkConfiguration"] = service.network_configuration
        store(backend)["revisions"][revision["serviceRevisionArn"]] = revision
        return revision

    def service_event(service: Any, message: str) -> None:
        """A DescribeServices event, newest first, the last 100 kept, worded as ECS words them."""
        service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": utcnow(), "message": f"(service {service.name}) {message}"})
        del service.events[100:]

    def start_tasks(backend: Any, service: Any, rollout: dict[str, Any], task_definition_arn: str, count: int) -> None:
        import copy

        task_definition = backend.describe_task_definition(task_definition_arn)
        cluster = backend._get_cluster(service.cluster_name)
        network = getattr(service, "network_configuration", None) or None
        definition = task_definition
        if task_definition.network_mode == "awsvpc" and not network:
            # A service made without subnets (CloudFormation in stock moto drops them): run the
            # tasks without an ENI rather than refuse, as the service exists already.
            definition = copy.copy(task_definition)
            definition.network_mode = None
        backend.tasks.setdefault(cluster.name, {})
        now = utcnow()
        started: list[str] = []
        for _ in range(count):
            task = ecs_models.Task(
                cluster=cluster,
                task_definition=definition,
                container_instance_arn=None,
                resource_requirements=None,
                backend=backend,
                group=f"service:{service.name}",
                launch_type=service.launch_type or "FARGATE",
                started_by=rollout["ecsDeploymentId"],
                tags=[],
                networking_configuration=network,
                platform_version=service.platform_version,
            )
            task._transitions = []  # its status is driven from here, not by moto's describe counter
            task.status = "PENDING"
            task.desired_status = "RUNNING"
            task.created_at = now
            task.platform_rollout = rollout["serviceDeploymentArn"]
            for container in task.containers:
                container.last_status = "PENDING"
            backend.tasks[cluster.name][task.task_arn] = task
            started.append(task.id)
        if started:
            service_event(service, f"has started {len(started)} tasks: " + " ".join(f"(task {task_id})" for task_id in started) + ".")

    def stop_task(task: Any, reason: str, code: str, exit_code: int | None = None) -> None:
        now = utcnow()
        task.status = "STOPPED"
        task.desired_status = "STOPPED"
        task.stopped_reason = reason
        task.stop_code = code
        task.stopping_at = now
        task.stopped_at = now
        task.execution_stopped_at = now
        for container in task.containers:
            container.last_status = "STOPPED"
            if exit_code is not None:
                container.exitCode = exit_code
                container.reason = reason

    def start_rollout(backend: Any, service: Any, source_task_definition: str | None) -> None:
        if service.deployment_controller.get("type", "ECS") != "ECS" or not service.task_definition:
            return
        state = store(backend)
        now = utcnow()
        # A newer deployment supersedes one still running, as on AWS.
        for rollout in state["deployments"].values():
            if rollout["serviceArn"] == service.arn and rollout["status"] in IN_PROGRESS:
                finish(rollout, "STOPPED", "Service deployment stopped because a newer service deployment started.")
        # The revision serving now (set when a deployment completes or rolls back) is the source.
        source_revision = getattr(service, "platform_revision", None) if source_task_definition else None
        revision = record_revision(backend, service)
        enabled, rollback = breaker_settings(service)
        desired = int(service.desired_count or 0)
        failure = failure_of(backend, backend.describe_task_definition(service.task_definition))
        if failure is None and state["fail_next"]:
            request = state["fail_next"][0]
            if not request.get("service") or request["service"] in (service.name, service.arn):
                state["fail_next"].remove(request)
                failure = request.get("reason") or ESSENTIAL_EXITED
        ecs_deployment_id = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
        rollout = {
            "serviceDeploymentArn": arn(backend, "service-deployment", service, _short_id(mock_random)),
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "createdAt": now,
            "startedAt": now,
            "updatedAt": now,
            "status": "IN_PROGRESS",
            "statusReason": None,
            "lifecycleStage": "SCALE_UP",
            "deploymentConfiguration": getattr(service, "deployment_configuration", None)
            or {"maximumPercent": 200, "minimumHealthyPercent": 100, "deploymentCircuitBreaker": {"enable": False, "rollback": False}},
            "targetServiceRevision": {"arn": revision["serviceRevisionArn"]},
            "sourceRevisionArn": source_revision,
            "sourceTaskDefinition": source_task_definition,
            "taskDefinition": service.task_definition,
            "deploymentCircuitBreaker": {"status": "MONITORING" if enabled else "DISABLED", "failureCount": 0, "threshold": threshold(desired)},
            "breaker": (enabled, rollback),
            "failure": failure,
            "ecsDeploymentId": ecs_deployment_id,
            "service": service,
            "stepAt": time.monotonic(),
            "steps": 0,
        }
        state["deployments"][rollout["serviceDeploymentArn"]] = rollout
        if desired > 0:
            start_tasks(backend, service, rollout, service.task_definition, desired)
        previous_primary = [d for d in service.deployments if d.get("status") == "PRIMARY" and d.get("taskDefinition") != service.task_definition]
        service.deployments = [
            {
                "id": ecs_deployment_id,
                "status": "PRIMARY",
                "taskDefinition": service.task_definition,
                "desiredCount": desired,
                "pendingCount": desired,
                "runningCount": 0,
                "failedTasks": 0,
                "createdAt": now,
                "updatedAt": now,
                "launchType": service.launch_type,
                "platformVersion": service.platform_version,
                "networkConfiguration": getattr(service, "network_configuration", None) or None,
                "rolloutState": "IN_PROGRESS",
                "rolloutStateReason": "ECS deployment " + ecs_deployment_id + " in progress.",
            }
        ] + [{**d, "status": "ACTIVE"} for d in previous_primary]
        refresh_counts(backend, service)
        if desired == 0:
            complete(backend, rollout)

    def finish(rollout: dict[str, Any], status: str, reason: str | None) -> None:
        now = utcnow()
        rollout["status"] = status
        rollout["statusReason"] = reason
        rollout["finishedAt"] = now
        rollout["updatedAt"] = now
        if status == "STOPPED":
            rollout["stoppedAt"] = now
        breaker = rollout["deploymentCircuitBreaker"]
        if breaker["status"] == "MONITORING":
            breaker["status"] = "MONITORING_COMPLETE"

    def refresh_counts(backend: Any, service: Any) -> None:
        tasks = service_tasks(backend, service)
        running = [t for t in tasks if t.status == "RUNNING"]
        pending = [t for t in tasks if t.status == "PENDING"]
        service.running_count = len(running)
        service.pending_count = len(pending)
        for deployment in service.deployments:
            mine = [t for t in tasks if t.started_by == deployment["id"] or (t.task_definition_arn == deployment["taskDefinition"] and t.desired_status == "RUNNING")]
            deployment["runningCount"] = len([t for t in mine if t.status == "RUNNING"])
            deployment["pendingCount"] = len([t for t in mine if t.status == "PENDING"])

    def complete(backend: Any, rollout: dict[str, Any]) -> None:
        service = rollout["service"]
        finish(rollout, "SUCCESSFUL", None)
        rollout["lifecycleStage"] = "CLEAN_UP"
        service.platform_revision = rollout["targetServiceRevision"]["arn"]
        primary = service.deployments[0]
        primary.update(
            {"rolloutState": "COMPLETED", "rolloutStateReason": f"ECS deployment {primary['id']} completed.", "updatedAt": utcnow()}
        )
        service.deployments = [primary]
        refresh_counts(backend, service)
        service_event(service, f"(deployment {primary['id']}) deployment completed.")
        service_event(service, "has reached a steady state.")

    def stop_previous_tasks(backend: Any, service: Any, deployment_id: str) -> None:
        stopped = []
        for task in service_tasks(backend, service):
            if task.desired_status == "RUNNING" and task.started_by != deployment_id:
                stop_task(task, f"Scaling activity initiated by (deployment {deployment_id})", "ServiceSchedulerInitiated")
                stopped.append(task.id)
        if stopped:
            service_event(service, f"has stopped {len(stopped)} running tasks: " + " ".join(f"(task {task_id})" for task_id in stopped) + ".")

    def roll_back(backend: Any, rollout: dict[str, Any], reason: str) -> None:
        service = rollout["service"]
        now = utcnow()
        rollout["status"] = "ROLLBACK_IN_PROGRESS"
        rollout["statusReason"] = reason
        rollout["rollback"] = {"reason": reason, "startedAt": now, "serviceRevisionArn": rollout["sourceRevisionArn"]}
        rollout["updatedAt"] = now
        for task in service_tasks(backend, service):
            if task.started_by == rollout["ecsDeploymentId"] and task.desired_status == "RUNNING":
                stop_task(task, f"Scaling activity initiated by (deployment {rollout['ecsDeploymentId']})", "ServiceSchedulerInitiated")
        failed = service.deployments[0]
        failed.update({"status": "ACTIVE", "rolloutState": "FAILED", "rolloutStateReason": reason, "updatedAt": now})
        service.task_definition = rollout["sourceTaskDefinition"]
        rollback_id = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
        running_source = [t for t in service_tasks(backend, service) if t.status == "RUNNING" and t.task_definition_arn == service.task_definition]
        missing = max(0, int(service.desired_count or 0) - len(running_source))
        if missing:
            start_tasks(backend, service, {**rollout, "ecsDeploymentId": rollback_id}, service.task_definition, missing)
        service.deployments = [
            {
                **failed,
                "id": rollback_id,
                "status": "PRIMARY",
                "taskDefinition": service.task_definition,
                "failedTasks": 0,
                "createdAt": now,
                "rolloutState": "IN_PROGRESS",
                "rolloutStateReason": f"ECS deployment {rollback_id} in progress.",
            },
            failed,
        ]
        refresh_counts(backend, service)

    def step(backend: Any, rollout: dict[str, Any]) -> None:
        """One step of wall time for one deployment still in progress."""
        service = rollout["service"]
        rollout["steps"] += 1
        rollout["updatedAt"] = utcnow()
        status = rollout["status"]
        if status == "ROLLBACK_REQUESTED":
            roll_back(backend, rollout, rollout["statusReason"])
            return
        if status == "ROLLBACK_IN_PROGRESS":
            for task in service_tasks(backend, service):
                if task.status == "PENDING" and task.task_definition_arn == service.task_definition:
                    task.status = "RUNNING"
                    task.started_at = utcnow()
                    for container in task.containers:
                        container.last_status = "RUNNING"
            finish(rollout, "ROLLBACK_SUCCESSFUL", rollout["statusReason"])
            service.platform_revision = rollout["sourceRevisionArn"]
            primary = service.deployments[0]
            primary.update({"rolloutState": "COMPLETED", "rolloutStateReason": f"ECS deployment {primary['id']} completed.", "updatedAt": utcnow()})
            service.deployments = [primary]
            refresh_counts(backend, service)
            service_event(service, f"(deployment {primary['id']}) deployment completed.")
            service_event(service, "has reached a steady state.")
            return
        if status == "STOP_REQUESTED":
            finish(rollout, "STOPPED", rollout["statusReason"])
            return
        new_tasks = [t for t in service_tasks(backend, service) if t.started_by == rollout["ecsDeploymentId"] and t.desired_status == "RUNNING"]
        if rollout["failure"] == STALL:
            return
        if rollout["failure"]:
            failed_now = [t for t in new_tasks if t.status in ("PENDING", "RUNNING")]
            for task in failed_now:
                stop_task(task, rollout["failure"], "EssentialContainerExited", exit_code=1)
            breaker = rollout["deploymentCircuitBreaker"]
            breaker["failureCount"] += len(failed_now)
            service.deployments[0]["failedTasks"] = breaker["failureCount"]
            enabled, rollback = rollout["breaker"]
            if enabled and breaker["failureCount"] >= breaker["threshold"]:
                breaker["status"] = "TRIGGERED"
                service.deployments[0].update(
                    {"rolloutState": "FAILED", "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start."}
                )
                service_event(service, f"(deployment {rollout['ecsDeploymentId']}) deployment failed: tasks failed to start.")
                if rollback and rollout["sourceTaskDefinition"]:
                    roll_back(backend, rollout, "Service deployment rolled back because the circuit breaker threshold was exceeded.")
                else:
                    finish(rollout, "STOPPED", "Service deployment stopped because the circuit breaker threshold was exceeded.")
                    breaker["status"] = "TRIGGERED"
            else:
                # ECS replaces the stopped tasks and tries again.
                start_tasks(backend, service, rollout, rollout["taskDefinition"], len(failed_now))
            refresh_counts(backend, service)
            return
        pending = [t for t in new_tasks if t.status == "PENDING"]
        if pending:
            for task in pending:
                task.status = "RUNNING"
                task.started_at = utcnow()
                task.pull_started_at = task.created_at
                task.pull_stopped_at = task.started_at
                task.health_status = "HEALTHY"
                for container in task.containers:
                    container.last_status = "RUNNING"
            stop_previous_tasks(backend, service, rollout["ecsDeploymentId"])
            rollout["lifecycleStage"] = "CLEAN_UP"
            refresh_counts(backend, service)
            return
        complete(backend, rollout)

    def advance(backend: Any) -> None:
        """Bring every deployment of the region up to the present: one step per STEP_SECONDS."""
        with _lock:
            now = time.monotonic()
            for rollout in list(store(backend)["deployments"].values()):
                while rollout["status"] in IN_PROGRESS and now - rollout["stepAt"] >= STEP_SECONDS:
                    rollout["stepAt"] += STEP_SECONDS
                    step(backend, rollout)
                    if rollout["steps"] > 10_000:
                        break

    def revision_summary(backend: Any, revision_arn: str | None, service: Any) -> dict[str, Any] | None:
        if not revision_arn:
            return None
        revision = store(backend)["revisions"].get(revision_arn)
        tasks = [t for t in service_tasks(backend, service) if revision and t.task_definition_arn == revision["taskDefinition"] and t.desired_status == "RUNNING"]
        running = len([t for t in tasks if t.status == "RUNNING"])
        return {
            "arn": revision_arn,
            "requestedTaskCount": int(service.desired_count or 0) if revision and revision["taskDefinition"] == service.task_definition else 0,
            "runningTaskCount": running,
            "pendingTaskCount": len(tasks) - running,
        }

    def public(backend: Any, rollout: dict[str, Any]) -> dict[str, Any]:
        service = rollout["service"]
        shown = {
            key: rollout.get(key)
            for key in (
                "serviceDeploymentArn", "serviceArn", "clusterArn", "createdAt", "startedAt", "finishedAt", "stoppedAt",
                "updatedAt", "status", "statusReason", "lifecycleStage", "deploymentConfiguration", "rollback",
            )
            if rollout.get(key) is not None
        }
        shown["targetServiceRevision"] = revision_summary(backend, rollout["targetServiceRevision"]["arn"], service)
        source = revision_summary(backend, rollout["sourceRevisionArn"], service)
        shown["sourceServiceRevisions"] = [source] if source else []
        shown["deploymentCircuitBreaker"] = dict(rollout["deploymentCircuitBreaker"])
        return shown

    # ----------------------------------------------------------------------------------------
    # Backend hooks: a deployment starts where AWS starts one; every ECS call first advances.
    # ----------------------------------------------------------------------------------------

    original_create_service = Backend.create_service

    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        deployment_configuration = kwargs.pop("deployment_configuration", None)
        with _lock:
            service = original_create_service(self, *args, **kwargs)
            service.deployment_configuration = deployment_configuration
            start_rollout(self, service, None)
            return service

    original_update_service = Backend.update_service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        with _lock:
            advance(self)
            service = self._get_service(service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1])
            before = service.task_definition
            desired_before = service.desired_count
            deployments_before = list(service.deployments)
            force = bool(service_properties.get("force_new_deployment"))
            service = original_update_service(self, dict(service_properties))
            service.deployments = deployments_before
            if service.task_definition != before or force:
                start_rollout(self, service, before)
            elif service.desired_count != desired_before:
                scale(self, service)
            else:
                refresh_counts(self, service)
            return service

    def scale(backend: Any, service: Any) -> None:
        running = [t for t in service_tasks(backend, service) if t.desired_status == "RUNNING" and t.task_definition_arn == service.task_definition]
        desired = int(service.desired_count or 0)
        rollout = latest_rollout(backend, service)
        if len(running) < desired and rollout is not None:
            start_tasks(backend, service, rollout, service.task_definition, desired - len(running))
            for task in service_tasks(backend, service):
                if task.status == "PENDING" and not (rollout["failure"] and task.started_by == rollout["ecsDeploymentId"]):
                    task.status = "RUNNING"
                    task.started_at = utcnow()
        for task in running[desired:]:
            stop_task(task, "Scaling activity initiated by (deployment " + service.deployments[0]["id"] + ")", "ServiceSchedulerInitiated")
        if service.deployments:
            service.deployments[0]["desiredCount"] = desired
        refresh_counts(backend, service)

    def latest_rollout(backend: Any, service: Any) -> dict[str, Any] | None:
        mine = [r for r in store(backend)["deployments"].values() if r["serviceArn"] == service.arn]
        return max(mine, key=lambda r: r["createdAt"]) if mine else None

    original_delete_service = Backend.delete_service

    def delete_service(self: Any, cluster_name: str, service_name: str, force: bool) -> Any:
        with _lock:
            service = original_delete_service(self, cluster_name, service_name, force)
            for task in service_tasks(self, service):
                if task.desired_status == "RUNNING":
                    stop_task(task, "Service deleted", "ServiceSchedulerInitiated")
            return service

    original_list_tasks = Backend.list_tasks

    def list_tasks(self: Any, cluster_str: Any = None, container_instance: Any = None, family: Any = None, started_by: Any = None, service_name: Any = None, desiredStatus: Any = None) -> Any:
        advance(self)
        # AWS lists RUNNING tasks unless desiredStatus says otherwise, and filters by service.
        tasks = original_list_tasks(self, cluster_str, container_instance, family, started_by, None, desiredStatus or "RUNNING")
        if service_name:
            tasks = [t for t in tasks if t.group == f"service:{service_name.split('/')[-1]}"]
        return tasks

    Backend.create_service = create_service
    Backend.update_service = update_service
    Backend.delete_service = delete_service
    Backend.list_tasks = list_tasks

    for name in ("describe_services", "describe_tasks", "list_services"):
        original = getattr(Backend, name)

        def advancing(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            advance(self)
            return __original(self, *args, **kwargs)

        setattr(Backend, name, advancing)

    # CreateService in moto's response layer drops deploymentConfiguration; AWS keeps it.
    def create_service_response(self: Any) -> Any:
        service = self.ecs_backend.create_service(
            self._get_param("cluster", "default"),
            self._get_param("serviceName"),
            self._get_int_param("desiredCount"),
            self._get_param("taskDefinition"),
            self._get_param("loadBalancers"),
            self._get_param("schedulingStrategy"),
            self._get_param("tags"),
            self._get_param("deploymentController"),
            self._get_param("launchType"),
            network_configuration=self._get_param("networkConfiguration"),
            service_registries=self._get_param("serviceRegistries"),
            platform_version=self._get_param("platformVersion"),
            propagate_tags=self._get_param("propagateTags") or "NONE",
            role_arn=self._get_param("role"),
            deployment_configuration=self._get_param("deploymentConfiguration"),
        )
        return ActionResult({"service": service})

    Response.create_service = create_service_response

    # ----------------------------------------------------------------------------------------
    # The new API calls.
    # ----------------------------------------------------------------------------------------

    def find(backend: Any, deployment_arn: str) -> dict[str, Any] | None:
        return store(backend)["deployments"].get(deployment_arn)

    def list_service_deployments(self: Any) -> Any:
        backend = self.ecs_backend
        advance(backend)
        service = backend._get_service(self._get_param("cluster", "default"), self._get_param("service"))
        statuses = self._get_param("status") or []
        created = self._get_param("createdAt") or {}
        with _lock:
            rollouts = [r for r in store(backend)["deployments"].values() if r["serviceArn"] == service.arn]
        if statuses:
            rollouts = [r for r in rollouts if r["status"] in statuses]
        if created.get("after"):
            rollouts = [r for r in rollouts if _epoch(r["createdAt"]) >= _epoch(created["after"])]
        if created.get("before"):
            rollouts = [r for r in rollouts if _epoch(r["createdAt"]) <= _epoch(created["before"])]
        rollouts.sort(key=lambda r: r["createdAt"], reverse=True)
        start = int(self._get_param("nextToken") or 0)
        size = int(self._get_param("maxResults") or 20)
        page = rollouts[start : start + size]
        briefs = []
        for rollout in page:
            brief = {
                key: rollout.get(key)
                for key in ("serviceDeploymentArn", "serviceArn", "clusterArn", "startedAt", "createdAt", "finishedAt", "status", "statusReason")
                if rollout.get(key) is not None
            }
            brief["targetServiceRevisionArn"] = rollout["targetServiceRevision"]["arn"]
            briefs.append(brief)
        result: dict[str, Any] = {"serviceDeployments": briefs}
        if start + size < len(rollouts):
            result["nextToken"] = str(start + size)
        return ActionResult(result)

    def describe_service_deployments(self: Any) -> Any:
        backend = self.ecs_backend
        advance(backend)
        found, failures = [], []
        with _lock:
            for deployment_arn in self._get_param("serviceDeploymentArns") or []:
                rollout = find(backend, deployment_arn)
                if rollout is None:
                    failures.append({"arn": deployment_arn, "reason": "MISSING"})
                else:
                    found.append(public(backend, rollout))
        return ActionResult({"serviceDeployments": found, "failures": failures})

    def describe_service_revisions(self: Any) -> Any:
        backend = self.ecs_backend
        found, failures = [], []
        for revision_arn in self._get_param("serviceRevisionArns") or []:
            revision = store(backend)["revisions"].get(revision_arn)
            if revision is None:
                failures.append({"arn": revision_arn, "reason": "MISSING"})
            else:
                found.append(revision)
        return ActionResult({"serviceRevisions": found, "failures": failures})

    def stop_service_deployment(self: Any) -> Any:
        backend = self.ecs_backend
        advance(backend)
        deployment_arn = self._get_param("serviceDeploymentArn")
        stop_type = self._get_param("stopType") or "ROLLBACK"
        with _lock:
            rollout = find(backend, deployment_arn)
            if rollout is None:
                raise ServiceDeploymentNotFoundException()
            if rollout["status"] not in ("PENDING", "IN_PROGRESS"):
                raise ConflictException(f"The service deployment is in status {rollout['status']} and cannot be stopped.")
            if stop_type == "ROLLBACK":
                if not rollout["sourceTaskDefinition"]:
                    raise ConflictException("The service deployment has no previous service revision to roll back to.")
                rollout["status"] = "ROLLBACK_REQUESTED"
                rollout["statusReason"] = "Service deployment rolled back because of a stop request."
            else:
                rollout["status"] = "STOP_REQUESTED"
                rollout["statusReason"] = "Service deployment stopped because of a stop request."
            rollout["updatedAt"] = utcnow()
        return ActionResult({"serviceDeploymentArn": deployment_arn})

    Response.list_service_deployments = list_service_deployments
    Response.describe_service_deployments = describe_service_deployments
    Response.describe_service_revisions = describe_service_revisions
    Response.stop_service_deployment = stop_service_deployment

    # ----------------------------------------------------------------------------------------
    # CloudFormation: the service's real properties reach ECS, and CloudFormation waits for the
    # deployment as it does on AWS (a rolled-back deployment fails the resource).
    # ----------------------------------------------------------------------------------------

    def service_arguments(properties: dict[str, Any]) -> dict[str, Any]:
        network = camel(properties.get("NetworkConfiguration"))
        return {
            "load_balancers": camel(properties.get("LoadBalancers")) or [],
            "launch_type": properties.get("LaunchType"),
            "platform_version": properties.get("PlatformVersion"),
            "network_configuration": network or None,
            "deployment_controller": camel(properties.get("DeploymentController")),
            "deployment_configuration": camel(properties.get("DeploymentConfiguration")),
            "propagate_tags": properties.get("PropagateTags") or "NONE",
            "tags": camel(properties.get("Tags")),
        }

    def cluster_name(value: Any) -> str:
        return value.name if isinstance(value, ecs_models.Cluster) else str(value)

    def task_definition_ref(value: Any) -> str:
        return value.arn if isinstance(value, ecs_models.TaskDefinition) else str(value)

    def wait_for_deployment(backend: Any, service: Any, logical: str) -> None:
        rollout = latest_rollout(backend, service)
        if rollout is None:
            return
        deadline = time.monotonic() + CFN_WAIT_SECONDS
        while True:
            advance(backend)
            if rollout["status"] not in IN_PROGRESS:
                break
            if time.monotonic() > deadline:
                raise ECSException("GeneralServiceException", f"Service {service.name} did not stabilize.")
            time.sleep(max(0.01, STEP_SECONDS / 4))
        if rollout["status"] != "SUCCESSFUL":
            message = "ECS Deployment Circuit Breaker was triggered" if rollout["deploymentCircuitBreaker"]["status"] == "TRIGGERED" else rollout["statusReason"]
            raise ECSException("GeneralServiceException", f"Resource handler returned message: \"Error occurred during operation '{message}'.\" (HandlerErrorCode: GeneralServiceException)")

    def cfn_create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ecs_models.ecs_backends[account_id][region_name]
        arguments = service_arguments(properties)
        configuration = arguments.pop("deployment_configuration")
        with _lock:
            service = original_create_service(
                backend,
                cluster_name(properties["Cluster"]),
                resource_name,
                properties.get("DesiredCount"),
                task_definition_str=task_definition_ref(properties["TaskDefinition"]),
                **arguments,
            )
            service.deployment_configuration = configuration
            start_rollout(backend, service, None)
        wait_for_deployment(backend, service, resource_name)
        return service

    def cfn_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ecs_models.ecs_backends[account_id][region_name]
        cluster = cluster_name(properties["Cluster"])
        if original_resource.cluster_name != backend._get_cluster(cluster).name:
            backend.delete_service(original_resource.cluster_name, original_resource.name, force=True)
            return cfn_create(cls, new_resource_name, cloudformation_json, account_id, region_name)
        arguments = service_arguments(properties)
        original_resource.deployment_configuration = arguments["deployment_configuration"]
        if arguments["load_balancers"]:
            original_resource.load_balancers = arguments["load_balancers"]
        if arguments["network_configuration"]:
            original_resource.network_configuration = arguments["network_configuration"]
        service = backend.update_service(
            {
                "cluster": cluster,
                "service": original_resource.name,
                "task_definition": task_definition_ref(properties["TaskDefinition"]),
                "desired_count": properties.get("DesiredCount"),
            }
        )
        wait_for_deployment(backend, service, new_resource_name)
        return service

    ecs_models.Service.create_from_cloudformation_json = classmethod(cfn_create)
    ecs_models.Service.update_from_cloudformation_json = classmethod(cfn_update)

    # Earlier revisions stay ACTIVE when the template retains them on replacement.
    td_update = ecs_models.TaskDefinition.update_from_cloudformation_json

    def td_update_retaining(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        created = td_update.__func__(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        if cloudformation_json.get("UpdateReplacePolicy") == "Retain":
            original_resource.status = "ACTIVE"
        return created

    ecs_models.TaskDefinition.update_from_cloudformation_json = classmethod(td_update_retaining)

    # ----------------------------------------------------------------------------------------
    # Control endpoint for tests: the next deployment (of a service, or any) in a region fails.
    # ----------------------------------------------------------------------------------------

    def fail_next_rollout(request: Any, full_url: str, headers: Any) -> Any:
        from moto.core import DEFAULT_ACCOUNT_ID

        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return 400, {"Content-Type": "application/json"}, json.dumps({"message": "body must be JSON"})
        region = body.get("region")
        if not region:
            return 400, {"Content-Type": "application/json"}, json.dumps({"message": "region is required"})
        backend = ecs_models.ecs_backends[body.get("account", DEFAULT_ACCOUNT_ID)][region]
        entry = {"service": body.get("service"), "reason": STALL if body.get("stall") else body.get("reason")}
        with _lock:
            store(backend)["fail_next"].append(entry)
        return 200, {"Content-Type": "application/json"}, json.dumps({"queued": entry, "region": region})

    moto_api_urls.url_paths["{0}/moto-api/platform-local/ecs/fail-next-rollout"] = fail_next_rollout


def _short_id(mock_random: Any) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[mock_random.randint(0, len(alphabet) - 1)] for _ in range(21))


def _epoch(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "timestamp"):
        from datetime import timezone

        # moto's utcnow() is naive UTC: read it as UTC whatever the machine's zone.
        return (value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value).timestamp()
    from datetime import datetime

    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
