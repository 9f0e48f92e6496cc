"""3. `mockserver serve`: seconds from start to the first 200, and resident memory."""
from __future__ import annotations

import json
import time
import urllib.request

from pipedrive_mock import Store

from .report import fmt, heading, table
from .servers import TOKEN, Server, start_python, wait_ready

SIZES = (10_000, 100_000)
READY_PATH = "/api/v2/activities/1"
START_TIMEOUT_SECONDS = 120
WALK_LIMIT = 500


def _walk_all(server: Server) -> int:
    """Every activity served once (fills each record's cached JSON), page by page; the pages seen."""
    cursor, pages = None, 0
    while True:
        url = f"{server.url}/api/v2/activities?limit={WALK_LIMIT}" + (f"&cursor={cursor}" if cursor else "")
        request = urllib.request.Request(url, headers={"x-api-token": TOKEN})
        with urllib.request.urlopen(request, timeout=30) as response:
            cursor = json.load(response)["additional_data"]["next_cursor"]
        pages += 1
        if not cursor:
            return pages


def _seed_seconds(size: int) -> float:
    """Seconds to build a store seeded with `size` activities, in this process (best of two)."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        Store.default(activities=size)
        best = min(best, time.perf_counter() - started)
    return best


def run() -> dict[str, float]:
    heading("3. Seeding and readiness of `python -m mockserver serve`, and resident memory")
    figures: dict[str, float] = {}
    for size in SIZES:
        figures[f"seed {size}"] = _seed_seconds(size)
        args = ["-m", "pipedrive_mock", "serve", "--port", "0", "--activities", str(size)]
        with start_python(f"mock {size}", args, START_TIMEOUT_SECONDS) as server:
            figures[f"ready {size}"] = wait_ready(server, READY_PATH, START_TIMEOUT_SECONDS)
            figures[f"rss {size}"] = server.rss_mb()
            if size == SIZES[-1]:
                _walk_all(server)
                figures[f"rss {size} served"] = server.rss_mb()
    rows = [[f"{size:,}", fmt(figures[f"seed {size}"]), f"{size / figures[f'seed {size}']:,.0f}",
             fmt(figures[f"ready {size}"]), fmt(figures[f"rss {size}"], 0),
             fmt(figures.get(f"rss {size} served"), 0)] for size in SIZES]
    table(["activities", "seeding in-process, s", "activities/s", "start to first 200, s", "RSS when ready, MB",
           "RSS after serving every activity, MB"], rows)
    return figures
