"""A server for the benchmark: our mock or the bare-Flask floor, on waitress or cheroot (or granian).

`python -m benchmarks.serve --app floor --server waitress --bodies FILE` prints its URL, then serves.
granian takes an import target instead: `granian --interface wsgi --factory benchmarks.serve:granian_floor`
with the bodies file named in the environment (BENCH_BODIES).
The floor is the fastest our stack can answer: a bare Flask view returning a precomputed body of the
same bytes as the mock's response, so the ratio shows what the mock's own work costs.
"""
from __future__ import annotations

import argparse
import json
import os
from typing import Any

from flask import Flask, Response

from mockserver.cli import SERVER_THREADS

from .servers import HOST

BODIES_ENV = "BENCH_BODIES"
ACTIVITIES_ENV = "BENCH_ACTIVITIES"


def floor_app(bodies: dict[str, str]) -> Flask:
    app = Flask("floor")
    encoded = {name: body.encode() for name, body in bodies.items()}

    @app.get("/api/v2/activities/<int:activity_id>")
    def get_one(activity_id: int) -> Response:
        return Response(encoded["get"], mimetype="application/json")

    @app.get("/api/v2/activities")
    def get_list() -> Response:
        return Response(encoded["list"], mimetype="application/json")

    @app.post("/api/v2/activities")
    def add() -> Response:
        return Response(encoded["add"], mimetype="application/json")

    return app


def mock_app(activities: int) -> Flask:
    from mockserver import create_app
    return create_app(activities=activities)


def granian_floor() -> Flask:
    """The floor, for `granian --factory` (which imports its app by name)."""
    with open(os.environ[BODIES_ENV], encoding="utf-8") as file:
        return floor_app(json.load(file))


def granian_mock() -> Flask:
    """The mock, for `granian --factory`."""
    return mock_app(int(os.environ[ACTIVITIES_ENV]))


def run_waitress(app: Any) -> None:
    from waitress.server import create_server
    server = create_server(app, host=HOST, port=0, threads=SERVER_THREADS)
    print(f"serving http://{HOST}:{server.effective_port}", flush=True)  # type: ignore[union-attr]
    server.run()


def run_cheroot(app: Any) -> None:
    from cheroot.wsgi import Server
    server = Server((HOST, 0), app, numthreads=SERVER_THREADS)
    server.prepare()
    print(f"serving http://{HOST}:{server.bind_addr[1]}", flush=True)
    server.serve()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve")
    parser.add_argument("--app", choices=("floor", "mock"), required=True)
    parser.add_argument("--server", choices=("waitress", "cheroot"), required=True)
    parser.add_argument("--bodies", help="JSON file of the floor's bodies: get, list, add")
    parser.add_argument("--activities", type=int, default=1000)
    args = parser.parse_args()
    if args.app == "floor":
        with open(args.bodies, encoding="utf-8") as file:
            app = floor_app(json.load(file))
    else:
        app = mock_app(args.activities)
    (run_waitress if args.server == "waitress" else run_cheroot)(app)


if __name__ == "__main__":
    main()
