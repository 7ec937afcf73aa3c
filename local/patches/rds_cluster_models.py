"""Aurora through CloudFormation. moto's RDS API models DB clusters, but CloudFormation ignores
AWS::RDS::DBCluster, and its AWS::RDS::DBInstance drops DBClusterIdentifier and breaks on
DBSubnetGroupName (it expects an object where Ref gives a string). These two models create both in
the RDS backend, so DescribeDBClusters/DescribeDBInstances see what the stack made. Ref of a DB
subnet or parameter group is its name, as on AWS."""

from __future__ import annotations

from typing import Any

from .common import MODEL_MODULE, OWN_MODELS, upper_id, uuid_from


def install() -> None:
    from moto.core.common_models import CloudFormationModel
    from moto.rds import models as rds_models
    from moto.rds.models import rds_backends

    # Ref of a DBSubnetGroup or DBParameterGroup gives its name on AWS; moto's models have no
    # physical id, so Ref handed the Python object to whatever referenced it.
    for model_name in ("DBSubnetGroup", "DBParameterGroup"):
        model = getattr(rds_models, model_name, None)
        if model is not None and "physical_resource_id" not in model.__dict__:
            model.physical_resource_id = property(lambda self: self.name)

    def _rds_tags(properties: dict[str, Any]) -> list[dict[str, str]]:
        return [{"Key": t["Key"], "Value": str(t["Value"])} for t in properties.get("Tags") or []]

    class DBCluster(CloudFormationModel):
        __module__ = MODEL_MODULE

        def __init__(self, cluster: Any, account_id: str, region_name: str):
            self.cluster = cluster
            self.account_id = account_id
            self.region_name = region_name

        @staticmethod
        def cloudformation_type() -> str:
            return "Platform::Local::RdsDBCluster"

        @staticmethod
        def cloudformation_name_type() -> str:
            return "DBClusterIdentifier"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        @property
        def physical_resource_id(self) -> str:
            return self.cluster.db_cluster_identifier

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            c = self.cluster
            port = c.port or 5432
            host = f"{c.db_cluster_identifier}.cluster-{c.url_identifier}.{self.region_name}.rds.amazonaws.com"
            ro_host = f"{c.db_cluster_identifier}.cluster-ro-{c.url_identifier}.{self.region_name}.rds.amazonaws.com"
            secret_arn = getattr(getattr(c, "master_user_secret", None), "secret_arn", None) or (
                f"arn:aws:secretsmanager:{self.region_name}:{self.account_id}:secret:rds!cluster-{uuid_from(c.db_cluster_identifier)}-{upper_id(c.db_cluster_identifier, 6)}"
            )
            attributes = {
                "Endpoint.Address": host,
                "Endpoint.Port": str(port),
                "ReadEndpoint.Address": ro_host,
                "DBClusterArn": c.db_cluster_arn,
                "DBClusterResourceId": getattr(c, "resource_id", None) or f"cluster-{upper_id(c.db_cluster_identifier, 26)}",
                "MasterUserSecret.SecretArn": secret_arn,
            }
            if attribute_name in attributes:
                return attributes[attribute_name]
            return f"{c.db_cluster_identifier}-{attribute_name.replace('.', '-')}"

        @staticmethod
        def cluster_kwargs(identifier: str, properties: dict[str, Any]) -> dict[str, Any]:
            scaling = properties.get("ServerlessV2ScalingConfiguration")
            engine = properties.get("Engine", "aurora-postgresql")
            kwargs: dict[str, Any] = {
                "db_cluster_identifier": identifier,
                "engine": engine,
                "engine_version": properties.get("EngineVersion"),
                "master_username": properties.get("MasterUsername") or "admin",
                "master_user_password": properties.get("MasterUserPassword"),
                "manage_master_user_password": properties.get("ManageMasterUserPassword") in (True, "true", "True"),
                "master_user_secret_kms_key_id": properties.get("MasterUserSecret", {}).get("KmsKeyId") if isinstance(properties.get("MasterUserSecret"), dict) else None,
                "database_name": properties.get("DatabaseName"),
                "port": int(properties["Port"]) if properties.get("Port") else (5432 if "postgres" in engine else 3306),
                "db_subnet_group_name": properties.get("DBSubnetGroupName"),
                "db_cluster_parameter_group_name": properties.get("DBClusterParameterGroupName"),
                "vpc_security_group_ids": properties.get("VpcSecurityGroupIds") or [],
                "deletion_protection": properties.get("DeletionProtection") in (True, "true", "True"),
                "backup_retention_period": int(properties.get("BackupRetentionPeriod") or 1),
                "preferred_backup_window": properties.get("PreferredBackupWindow") or "01:37-02:07",
                "preferred_maintenance_window": (properties.get("PreferredMaintenanceWindow") or "wed:02:40-wed:03:10").lower(),
                "storage_encrypted": properties.get("StorageEncrypted") in (True, "true", "True"),
                "kms_key_id": properties.get("KmsKeyId"),
                "copy_tags_to_snapshot": properties.get("CopyTagsToSnapshot") in (True, "true", "True"),
                "tags": _rds_tags(properties),
            }
            if scaling:
                kwargs["serverless_v2_scaling_configuration"] = {
                    "MinCapacity": float(scaling.get("MinCapacity", 0.5)),
                    "MaxCapacity": float(scaling.get("MaxCapacity", 1)),
                }
            return {k: v for k, v in kwargs.items() if v is not None}

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> DBCluster:
            properties = cloudformation_json.get("Properties") or {}
            identifier = str(properties.get("DBClusterIdentifier") or resource_name).lower().replace("_", "-")[:63]
            backend = rds_backends[account_id][region_name]
            cluster = backend.create_db_cluster(cls.cluster_kwargs(identifier, properties))
            cluster.status = "available"
            return cls(cluster, account_id, region_name)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> DBCluster:
            properties = cloudformation_json.get("Properties") or {}
            cluster = original_resource.cluster
            for key, value in cls.cluster_kwargs(cluster.db_cluster_identifier, properties).items():
                if key in ("db_cluster_identifier", "tags", "manage_master_user_password", "master_user_secret_kms_key_id"):
                    continue
                if key == "db_cluster_parameter_group_name":
                    key = "parameter_group"
                setattr(cluster, key, value)
            return cls(cluster, account_id, region_name)

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_cluster(resource_name)

        def delete(self, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_cluster(self.cluster.db_cluster_identifier)

    class DBInstance(CloudFormationModel):
        __module__ = MODEL_MODULE

        def __init__(self, instance: Any):
            self.instance = instance

        @staticmethod
        def cloudformation_type() -> str:
            return "Platform::Local::RdsDBInstance"

        @staticmethod
        def cloudformation_name_type() -> str:
            return "DBInstanceIdentifier"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        @property
        def physical_resource_id(self) -> str:
            return self.instance.db_instance_identifier

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            i = self.instance
            attributes = {
                "Endpoint.Address": i.address,
                "Endpoint.Port": str(i.port),
                "DBInstanceArn": i.db_instance_arn,
                "DbiResourceId": getattr(i, "dbi_resource_id", None) or f"db-{upper_id(i.db_instance_identifier, 26)}",
            }
            if attribute_name in attributes:
                return attributes[attribute_name]
            return f"{i.db_instance_identifier}-{attribute_name.replace('.', '-')}"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> DBInstance:
            p = cloudformation_json.get("Properties") or {}
            backend = rds_backends[account_id][region_name]
            cluster_id = p.get("DBClusterIdentifier")
            engine = p.get("Engine")
            cluster = backend.clusters.get(cluster_id) if cluster_id else None
            db_kwargs: dict[str, Any] = {
                "db_instance_identifier": str(p.get("DBInstanceIdentifier") or resource_name).lower().replace("_", "-")[:63],
                "db_instance_class": p.get("DBInstanceClass", "db.serverless"),
                "engine": engine or (cluster.engine if cluster else "postgres"),
                "engine_version": p.get("EngineVersion") or (cluster.engine_version if cluster else None),
                "db_cluster_identifier": cluster_id,
                "db_name": p.get("DBName"),
                "allocated_storage": int(p["AllocatedStorage"]) if p.get("AllocatedStorage") else None,
                "master_username": p.get("MasterUsername") or (cluster.master_username if cluster else None),
                "master_user_password": p.get("MasterUserPassword"),
                "db_subnet_group_name": p.get("DBSubnetGroupName"),
                "db_parameter_group_name": p.get("DBParameterGroupName"),
                "publicly_accessible": p.get("PubliclyAccessible") in (True, "true", "True"),
                "auto_minor_version_upgrade": p.get("AutoMinorVersionUpgrade") not in (False, "false", "False"),
                "availability_zone": p.get("AvailabilityZone"),
                "preferred_maintenance_window": (p.get("PreferredMaintenanceWindow") or "wed:06:38-wed:07:08").lower(),
                "port": int(p["Port"]) if p.get("Port") else (cluster.port if cluster else None),
                "tags": _rds_tags(p),
                "vpc_security_group_ids": p.get("VPCSecurityGroups") or p.get("VpcSecurityGroupIds") or [],
                "copy_tags_to_snapshot": p.get("CopyTagsToSnapshot") in (True, "true", "True"),
                "enable_performance_insights": p.get("EnablePerformanceInsights") in (True, "true", "True"),
                "monitoring_interval": int(p.get("MonitoringInterval") or 0),
                "monitoring_role_arn": p.get("MonitoringRoleArn"),
            }
            instance = backend.create_db_instance({k: v for k, v in db_kwargs.items() if v is not None})
            instance.status = "available"
            return cls(instance)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> DBInstance:
            p = cloudformation_json.get("Properties") or {}
            instance = original_resource.instance
            if p.get("DBInstanceClass"):
                instance.db_instance_class = p["DBInstanceClass"]
            return cls(instance)

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_instance(resource_name)

        def delete(self, account_id: str, region_name: str) -> None:
            rds_backends[account_id][region_name].delete_db_instance(self.instance.db_instance_identifier)

    OWN_MODELS["AWS::RDS::DBCluster"] = DBCluster
    OWN_MODELS["AWS::RDS::DBInstance"] = DBInstance
