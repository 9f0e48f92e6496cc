"""The cost of one call of each HTTP scenario, in-process, for the mock's app and the bare-Flask floor.

    python benchmarks/calls.py [--calls 3000]

Each call goes through the WSGI app as the server calls it (the environ built by the ASGI adapter,
asgi.py), without the network or the server's loop. The figure is the smallest time of N calls: on a
machine others load, the median moves with their work and the smallest does not, so this is where a
cut in the mock's own work shows. The ratio floor/mock is what the HTTP section's mock/floor ratio tends
to when the server's own cost (uvicorn, the socket) is left out: the HTTP ratio is higher, as both pay it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python benchmarks/calls.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from pipedrive_mock import ADMIN_TOKEN, create_app  # noqa: E402
from pipedrive_mock.asgi import _environ  # noqa: E402

from . import load, throughput  # noqa: E402
from .report import fmt, heading, table  # noqa: E402
from .serve import floor_app  # noqa: E402

CALLS = 3000
# Deletes need live activities: one a call, in a mock seeded with this many.
DELETE_ACTIVITIES = 30_000


def _scope(scenario: load.Scenario, call: int) -> tuple[dict[str, Any], bytes]:
    path = f"/api/v2/activities/{call + 1}" if scenario.script is not None else scenario.path
    path, _, query = path.partition("?")
    body = json.dumps(scenario.body).encode() if scenario.body is not None else b""
    headers = [(b"host", b"127.0.0.1:8000"), (b"x-api-token", ADMIN_TOKEN.encode())]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return ({"type": "http", "method": scenario.method, "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "http_version": "1.1", "headers": headers,
             "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000)}, body)


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
    if not status.startswith("200"):
        raise RuntimeError(f"a benchmark call answered {status}")
    return lambda data: None


def smallest_us(app: Any, scenario: load.Scenario, calls: int) -> float:
    """The smallest time of `calls` calls of `scenario` through `app`, in microseconds."""
    best = float("inf")
    for call in range(calls):
        scope, body = _scope(scenario, call)
        environ = _environ(scope, body)
        started = time.perf_counter_ns()
        answer = app(environ, _start_response)
        b"".join(answer)
        getattr(answer, "close", lambda: None)()
        best = min(best, time.perf_counter_ns() - started)
    return best / 1000


def run(calls: int = CALLS) -> dict[str, tuple[float, float]]:
    heading(f"HTTP scenarios in-process: the smallest time of {calls:,} calls (mock seeded with "
            f"{throughput.ACTIVITIES:,}; {DELETE_ACTIVITIES:,} for deletes)")
    floor = floor_app(throughput.floor_bodies())
    figures = {}
    for scenario in load.SCENARIOS:
        activities = DELETE_ACTIVITIES if scenario.script is not None else throughput.ACTIVITIES
        mock = create_app(activities=activities)
        figures[scenario.name] = (smallest_us(mock, scenario, calls), smallest_us(floor, scenario, calls))
    table(["scenario", "mock us", "floor us", "floor/mock"],
          [[name, fmt(m, 1), fmt(f, 1), fmt(f / m)] for name, (m, f) in figures.items()])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/calls.py", description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=CALLS, help="calls of each scenario")
    run(parser.parse_args().calls)


if __name__ == "__main__":
    main()
