"""`mockserver serve`: the mock on a production server, uvicorn or waitress (see serving.py)."""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from flask import Flask

from . import __version__, serving
from .app import create_app
from .constants import (ADMIN_TOKEN, DEFAULT_ACTIVITIES, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SEED, JOURNAL_SIZE,
                        USER_TOKEN)
from .statefile import StateFile, StateFileError
from .store import Store

SERVER_THREADS = 8


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description="Offline mock of Pipedrive's Activities API")
    version = f"mockserver {__version__}"
    parser.add_argument("--version", action="version", version=version)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mock over HTTP")
    serve.add_argument("--version", action="version", version=version)
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0 picks a free one)")
    serve.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated data")
    serve.add_argument("--activities", type=int, default=DEFAULT_ACTIVITIES, help="activities of company 1")
    serve.add_argument("--admin-token", default=ADMIN_TOKEN, help="token of user 1, a global admin")
    serve.add_argument("--user-token", default=USER_TOKEN, help="token of user 2, a regular user")
    serve.add_argument("--strict-links", action="store_true",
                       help="reject deal/person/org/project/lead ids that do not exist in the company")
    serve.add_argument("--threads", type=int, default=SERVER_THREADS,
                       help="waitress's worker threads (uvicorn serves from one thread and an event loop)")
    serve.add_argument("--server", choices=serving.SERVERS, default=serving.DEFAULT_SERVER,
                       help="uvicorn (default: one thread, an event loop, fastest) or waitress (threads); "
                            "README, \"Performance\"")
    serve.add_argument("--state-file", metavar="PATH",
                       help="load the state from PATH at start if it exists; save every acknowledged write to it")
    serve.add_argument("--control-token", metavar="TOKEN",
                       help="require the header x-mock-control-token: TOKEN on /_mock/ (default: loopback only)")
    serve.add_argument("--journal-size", type=_positive, default=JOURNAL_SIZE, metavar="N",
                       help=f"requests kept in the journal (default {JOURNAL_SIZE})")
    serve.add_argument("--webhook-allow-host", action="append", default=[], metavar="HOST",
                       help="let webhooks deliver to HOST too (default: loopback addresses only); repeatable")
    return parser


def build_app(args: argparse.Namespace) -> Flask:
    """The app `serve` runs: company 1 seeded, or the state file's state. Raises StateFileError."""
    store = Store.default(seed=args.seed, activities=args.activities, strict_links=args.strict_links,
                          admin_token=args.admin_token, user_token=args.user_token)
    state_file = StateFile(args.state_file) if args.state_file else None
    if state_file is not None and not state_file.load(store):
        state_file.save(store)  # the file exists from the start, holding the seeded state
    return create_app(store, journal_size=args.journal_size, state_file=state_file,
                      control_token=args.control_token, webhook_allow_hosts=tuple(args.webhook_allow_host))


def serve(args: argparse.Namespace) -> int:
    try:
        app = build_app(args)
    except StateFileError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    sock = serving.bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    announce = (f"Pipedrive mock serving http://{shown}:{port} (v2: /api/v2, v1: /v1) "
                f"admin token: {args.admin_token} user token: {args.user_token}")
    if args.server == "waitress":
        serving.run_waitress(app, sock, args.threads, announce)
    else:
        serving.run_uvicorn(app, sock, announce)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "serve")  # `mockserver` and `python -m mockserver` alone serve
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
