"""What `mockserver serve` checks before it seeds anything: each problem is one line, exit status 2.

The checks that need no import of the app run first, so a wrong option fails in well under a second;
the port is bound before the seed is built, so a port in use is found at once too.
"""
from __future__ import annotations

import errno
import os
import socket
import stat
import tempfile
from pathlib import Path

from .limits import MAX_TOKEN_CHARS

MAX_PORT = 65535


class StartError(Exception):
    """A reason `mockserver serve` cannot start, worded as the one line it prints."""


def port(text: str) -> int:
    """An argparse type: 0 (a free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise StartError(f"--port must be a whole number from 0 to {MAX_PORT}, got {text!r}") from None
    if not 0 <= value <= MAX_PORT:
        raise StartError(f"--port must be from 0 to {MAX_PORT} (0 picks a free one), got {value}")
    return value


def tokens(admin: str, user: str, control: str | None) -> None:
    for option, value in (("--admin-token", admin), ("--user-token", user), ("--control-token", control)):
        if value is not None and not value.strip():
            raise StartError(f"{option} must not be empty")
        if value is not None and option != "--control-token" and len(value) > MAX_TOKEN_CHARS:
            raise StartError(f"{option} may have at most {MAX_TOKEN_CHARS} characters (a state file keeps it)")
    if admin == user:
        raise StartError(f"--admin-token and --user-token must differ (both are {admin!r}): a token names one user")


def bind_error(host: str, number: int, exc: OSError) -> StartError:
    """The one line for a socket that could not be bound."""
    if isinstance(exc, socket.gaierror):
        return StartError(f"--host {host!r} is not an address or a name this machine can resolve ({exc.strerror})")
    if exc.errno == errno.EADDRINUSE:
        return StartError(f"port {number} on {host} is in use (another server? --port 0 picks a free one)")
    if exc.errno == errno.EADDRNOTAVAIL:
        return StartError(f"--host {host} is not an address of this machine")
    if exc.errno == errno.EACCES:
        return StartError(f"port {number} on {host} needs privileges this process lacks (try a port above 1023)")
    return StartError(f"cannot listen on {host}:{number}: {exc.strerror or exc}")


def state_file(path_text: str) -> None:
    """The state file must be a regular file that can be written, or not exist yet in a folder that can."""
    path = Path(path_text)
    folder = path.parent
    if not path_text.strip():
        raise StartError("--state-file must not be empty")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise StartError(f"--state-file {path}: {exc.strerror}") from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise StartError(f"--state-file {path} is a directory; give a file path inside it, "
                             f"e.g. {path / 'state.json'}")
        if not stat.S_ISREG(mode):
            raise StartError(f"--state-file {path} is not a regular file (a FIFO, socket or device); give a file path")
        try:
            with open(path, "rb+"):
                pass
        except OSError as exc:
            raise StartError(f"--state-file {path} cannot be read and written: {exc.strerror}") from None
    if not folder.is_dir():
        raise StartError(f"--state-file {path}: the folder {folder} does not exist")
    _probe_folder(folder, "--state-file", path)


def _probe_folder(folder: Path, option: str, path: Path) -> None:
    """Create and remove a file in `folder`, as the atomic save will (root passes os.access checks)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".mockserver-probe-", dir=folder)
    except OSError as exc:
        raise StartError(f"{option} {path}: cannot write in the folder {folder}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)


def readable_file(option: str, path_text: str) -> Path:
    path = Path(path_text)
    if path.is_dir():
        raise StartError(f"{option} {path} is a directory, not a file")
    if not path.exists():
        raise StartError(f"{option} {path} does not exist")
    if not path.is_file():
        raise StartError(f"{option} {path} is not a regular file")
    return path
