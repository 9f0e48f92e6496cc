"""Who may drive the mock: no web page the developer happens to visit, whatever their browser sends.

Three checks, before anything else runs (README, "Who may call"):
- **Host.** A request is served only when its `Host` is a loopback name (`localhost`, `*.localhost`),
  an IP address, the `--host` the server was started with, or a name added with `--allow-host`. A
  DNS-rebinding page reaches the mock under a name of its own, which is none of these; an address in
  `Host` cannot be rebound, so addresses are always accepted.
- **Cross-site writes.** A write (any method but GET, HEAD, OPTIONS) whose `Origin` is not the
  mock's own, or whose `Sec-Fetch-Site` is not `same-origin` or `none`, is refused: browsers send
  these headers, other clients do not.
- **JSON control writes.** POST, PUT and PATCH under `/_mock/` need `Content-Type: application/json`,
  which a form or a "simple" cross-site request cannot send without the browser asking first (a
  CORS preflight, which the mock never grants: it sends no `Access-Control-*` header at all).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, BadRequest

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
HOST_VERDICTS = 64  # Host values whose verdict is kept
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})
CONTROL_PREFIX = "/_mock/"
ANY_HOST = "*"


def is_loopback(address: str | None) -> bool:
    """Whether a peer address is this machine; an IPv4 client of a dual-stack (`::`) socket counts,
    as it shows up as `::ffff:127.0.0.1`. No address at all is an in-process call (a test client)."""
    if address is None:
        return True
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def host_name(host: str) -> str:
    """The name or address of a `Host` value, without its port or brackets, lowercase."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class OriginPolicy:
    """The names a `Host` may carry, and the checks of module docstring, over a WSGI environ."""

    def __init__(self, bind_host: str | None = None, allowed_hosts: Iterable[str] = ()) -> None:
        extra = {host_name(name) for name in allowed_hosts}
        self.any_host = ANY_HOST in extra
        self.names = frozenset(LOOPBACK_NAMES | extra | ({host_name(bind_host)} if bind_host else set()))
        # Each Host value's verdict, once: clients send the same one or two on every request (the parse and
        # the address check cost a request ~3 us). Bounded, so a client sending many costs no memory.
        self._verdicts: dict[str, bool] = {}

    def allows_host(self, host: str | None) -> bool:
        if host is None or self.any_host:
            return True  # HTTP/1.0 without Host: not a browser
        verdict = self._verdicts.get(host)
        if verdict is None:
            name = host_name(host)
            verdict = name in self.names or name.endswith(".localhost") or _is_address(name)
            if len(self._verdicts) < HOST_VERDICTS:
                self._verdicts[host] = verdict
        return verdict

    def check(self, environ: Mapping[str, Any], routed: bool = True) -> None:
        """Raise the 4xx a request gets when a web page, not the developer, may have sent it.

        `routed`: whether the path and method name an endpoint (otherwise the body is not looked at,
        and the answer is the 404 or 405 that routing gives)."""
        host = environ.get("HTTP_HOST")
        if not self.allows_host(host):
            raise _refused(f"Host {str(host)[:100]!r} is not a name of this mock: only loopback names, "
                           f"addresses and the --host it serves on are; start it with --allow-host NAME "
                           f"to add a name")
        method = environ.get("REQUEST_METHOD", "GET")
        if method in SAFE_METHODS:
            return
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and not _same_origin(origin, host):
            raise _refused(f"Cross-site write refused: Origin {origin[:100]!r} is not this mock's "
                           f"(the control API and the Pipedrive API take writes from this origin only)")
        fetch_site = environ.get("HTTP_SEC_FETCH_SITE")
        if fetch_site is not None and fetch_site.lower() not in SAME_ORIGIN_FETCH:
            raise _refused(f"Cross-site write refused: Sec-Fetch-Site is {fetch_site[:40]!r}")
        if routed and method in JSON_METHODS and environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            media_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            if media_type != "application/json":
                raise BadRequest(f"A control-API {method} needs a JSON body with Content-Type: "
                                 f"application/json (send {{}} for the defaults), got Content-Type "
                                 f"{media_type or 'none'!r}")


def _same_origin(origin: str, host: str | None) -> bool:
    """Whether `Origin` names the scheme-less `Host` the request was sent to (`null` never does)."""
    if host is None:
        return False
    parts = urlsplit(origin.strip().lower())
    return parts.scheme in ("http", "https") and parts.netloc == host.strip().lower()


def _refused(message: str) -> ApiError:
    return ApiError(message, status=403)
