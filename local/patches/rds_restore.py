"""RestoreDBClusterFromSnapshot of a cluster whose master password RDS manages.

Stock moto 5.2.1 answers HTTP 500 (KeyError '_master_user_password' in DBCluster.get_cfg) when the
snapshot's cluster was created with ManageMasterUserPassword, as every cluster the data stack makes
is: such a cluster has no password attribute to copy. On AWS the restore succeeds (the restored
cluster keeps the master user name; a managed password is set again with ModifyDBCluster). Here
get_cfg copies whichever of those private attributes exist.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.rds import models as rds_models

    cluster_class = rds_models.DBCluster

    def get_cfg(self: Any) -> dict[str, Any]:
        cfg = self.__dict__.copy()
        cfg.pop("backend", None)
        for private in ("_master_user_password", "_enable_http_endpoint", "_vpc_security_group_ids"):
            if private in cfg:
                cfg[private[1:]] = cfg.pop(private)
        return cfg

    cluster_class.get_cfg = get_cfg
