"""The dashboard's load time in a real headless Chromium: each view with 100,000 activities (100 of them
deleted) and a full journal of 1,000 entries, as a ratio against the same view of an empty mock (no
activities, no journal) in the same run.

A load is a fresh browser tab from navigation to the view's first data on screen (the view marks itself
loaded once its first reads of the control API are drawn). Rounds alternate between the two servers so load
from elsewhere on the machine hits both alike; the median of the rounds is reported.

Then what an open page costs the API: get-one (wrk or hey, as in section 1) on the full mock with no page
open, and with the Requests view open, live (polling every 2 s), in alternating rounds: the server's CPU per
request is judged; throughput is shown (on 2 cores the browser competes with the load tool for them).

    python -m benchmarks.dashboard [--rounds 7]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

import requests

from . import load
from .report import Target, at_most, fmt, heading, ratio, table
from .servers import ROOT, TOKEN, Server, start_python, wait_ready

ACTIVITIES = 100_000
DELETED = 100
JOURNAL = 1_000
VIEWS = ("requests", "data", "controls")
ROUNDS = 9
START_TIMEOUT = 120
# A view with this much data may take at most this many times as long to load as on an empty mock.
MAX_RATIO = 2.0
# The server's CPU per API request with the page open, polling, against none open (the browser itself
# takes CPU from the load tool on a small machine, so throughput is shown but not judged).
MAX_OPEN_CPU_RATIO = 1.1
LOAD_ROUNDS = 3


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


def _open_cost(browser: Any, server: Server) -> dict[str, float]:
    """get-one requests/s with no page open and with the live Requests view open, median of alternating rounds."""
    if load.tool() is None:
        print("  skipped the open-page cost: neither wrk nor hey is installed", flush=True)
        return {}
    scenario = load.SCENARIOS[0]
    closed, opened, polls = [], [], 0
    for _ in range(LOAD_ROUNDS):
        closed.append(load.measure(server.url, scenario, cpu=server.cpu_seconds))
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(f"{server.url}/_mock/ui/#requests")
        page.wait_for_selector("#view-requests[data-loaded=true]", state="attached", timeout=60_000)
        opened.append(load.measure(server.url, scenario, cpu=server.cpu_seconds))
        polls = page.evaluate("performance.getEntriesByType('resource').filter(e => e.name.includes('/_mock/')).length")
        context.close()
    closed_median, opened_median = load.median(closed), load.median(opened)
    table(["get-one", "requests/s", "server CPU per request (us)"],
          [["no page open", fmt(closed_median.requests_per_second, 0), fmt(closed_median.cpu_us_per_request, 0)],
           ["Requests view open, live", fmt(opened_median.requests_per_second, 0),
            fmt(opened_median.cpu_us_per_request, 0)]])
    print(f"  the open page made {polls} control-API calls in its last round ({load.ROUND_SECONDS} s of load)",
          flush=True)
    return {"closed rps": closed_median.requests_per_second, "open rps": opened_median.requests_per_second,
            "closed cpu us": closed_median.cpu_us_per_request or 0.0,
            "open cpu us": opened_median.cpu_us_per_request or 0.0}


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
            figures: dict[str, float] = {key: statistics.median(values) for key, values in samples.items()}
            fastest = {key: min(values) for key, values in samples.items()}
            table(["view", "empty mock (ms)", "full mock (ms)", "ratio", "fastest: empty / full (ms)"],
                  [[view, fmt(figures[f"empty {view}"], 1), fmt(figures[f"full {view}"], 1),
                    fmt(ratio(figures[f"full {view}"], figures[f"empty {view}"])),
                    f"{fmt(fastest[f'empty {view}'], 1)} / {fmt(fastest[f'full {view}'], 1)}"] for view in VIEWS])
            figures.update(_open_cost(browser, servers["full"]))
    finally:
        for server in servers.values():
            server.stop()
    return figures


def targets(figures: dict[str, float]) -> list[Target]:
    return [Target(f"dashboard {view} view load, full vs empty mock",
                   ratio(figures.get(f"full {view}"), figures.get(f"empty {view}")), MAX_RATIO, "x", at_most,
                   "6. dashboard") for view in VIEWS] + [
        Target("server CPU per get-one, dashboard open vs closed", ratio(figures.get("open cpu us"),
               figures.get("closed cpu us")), MAX_OPEN_CPU_RATIO, "x", at_most, "6. dashboard")]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    from .report import print_targets
    return 1 if print_targets(targets(run(args.rounds))) else 0


if __name__ == "__main__":
    sys.exit(main())
