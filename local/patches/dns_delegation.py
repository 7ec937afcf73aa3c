"""DNS for the delegation check: NS answers for the hosted zones moto's Route53 holds.

Stock moto has no DNS at all. On AWS, once the registrar delegates a domain to its hosted zone, any
resolver asked for the domain's NS records answers with the zone's four name servers; `platform
deploy` checks exactly that (through PLATFORM_DNS_SERVER) before creating certificates. This module
runs a small UDP DNS server beside moto that answers like the internet's resolvers after the
registrar delegated every zone: the NS query for a hosted zone's name gets its delegation set's
name servers (any account), any other name NXDOMAIN.

A registrar that has not delegated yet is set per domain:
POST /moto-api/platform-local/dns/delegations {"domain": "example.com", "nameServers": [...]}
answers those name servers instead ([] answers NXDOMAIN); "nameServers": null goes back to the zone's.
GET lists the overrides. POST /moto-api/reset clears them with the rest.

Only what the check needs: NS queries (other types get an empty answer), over UDP, one question.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from typing import Any

_overrides: dict[str, list[str]] = {}
_lock = threading.Lock()

NS_TYPE = 2
IN_CLASS = 1
# Route53's TTL for a zone's NS records.
NS_TTL = 172800


def _normalize(name: str) -> str:
    return name.strip().lower().rstrip(".")


def zone_name_servers(domain: str) -> list[str] | None:
    """The name servers of the hosted zone named `domain` in any account, or None."""
    from moto.route53.models import route53_backends

    for _account, partitions in list(route53_backends.items()):
        for backend in list(partitions.values()):
            for zone in list(backend.zones.values()):
                if _normalize(zone.name) == domain:
                    servers = getattr(getattr(zone, "delegation_set", None), "name_servers", None)
                    if servers:
                        return list(servers)
    return None


def name_servers_for(domain: str) -> list[str] | None:
    with _lock:
        if domain in _overrides:
            return list(_overrides[domain])
    return zone_name_servers(domain)


def _encode_name(name: str) -> bytes:
    out = b""
    for label in _normalize(name).split("."):
        if label:
            encoded = label.encode("ascii")
            out += bytes([len(encoded)]) + encoded
    return out + b"\x00"


def _read_question(packet: bytes) -> tuple[str, int, int, int]:
    """(name, type, class, offset after the question) of the first question."""
    labels: list[str] = []
    i = 12
    while True:
        length = packet[i]
        if length == 0:
            i += 1
            break
        if length & 0xC0:
            raise ValueError("compressed names are not expected in a question")
        labels.append(packet[i + 1 : i + 1 + length].decode("ascii", "replace"))
        i += 1 + length
    qtype, qclass = struct.unpack("!HH", packet[i : i + 4])
    return ".".join(labels), qtype, qclass, i + 4


def answer(packet: bytes) -> bytes:
    """The response to one query packet."""
    (query_id, flags, qdcount) = struct.unpack("!HHH", packet[:6])
    recursion_desired = flags & 0x0100
    try:
        if qdcount != 1:
            raise ValueError("one question")
        name, qtype, qclass, end = _read_question(packet)
    except (ValueError, IndexError, struct.error):
        # FORMERR, echoing the header.
        return struct.pack("!HHHHHH", query_id, 0x8000 | recursion_desired | 0x0080 | 1, 0, 0, 0, 0)
    question = packet[12:end]
    servers = name_servers_for(_normalize(name))
    answers = b""
    count = 0
    rcode = 0
    if servers is None or (len(servers) == 0):
        rcode = 3  # NXDOMAIN: as for a name no registrar delegated
    elif qtype == NS_TYPE and qclass == IN_CLASS:
        for server in servers:
            rdata = _encode_name(server)
            # 0xC00C points at the question's name.
            answers += struct.pack("!HHHIH", 0xC00C, NS_TYPE, IN_CLASS, NS_TTL, len(rdata)) + rdata
            count += 1
    # QR, the query's RD, RA (it plays a recursive resolver), the rcode.
    response_flags = 0x8000 | recursion_desired | 0x0080 | rcode
    return struct.pack("!HHHHHH", query_id, response_flags, 1, count, 0, 0) + question + answers


def start_dns_server(host: str) -> str:
    """Serve on a free UDP port of `host` in a daemon thread; returns `host:port`."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))

    def loop() -> None:
        while True:
            try:
                packet, peer = sock.recvfrom(512)
            except OSError:
                return
            try:
                sock.sendto(answer(packet), peer)
            except Exception:  # noqa: BLE001 - one bad packet never stops the server
                continue

    threading.Thread(target=loop, name="platform-local-dns", daemon=True).start()
    port = sock.getsockname()[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def install() -> None:
    from moto.moto_api._internal import urls as moto_api_urls
    from moto.moto_api._internal.models import MotoAPIBackend

    original_reset = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        original_reset(self)
        with _lock:
            _overrides.clear()

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]

    def delegations(request: Any, full_url: str, headers: Any) -> Any:
        json_headers = {"Content-Type": "application/json"}
        if request.method == "POST":
            try:
                body = json.loads(request.get_data() or b"{}")
            except ValueError:
                return 400, json_headers, json.dumps({"message": "body must be JSON"})
            domain = _normalize(str(body.get("domain", "")))
            servers = body.get("nameServers")
            if not domain or not (servers is None or (isinstance(servers, list) and all(isinstance(s, str) for s in servers))):
                return 400, json_headers, json.dumps({"message": 'expected {"domain": "...", "nameServers": [names] or null}'})
            with _lock:
                if servers is None:
                    _overrides.pop(domain, None)
                else:
                    _overrides[domain] = [_normalize(s) for s in servers]
        with _lock:
            return 200, json_headers, json.dumps({"overrides": dict(_overrides)})

    moto_api_urls.url_paths["{0}/moto-api/platform-local/dns/delegations"] = delegations
