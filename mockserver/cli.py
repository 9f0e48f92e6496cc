"""`mockserver serve`: the mock on a production server, uvicorn or waitress (see serving.py).

Every problem a user can cause at start (a bad option, a port in use, a state or data file that will
not do) is one line on standard error and exit status 2, found before the seed is built (preflight.py).
"""
from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from . import __version__, preflight, serving
from .constants import (ADMIN_TOKEN, API_PROFILE_SEED, API_PROFILES, DEFAULT_ACTIVITIES, DEFAULT_HOST, DEFAULT_PORT,
                        DEFAULT_SEED, JOURNAL_SIZE, UNKNOWN_FIELDS_MODES, UNKNOWN_FIELDS_REJECT, USER_TOKEN)
from .preflight import StartError

if TYPE_CHECKING:
    from flask import Flask

PROG = "mockserver"
SERVER_THREADS = 8
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")
STATE_FILE_SWITCH_SECONDS = 0.0005


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the usage is one `--help` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _whole(minimum: int, option: str) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise StartError(f"{option} must be a whole number, got {text!r}") from None
        if value < minimum:
            raise StartError(f"{option} must be at least {minimum}, got {value}")
        return value
    return convert


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Offline mock of Pipedrive's Activities API")
    version = f"{PROG} {__version__}"
    parser.add_argument("--version", action="version", version=version)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mock over HTTP")
    serve.add_argument("--version", action="version", version=version)
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=preflight.port, default=DEFAULT_PORT, help="port (0 picks a free one)")
    serve.add_argument("--seed", type=_whole(0, "--seed"), default=DEFAULT_SEED, help="seed of the generated data")
    serve.add_argument("--activities", type=_whole(0, "--activities"), default=DEFAULT_ACTIVITIES,
                       help="activities of company 1")
    serve.add_argument("--data", metavar="FILE", help="company 1's users, activity types, persons, orgs, deals "
                       "and activities from a YAML or JSON file (README, \"Your own seed data\")")
    serve.add_argument("--admin-token", default=ADMIN_TOKEN, help="token of user 1, a global admin")
    serve.add_argument("--user-token", default=USER_TOKEN, help="token of user 2, a regular user")
    serve.add_argument("--strict-links", action="store_true",
                       help="reject deal/person/org/project/lead ids that do not exist in the company")
    serve.add_argument("--threads", type=_whole(1, "--threads"), default=SERVER_THREADS,
                       help="waitress's worker threads (uvicorn serves from one thread and an event loop)")
    serve.add_argument("--server", choices=serving.SERVERS, default=serving.DEFAULT_SERVER,
                       help="uvicorn (default: one thread, an event loop, fastest) or waitress (threads); "
                            "README, \"Performance\"")
    serve.add_argument("--state-file", metavar="PATH",
                       help="load the state from PATH at start if it exists; save every acknowledged write to it")
    serve.add_argument("--control-token", metavar="TOKEN",
                       help="require the header x-mock-control-token: TOKEN on /_mock/ (default: loopback only)")
    serve.add_argument("--allow-host", metavar="NAME", action="append", default=[],
                       help="also serve requests whose Host is NAME (repeatable; '*' for any), e.g. the name "
                            "of a Docker service; loopback names, addresses and --host are always served")
    serve.add_argument("--journal-size", type=_whole(1, "--journal-size"), default=JOURNAL_SIZE, metavar="N",
                       help=f"requests kept in the journal (default {JOURNAL_SIZE})")
    serve.add_argument("--webhook-allow-host", action="append", default=[], metavar="HOST",
                       help="let webhooks deliver to HOST too (default: loopback addresses only); repeatable")
    serve.add_argument("--access-log", action="store_true", help="one line a request on standard output: "
                       "method, path, status, time, operation, violations (never a token)")
    serve.add_argument("--log-format", choices=LOG_FORMATS, default="text",
                       help="text (default) or json, one object a line, for the access log and every other log")
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="warning",
                       help="the least severe log records written to standard error (default warning)")
    serve.add_argument("--api-profile", choices=API_PROFILES, default=API_PROFILE_SEED,
                       help="seed: the surface this mock was specified from (default); current: the API as known "
                            "today (person_id read-only in v2 bodies, v1 activity endpoints 410 Gone)")
    serve.add_argument("--unknown-fields", choices=UNKNOWN_FIELDS_MODES, default=UNKNOWN_FIELDS_REJECT,
                       help="reject: an unknown body field answers 400 naming it (default); ignore: it is dropped "
                            "and the journal still records it as a violation (a client newer than the mock)")
    return parser


