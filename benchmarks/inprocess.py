"""4. In-process: one request through Flask's test client vs a bare Flask endpoint; per-test reset."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from flask import Flask, Response

from pipedrive_mock import ADMIN_TOKEN, Store, create_app

from .report import fmt, heading, ratio, table

REQUESTS = 2000
BLOCK = 100
RESETS = 200
RESET_ACTIVITIES = 1000
PATH = "/api/v2/activities/500"
HEADERS = {"x-api-token": ADMIN_TOKEN}


def _bare(body: bytes) -> Flask:
    app = Flask("bare")

    @app.get("/api/v2/activities/<int:activity_id>")
    def get_one(activity_id: int) -> Response:
        return Response(body, mimetype="application/json")

    return app


def _interleaved_medians(calls: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median seconds of each call, run in alternating blocks so drift on the machine hits both alike."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(REQUESTS // BLOCK):
        for name, call in calls.items():
            for _ in range(BLOCK):
                started = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def _reset_ms() -> float:
    store = Store.default(activities=RESET_ACTIVITIES)
    client = create_app(store).test_client()
    times = []
    for _ in range(RESETS):
        added = client.post("/api/v2/activities", json={"subject": "Written by a test"}, headers=HEADERS)
        client.patch(PATH, json={"done": True}, headers=HEADERS)
        client.delete(f"/api/v2/activities/{added.get_json()['data']['id']}", headers=HEADERS)
        started = time.perf_counter()
        store.reset()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run() -> dict[str, float]:
    heading(f"4. In-process (Flask test client, median of {REQUESTS} interleaved), and per-test reset")
    mock = create_app(activities=RESET_ACTIVITIES).test_client()
    body = mock.get(PATH, headers=HEADERS).data
    bare = _bare(body).test_client()
    medians = _interleaved_medians({"mock": lambda: mock.get(PATH, headers=HEADERS),
                                    "bare": lambda: bare.get(PATH, headers=HEADERS)})
    figures = {"mock us": medians["mock"] * 1e6, "bare us": medians["bare"] * 1e6, "reset ms": _reset_ms()}
    table(["figure", "value"], [
        [f"GET {PATH} through the mock, us", fmt(figures["mock us"], 1)],
        [f"bare Flask endpoint, same {len(body)}-byte body, us", fmt(figures["bare us"], 1)],
        ["mock / bare", fmt(ratio(figures["mock us"], figures["bare us"]))],
        [f"Store.reset() after 3 writes, {RESET_ACTIVITIES:,} activities, ms", fmt(figures["reset ms"], 4)],
    ])
    return figures
