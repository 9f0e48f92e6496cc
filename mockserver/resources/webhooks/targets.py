"""Where deliveries may go: loopback addresses only, unless the server names more hosts
(`--webhook-allow-host HOST`). Checked at subscription and again when each delivery connects, so a
name that resolves elsewhere later is refused too."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

SCHEMES = {"http": 80, "https": 443}
# The official 400's message for a URL it will not deliver to (facts page: {"errors": {"field": [...]}}).
INVALID_URL = "invalid or non-reachable URL"


class TargetRefused(Exception):
    """A subscription URL the mock will not deliver to; the message says why."""


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class Targets:
    """The hosts deliveries may reach: loopback, plus `allow_hosts` (names or addresses)."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self.allow_hosts = frozenset(host.lower().strip("[]") for host in allow_hosts)

    def parse(self, url: str) -> SplitResult:
        """The parts of a URL deliveries may go to; raises TargetRefused naming what is wrong."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError as exc:
            raise TargetRefused(f"{INVALID_URL}: {url!r} is not a URL ({exc})") from None
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise TargetRefused(f"{INVALID_URL}: {url!r} must be an absolute http:// or https:// URL")
        return parts

    def allowed(self, host: str) -> bool:
        return host.lower() in self.allow_hosts

    def check(self, url: str) -> None:
        """Refuse a URL whose host is neither allowed nor resolves to loopback addresses only."""
        parts = self.parse(url)
        host = parts.hostname or ""
        if self.allowed(host):
            return
        addresses = self._resolve(host, parts.port or SCHEMES[parts.scheme])
        self._only_loopback(host, addresses)

    async def connect_address(self, host: str, port: int) -> str:
        """The address a delivery to `host` connects to, checked again (a name may resolve elsewhere now)."""
        if self.allowed(host) or _is_loopback(host):
            return host
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise TargetRefused(f"{host} does not resolve ({exc})") from None
        addresses = [str(info[4][0]) for info in infos]
        self._only_loopback(host, addresses)
        return addresses[0]

    def _resolve(self, host: str, port: int) -> list[str]:
        if _is_loopback(host):
            return [host]
        try:
            return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
        except OSError as exc:
            raise TargetRefused(f"{INVALID_URL}: {host} does not resolve ({exc})") from None

    def _only_loopback(self, host: str, addresses: list[str]) -> None:
        outside = [a for a in addresses if not _is_loopback(a)]
        if outside or not addresses:
            raise TargetRefused(f"{INVALID_URL}: {host} resolves to {', '.join(outside) or 'nothing'}; the mock "
                                f"delivers only to loopback addresses unless the server runs with "
                                f"--webhook-allow-host {host}")
