"""RDS DescribeDBEngineVersions, which moto lacks (HTTP 500); deploy's preflight asks whether the
Aurora version is offered. The versions are cfn-lint's list (its rule E3690 checks templates
against the same data), so the emulator and the linter agree."""

from __future__ import annotations

import json
from typing import Any


def install() -> None:
    from moto.core.responses import ActionResult
    from moto.rds import responses as rds_responses

    versions: dict[str, list[str]] = {}
    try:
        from importlib import resources

        schema = json.loads((resources.files("cfnlint.data.schemas.extensions.aws_rds_dbcluster") / "engine_version.json").read_text())
        for branch in schema.get("allOf", []):
            engine = branch.get("if", {}).get("properties", {}).get("Engine", {}).get("const")
            enum = branch.get("then", {}).get("properties", {}).get("EngineVersion", {}).get("enum")
            if engine and enum:
                versions[engine] = [str(v) for v in enum]
    except Exception:
        # No cfn-lint in this Python: a small fixed list keeps the call working.
        versions = {"aurora-postgresql": ["16.6", "16.8", "17.4", "17.5", "17.6", "17.7", "17.9"], "postgres": ["16.8", "17.4", "17.9"]}

    def _version_key(version: str) -> list[Any]:
        return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in version.replace("-", ".").split(".")]

    def family(engine: str, version: str) -> str:
        major = version.split(".")[0]
        if engine == "aurora-postgresql":
            return f"aurora-postgresql{major}"
        if engine == "postgres":
            return f"postgres{major}"
        if engine == "aurora-mysql":
            return "aurora-mysql8.0" if version.startswith("8.0") else "aurora-mysql5.7"
        return f"{engine}{'.'.join(version.split('.')[:2])}"

    def describe_db_engine_versions(self: Any) -> Any:
        engine = self.params.get("Engine")
        wanted = self.params.get("EngineVersion")
        rows = []
        for name, listed in sorted(versions.items()):
            if engine and name != engine:
                continue
            for version in sorted(listed, key=_version_key):
                # A bare major ("17") is an alias in CloudFormation, not an engine version.
                if "." not in version or (wanted and version != wanted):
                    continue
                rows.append({
                    "Engine": name,
                    "EngineVersion": version,
                    "DBParameterGroupFamily": family(name, version),
                    "DBEngineDescription": name,
                    "DBEngineVersionDescription": f"{name} {version}",
                    "Status": "available",
                    "SupportedEngineModes": ["provisioned"],
                })
        if self.params.get("DefaultOnly") in (True, "true") and rows:
            rows = rows[-1:]
        return ActionResult({"DBEngineVersions": rows})

    if not hasattr(rds_responses.RDSResponse, "describe_db_engine_versions"):
        rds_responses.RDSResponse.describe_db_engine_versions = describe_db_engine_versions

