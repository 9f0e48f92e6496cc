"""3. `mockserver serve`: seconds from start to the first 200, and resident memory."""
from __future__ import annotations

import json
import time
import urllib.request

from pipedrive_mock import Store

from .report import fmt, heading, table
from .servers import TOKEN, Server, start_python, wait_ready

SIZES = (10_000, 100_000, 1_000_000)
SERVED = (100_000, 1_000_000)  # sizes whose every activity is served once, then memory read
READY_PATH = "/api/v2/activities/1"
START_TIMEOUT_SECONDS = 180
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


def _seed_seconds(size: int) -> tuple[float, float]:
    """Wall and CPU seconds to build a store seeded with `size` activities, in this process (best of
    two, one for a million). CPU time is printed too: on a shared machine the wall clock also counts
    the time other processes held the cores. The store is dropped after the clocks are read: freeing
    it (0.03 s at 100,000) is not seeding."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(2 if size < 1_000_000 else 1):
        started, cpu = time.perf_counter(), time.process_time()
        store = Store.default(activities=size)
        best, best_cpu = min(best, time.perf_counter() - started), min(best_cpu, time.process_time() - cpu)
        del store
    return best, best_cpu


def run() -> dict[str, float]:
    heading("3. Seeding and readiness of `python -m mockserver serve`, and resident memory")
    figures: dict[str, float] = {}
    for size in SIZES:
        figures[f"seed {size}"], figures[f"seed cpu {size}"] = _seed_seconds(size)
        args = ["-m", "pipedrive_mock", "serve", "--port", "0", "--activities", str(size)]
        with start_python(f"mock {size}", args, START_TIMEOUT_SECONDS) as server:
            figures[f"ready {size}"] = wait_ready(server, READY_PATH, START_TIMEOUT_SECONDS)
            figures[f"rss {size}"] = server.rss_mb()
            if size in SERVED:
                _walk_all(server)
                figures[f"rss {size} served"] = server.rss_mb()
    rows = [[f"{size:,}", fmt(figures[f"seed {size}"]), f"{size / figures[f'seed {size}']:,.0f}",
             f"{size / figures[f'seed cpu {size}']:,.0f}", fmt(figures[f"ready {size}"]), fmt(figures[f"rss {size}"], 0),
             fmt(figures.get(f"rss {size} served"), 0)] for size in SIZES]
    table(["activities", "seeding in-process, s", "activities/s", "activities/CPU-s", "start to first 200, s",
           "memory when ready, MB", "memory after serving every activity, MB"], rows)
    return figures