def check(args: argparse.Namespace) -> None:
    """What can be checked without the app, before the port is bound. Raises StartError."""
    preflight.tokens(args.admin_token, args.user_token, args.control_token)
    if args.state_file is not None:
        preflight.state_file(args.state_file)
    if args.data is not None:
        preflight.readable_file("--data", args.data)


def build_app(args: argparse.Namespace) -> Flask:
    """The app `serve` runs: company 1 seeded (or from --data), or the state file's state. Raises StartError."""
    from .app import create_app
    from .statefile import StateFile, StateFileError
    from .store import Store

    data = None
    if args.data is not None:
        from .datafile import DataFileError, read

        try:
            data = read(args.data)
        except DataFileError as exc:
            raise StartError(str(exc)) from None
    try:
        store = Store.default(seed=args.seed, activities=0 if data is not None else args.activities,
                              strict_links=args.strict_links, admin_token=args.admin_token,
                              user_token=args.user_token)
        if data is not None:
            from .datafile import DataFileError, apply

            try:
                apply(store, data, source=args.data)
            except DataFileError as exc:
                raise StartError(str(exc)) from None
        state_file = StateFile(args.state_file) if args.state_file else None
        if state_file is not None:
            state_file.load(store)
            state_file.open(store)  # the file exists from the start; a log found is in the snapshot now
    except StateFileError as exc:
        raise StartError(str(exc)) from None
    except OSError as exc:
        raise StartError(f"--state-file {args.state_file}: {exc.strerror or exc}") from None
    return create_app(store, journal_size=args.journal_size, state_file=state_file,
                      control_token=args.control_token, webhook_allow_hosts=tuple(args.webhook_allow_host),
                      api_profile=args.api_profile, unknown_fields=args.unknown_fields,
                      bind_host=args.host, allowed_hosts=args.allow_host)


def serve(args: argparse.Namespace) -> int:
    from . import accesslog

    lines = accesslog.configure(args.log_level, args.log_format, args.access_log)
    check(args)
    try:
        sock = serving.bind(args.host, args.port)  # before seeding: a port in use is told at once
    except OSError as exc:
        raise preflight.bind_error(args.host, args.port, exc) from None
    # What the build makes (the seeded store: up to millions of records) lives as long as the server and
    # holds no cycles: the cyclic collector, left on, walked all of it several times while it was built
    # (0.7 s at 1,000,000 for the last walk alone). The little import left is collected first;
    # serving.freeze_heap turns the collector on again once the heap is frozen out of its walks.
    gc.collect()
    gc.disable()
    try:
        app = build_app(args)
    except BaseException:
        gc.enable()
        sock.close()
        raise
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    announce = (f"Pipedrive mock serving http://{shown}:{port} (v2: /api/v2, v1: /v1) "
                f"{_tokens(app)} api profile: {args.api_profile} unknown fields: {args.unknown_fields}")
    wsgi = accesslog.AccessLog(app, lines) if lines is not None else app
    state_file = app.extensions["pipedrive_mock"].state_file
    switch_interval = sys.getswitchinterval()
    if state_file is not None:
        # The log's thread takes the interpreter lock three times a group of writes (statelog.py); at
        # the default 5 ms each take waits while the event loop serves, and the writes wait for that.
        sys.setswitchinterval(STATE_FILE_SWITCH_SECONDS)
    try:
        if args.server == "waitress":
            serving.run_waitress(wsgi, sock, args.threads, announce)
        else:
            serving.run_uvicorn(wsgi, sock, announce)
    finally:
        if state_file is not None:
            state_file.close()  # a clean stop: the log goes into the snapshot
            sys.setswitchinterval(switch_interval)
    return 0


def _tokens(app: Flask) -> str:
    """Company 1's first admin token and first regular user token (a data or state file may set them)."""
    from .constants import DEFAULT_COMPANY_ID

    users = sorted(app.extensions["pipedrive_mock"].store.company(DEFAULT_COMPANY_ID).users.values(),
                   key=lambda user: user.id)
    admin = next((u.token for u in users if u.is_admin), None)
    user = next((u.token for u in users if not u.is_admin), None)
    return " ".join(part for part in (f"admin token: {admin}" if admin else "",
                                      f"user token: {user}" if user else "") if part)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "serve")  # `mockserver` and `python -m pipedrive_mock` alone serve
    try:
        args = build_parser().parse_args(argv)
        if args.command == "serve":
            return serve(args)
    except StartError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
