"""The bare-Flask floor for the benchmark, on the same servers `mockserver serve` uses.

`python -m benchmarks.serve --bodies FILE --server uvicorn` prints its URL, then serves.
The floor is the fastest our stack can answer: a bare Flask view returning a precomputed body of the
same bytes as the mock's response, so the ratio shows what the mock's own work costs.
"""
from __future__ import annotations

import argparse
import json

from flask import Flask, Response

from pipedrive_mock import serving
from pipedrive_mock.cli import SERVER_THREADS

from .servers import HOST


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

    @app.patch("/api/v2/activities/<int:activity_id>")
    def update(activity_id: int) -> Response:
        return Response(encoded["update"], mimetype="application/json")

    @app.delete("/api/v2/activities/<int:activity_id>")
    def delete(activity_id: int) -> Response:
        return Response(encoded["delete"], mimetype="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve")
    parser.add_argument("--server", choices=serving.SERVERS, required=True)
    parser.add_argument("--bodies", required=True, help="JSON file of the floor's bodies: get, list, add, update, delete")
    args = parser.parse_args()
    with open(args.bodies, encoding="utf-8") as file:
        app = floor_app(json.load(file))
    sock = serving.bind(HOST, 0)
    announce = f"serving http://{HOST}:{sock.getsockname()[1]}"
    if args.server == "uvicorn":
        serving.run_uvicorn(app, sock, announce)
    else:
        serving.run_waitress(app, sock, SERVER_THREADS, announce)


if __name__ == "__main__":
    main()
