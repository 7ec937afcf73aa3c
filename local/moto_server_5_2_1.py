#!/usr/bin/env python3
"""moto_server for moto 5.2.1, with the fixes the `platform` CLI needs to behave as on AWS.

Runs moto's own WSGI app (the one `moto_server` serves) in this process after installing the
patches listed in PATCHES (one module each under local/patches/, described in local/README.md),
so a create -> update -> no-op cycle of real templates behaves as on AWS. Every patch is tied to
moto 5.2.1 and the launcher refuses any other version, because the patched methods are private and
change between releases.

Usage: python3 moto_server_5_2_1.py [--host 127.0.0.1] [--port 0] [--ready-file PATH]
Once listening it prints one JSON line to stdout, {"endpoint": ..., "port": ..., "dns": "HOST:PORT", "pid": ...},
and writes the same object to --ready-file when given. Port 0 picks a free port.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import threading
from typing import Any

PATCHED_MOTO_VERSION = "5.2.1"

# The modules of local/patches/, installed in this order: one line per patch. A later patch may
# build on an earlier one (ecs_deployments wraps what ecs_steady_state installed).
PATCHES: list[str] = [
    "resource_events",
    "placeholders",
    "rds_cluster_models",
    "getatt_gaps",
    "change_set_create",
    "change_set_diff",
    "dependent_updates",
    "update_order",
    "change_set_execute",
    "idempotency_tokens",
    "list_change_sets",
    "list_parameters",
    "termination_protection",
    "exports_after_update",
    "rds_engine_versions",
    "vpc_dns_attributes",
    "prefix_list_ingress",
    "ecs_steady_state",
    "ecs_deployments",
    "ecr_registry",
    "rds_restore",
    "s3_conditional_writes",
    "cloudwatch_alarms",
    "logs_interleaved",
    "dns_delegation",
    "registry_types",
    "apigateway_mock_methods",
    "create_order",
    "route53_record_sets",
    "update_cleanup_last",
]


def check_moto_version() -> None:
    try:
        import moto
    except ImportError:
        sys.stderr.write("moto is not installed for %s; this launcher needs moto %s.\n" % (sys.executable, PATCHED_MOTO_VERSION))
        sys.exit(3)
    if moto.__version__ != PATCHED_MOTO_VERSION:
        sys.stderr.write(
            "moto %s found, but %s patches moto %s exactly (its patches replace private methods).\n"
            "Install moto==%s, or write local/moto_server_<version>.py for the new version.\n"
            % (moto.__version__, os.path.basename(__file__), PATCHED_MOTO_VERSION, PATCHED_MOTO_VERSION)
        )
        sys.exit(3)


def install_patches() -> None:
    # Python puts this script's directory first on sys.path, so `patches` is local/patches/.
    for name in PATCHES:
        importlib.import_module(f"patches.{name}").install()


def serve(host: str, port: int, ready_file: str | None) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(host, port, app, threaded=True)
    actual_port = server.server_address[1]
    # moto builds some URLs (SQS queue URLs, S3 presigned URLs) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(actual_port)
    endpoint = f"http://{host}:{actual_port}"
    # NS answers for the hosted zones (patches/dns_delegation.py): what PLATFORM_DNS_SERVER points at.
    dns = importlib.import_module("patches.dns_delegation").start_dns_server(host)
    ready = json.dumps({"endpoint": endpoint, "host": host, "port": actual_port, "dns": dns, "pid": os.getpid(), "moto": PATCHED_MOTO_VERSION})
    if ready_file:
        tmp = ready_file + ".tmp"
        with open(tmp, "w") as handle:
            handle.write(ready + "\n")
        os.replace(tmp, ready_file)
    sys.stdout.write(ready + "\n")
    sys.stdout.flush()

    def stop(_signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=0, help="port to bind; 0 picks a free one (default 0)")
    parser.add_argument("--ready-file", help="write the ready JSON line here once listening")
    parser.add_argument("--check", action="store_true", help="check the moto version and patches, then exit")
    args = parser.parse_args(argv)
    check_moto_version()
    install_patches()
    if args.check:
        sys.stdout.write(json.dumps({"moto": PATCHED_MOTO_VERSION, "ok": True, "patches": PATCHES}) + "\n")
        return
    serve(args.host, args.port, args.ready_file)


if __name__ == "__main__":
    main()
