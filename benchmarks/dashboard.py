"""The dashboard's load time in a real headless Chromium: each view with 100,000 activities (100 of them
deleted) and a full journal of 1,000 entries, as a ratio against the same view of an empty mock (no
activities, no journal) in the same run.

A load is a fresh browser tab from navigation to the view's first data on screen (the view marks itself
loaded once its first reads of the control API are drawn). Rounds alternate between the two servers so load
from elsewhere on the machine hits both alike; the median of the rounds is reported.

    python -m benchmarks.dashboard [--rounds 7]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

import requests

from .report import Target, at_most, fmt, heading, ratio, table
from .servers import ROOT, TOKEN, Server, start_python, wait_ready

ACTIVITIES = 100_000
DELETED = 100
JOURNAL = 1_000
VIEWS = ("requests", "data", "controls")
ROUNDS = 7
START_TIMEOUT = 120
# A view with this much data may take at most this many times as long to load as on an empty mock.
MAX_RATIO = 2.0


def _fill(server: Server) -> None:
    """DELETED deletes, then API calls (some the contract refuses) until the journal holds JOURNAL."""
    session = requests.Session()
    session.headers["x-api-token"] = TOKEN
    for activity_id in range(1, DELETED + 1):
        session.delete(f"{server.url}/api/v2/activities/{activity_id * 997}", timeout=10)
    calls = [("GET", "/api/v2/activities/42", None), ("GET", "/api/v2/activities?limit=100", None),
             ("POST", "/api/v2/activities", {"subject": "Benchmark", "type": "call"}),
             ("POST", "/api/v2/activities", {"subject": "Benchmark", "colour": "red"}),
             ("GET", "/api/v2/activities?limit=900", None)]
    for i in range(JOURNAL - DELETED):
        method, path, body = calls[i % len(calls)]
        session.request(method, server.url + path, json=body, timeout=10)
    held = requests.get(f"{server.url}/_mock/journal?limit=1", timeout=10).json()["held"]
    if held != JOURNAL:
        raise RuntimeError(f"the journal holds {held} entries, not {JOURNAL}")


def _load(browser: Any, url: str, view: str) -> float:
    """Milliseconds from navigation to the view's first data drawn, in a fresh tab."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    began = time.perf_counter()
    page.goto(f"{url}/_mock/ui/#{view}")
    page.wait_for_selector(f"#view-{view}[data-loaded=true]", state="attached", timeout=60_000)
    elapsed = (time.perf_counter() - began) * 1000
    context.close()
    return elapsed


def run(rounds: int = ROUNDS) -> dict[str, float]:
    """Median load milliseconds per view on the empty and the full mock ({"empty requests": ms, ...})."""
    heading(f"Dashboard load: {ACTIVITIES:,} activities and {JOURNAL:,} journal entries vs an empty mock")
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import chromium, chromium_path

    if chromium_path() is None:
        print("  skipped: Chromium is not installed (apt-get install chromium)", flush=True)
        return {}
    servers = {"empty": start_python("empty", ["-m", "pipedrive_mock", "serve", "--port", "0", "--activities",
                                               "0"], START_TIMEOUT),
               "full": start_python("full", ["-m", "pipedrive_mock", "serve", "--port", "0", "--activities",
                                             str(ACTIVITIES)], START_TIMEOUT)}
    try:
        for server in servers.values():
            wait_ready(server, "/api/v2/activities/1" if server.name == "full" else "/_mock/clock", START_TIMEOUT)
        _fill(servers["full"])
        samples: dict[str, list[float]] = {f"{name} {view}": [] for name in servers for view in VIEWS}
        with chromium() as browser:
            for name, server in servers.items():  # a first load of each, not counted: caches warm alike
                _load(browser, server.url, "requests")
            for _ in range(rounds):
                for view in VIEWS:
                    for name, server in servers.items():
                        samples[f"{name} {view}"].append(_load(browser, server.url, view))
    finally:
        for server in servers.values():
            server.stop()
    figures = {key: statistics.median(values) for key, values in samples.items()}
    table(["view", "empty mock (ms)", "full mock (ms)", "ratio"],
          [[view, fmt(figures[f"empty {view}"], 1), fmt(figures[f"full {view}"], 1),
            fmt(ratio(figures[f"full {view}"], figures[f"empty {view}"]))] for view in VIEWS])
    return figures


def targets(figures: dict[str, float]) -> list[Target]:
    return [Target(f"dashboard {view} view load, full vs empty mock",
                   ratio(figures.get(f"full {view}"), figures.get(f"empty {view}")), MAX_RATIO, "x", at_most,
                   "6. dashboard") for view in VIEWS]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    from .report import print_targets
    return 1 if print_targets(targets(run(args.rounds))) else 0


if __name__ == "__main__":
    sys.exit(main())
