"""What several patches share: deterministic synthetic identifiers, template reference scans,
parameter comparison as AWS does it, and the models the resource-type hook must resolve first.

Nothing here imports moto at module level, so the launcher can check moto's version first."""

from __future__ import annotations

import hashlib
import re
from typing import Any

# moto's model metaclass files every model under the second part of its module name.
MODEL_MODULE = "moto.cloudformation.platform_local"

# Resource types a patch models itself (type -> CloudFormationModel subclass). The resource-type
# hook in placeholders.py answers these before anything else, whichever patch registered them.
OWN_MODELS: dict[str, Any] = {}


# Deterministic synthetic identifiers: placeholders must give the same ids on every run, so
# that snapshots and repeated deploys agree.

def digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def uuid_from(seed: str) -> str:
    h = digest(seed)
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def upper_id(seed: str, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    value = int(digest(seed), 16)
    out = []
    for _ in range(length):
        value, rest = divmod(value, len(alphabet))
        out.append(alphabet[rest])
    return "".join(out)


def stack_name_from_id(stack_id: str) -> str:
    # arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID
    parts = stack_id.split("/")
    return parts[1] if len(parts) >= 3 else stack_id


def error_text(error: BaseException) -> str:
    message = getattr(error, "message", None) or getattr(error, "description", None) or str(error)
    return str(message)


def live_stack_named(backend: Any, name: str) -> Any:
    for stack in backend.stacks.values():
        if stack.name == name:
            return stack
    return None


# Parameters compared as AWS compares them.

def stringify(params: dict[str, Any]) -> dict[str, str]:
    return {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in (params or {}).items()}


def effective_parameters(template_dict: dict[str, Any], parameters: dict[str, Any]) -> dict[str, str]:
    # What AWS compares: every declared parameter's value, given or defaulted.
    declared = (template_dict or {}).get("Parameters") or {}
    values = {k: parameters[k] if k in parameters else (v or {}).get("Default") for k, v in declared.items()}
    return stringify({k: v for k, v in values.items() if v is not None})


# What a resource body references, beyond moto's own Ref scan.

def sub_references(body: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                if isinstance(text, str):
                    found |= {m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                if isinstance(value, list) and len(value) > 1:
                    found |= sub_references(value[1])
            else:
                found |= sub_references(value)
    elif isinstance(body, list):
        for item in body:
            found |= sub_references(item)
    return found


def getatt_references(body: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "Fn::GetAtt":
                target = value.split(".", 1)[0] if isinstance(value, str) else value[0]
                if isinstance(target, str):
                    found.add(target)
            else:
                found |= getatt_references(value)
    elif isinstance(body, list):
        for item in body:
            found |= getatt_references(item)
    return found


def resource_references(body: Any) -> set[str]:
    """Every logical id a resource body names through Ref, Fn::GetAtt or Fn::Sub: what CloudFormation
    waits for before creating or updating it."""
    from moto.cloudformation import parsing

    return set(parsing.get_references_from_template(body)) | getatt_references(body) | sub_references(body)


def resource_dependencies(body: Any) -> set[str]:
    """What a resource waits for: the logical ids its DependsOn names and those it references."""
    depends_on = (body or {}).get("DependsOn") or []
    named = {depends_on} if isinstance(depends_on, str) else set(depends_on)
    return named | resource_references(body or {})


def dependency_order(names: list[str], dependencies: Any) -> list[str]:
    """`names`, each after those of `dependencies(name)` among them (depth-first), in their own
    order otherwise (stable); a cycle is broken where it is met."""
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered or name in visiting:
            return
        visiting.add(name)
        for dependency in sorted(set(dependencies(name)) & set(names) - {name}, key=names.index):
            visit(dependency)
        visiting.discard(name)
        ordered.append(name)

    for name in names:
        visit(name)
    return ordered
