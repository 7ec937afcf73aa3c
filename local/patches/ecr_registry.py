"""ECR's API answers for what was pushed to the local registry.

On AWS a `docker push` to ECR's registry is what makes DescribeImages, ListImages and BatchGetImage
list the image. Locally the pushes go to the distribution registry that `platform local start` runs
beside moto, and moto's ECR knows nothing of them. Once told where that registry is
(POST /moto-api/platform-local/ecr/registry {"endpoint", "username", "password"}, which
`platform local start` and the tests' local AWS do), every DescribeImages, ListImages and
BatchGetImage first reads the repository's tags from the registry and records each tagged manifest
in moto's ECR with the registry's own digest, media type and layer sizes (PutImage with the raw
manifest, as a push does). Only repositories that exist in moto's ECR are read: pushing to a
repository ECR does not have fails on AWS too. A tag already recorded under another digest in an
IMMUTABLE repository keeps its first image, as ECR would have refused the second push.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.index.v1+json",
    ]
)

_registry: dict[str, str] = {}
_lock = threading.Lock()


def _get(path: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(_registry["endpoint"].rstrip("/") + path)
    credentials = f"{_registry.get('username', '')}:{_registry.get('password', '')}"
    request.add_header("Authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def _registry_tags(repository: str) -> list[str]:
    status, _, body = _get(f"/v2/{repository}/tags/list")
    if status == 404:
        return []
    if status != 200:
        raise RuntimeError(f"local registry answered HTTP {status} for the tags of {repository}")
    return sorted(json.loads(body or b"{}").get("tags") or [])


def sync_repository(backend: Any, repository_name: str) -> None:
    """Record in moto's ECR every tag the registry holds for this repository."""
    if not _registry.get("endpoint") or repository_name not in backend.repositories:
        return
    from moto.ecr.exceptions import ImageAlreadyExistsException

    repository = backend.repositories[repository_name]
    with _lock:
        for tag in _registry_tags(repository_name):
            status, headers, body = _get(f"/v2/{repository_name}/manifests/{urllib.parse.quote(tag)}", MANIFEST_TYPES)
            if status != 200:
                continue
            lowered = {k.lower(): v for k, v in headers.items()}
            digest = lowered.get("docker-content-digest")
            media_type = lowered.get("content-type", "").split(";")[0] or None
            recorded = [image for image in repository.images if tag in image.image_tags]
            if recorded and recorded[0].get_image_digest() == digest:
                continue
            if recorded and repository.image_tag_mutability.startswith("IMMUTABLE"):
                continue
            same_digest = [image for image in repository.images if image.get_image_digest() == digest]
            try:
                if same_digest:
                    # The same image under one more tag: move the tag onto it, as a push does.
                    if recorded:
                        backend.batch_delete_image(repository_name=repository_name, image_ids=[{"imageTag": tag}])
                    same_digest[0].update_tag(tag)
                else:
                    backend.put_image(repository_name, body.decode(), tag, media_type, digest)
            except ImageAlreadyExistsException:
                pass


def install() -> None:
    from moto.ecr import models as ecr_models
    from moto.moto_api._internal import urls as moto_api_urls

    Backend = ecr_models.ECRBackend

    for name in ("describe_images", "list_images", "batch_get_image"):
        original = getattr(Backend, name)

        def reading_registry(self: Any, repository_name: str, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            sync_repository(self, repository_name)
            return __original(self, repository_name, *args, **kwargs)

        setattr(Backend, name, reading_registry)

    def configure_registry(request: Any, full_url: str, headers: Any) -> Any:
        json_headers = {"Content-Type": "application/json"}
        if request.method == "GET":
            return 200, json_headers, json.dumps({"endpoint": _registry.get("endpoint")})
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return 400, json_headers, json.dumps({"message": "body must be JSON"})
        if not str(body.get("endpoint", "")).startswith(("http://", "https://")):
            return 400, json_headers, json.dumps({"message": "endpoint must be the registry's http(s) URL"})
        _registry.update({"endpoint": body["endpoint"], "username": body.get("username", ""), "password": body.get("password", "")})
        return 200, json_headers, json.dumps({"endpoint": _registry["endpoint"]})

    moto_api_urls.url_paths["{0}/moto-api/platform-local/ecr/registry"] = configure_registry
