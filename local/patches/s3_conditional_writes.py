"""S3 conditional writes that are atomic, as on S3.

Stock moto 5.2.1 checks PutObject's If-None-Match / If-Match against the stored object and then
stores the new one in two steps, while the server answers requests on several threads: two
concurrent `If-None-Match: *` writes of one key can both succeed. S3 lets exactly one win and
answers the other 412 PreconditionFailed (or 409 ConditionalRequestConflict). `platform` allocates
release ids (v1, v2, ...) with such writes, so a race must lose here as it does on AWS.

The patch serialises conditional PutObject requests; unconditional ones are untouched (on S3 too
they race, last writer wins).
"""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def install() -> None:
    from moto.s3 import responses

    original = responses.S3Response.put_object

    def put_object(self):  # type: ignore[no-untyped-def]
        if self.headers.get("If-None-Match") or self.headers.get("If-Match"):
            with _LOCK:
                return original(self)
        return original(self)

    responses.S3Response.put_object = put_object
