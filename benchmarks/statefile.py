"""The cost of `--state-file` per write: add requests/s against a served mock with and without it.

Both servers run in this process's machine on loopback, one after the other, with the same seed and
size, and get the same bounded load (REQUESTS adds from CONCURRENCY clients). `hey` drives the load
when it is installed, else a thread pool of requests sessions. Prints both rates and their ratio.

    PYTHONPATH=. python benchmarks/statefile.py [--requests 2000] [--concurrency 8] [--activities 200]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "admin-token"
BODY = '{"subject": "Benchmark call", "type": "call"}'
ADD_PATH = "/api/v2/activities"
TIMEOUT_SECONDS = 60


def start(extra: list[str], activities: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0",
                                "--activities", str(activities), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = process.stdout.readline()  # type: ignore[union-attr]
    if "http://" not in line:
        process.kill()
        raise SystemExit(f"the mock did not start: {line!r}")
    return process, line.split()[3]


def load_with_hey(url: str, count: int, concurrency: int) -> float:
    output = subprocess.run(["hey", "-n", str(count), "-c", str(concurrency), "-m", "POST",
                             "-H", f"x-api-token: {TOKEN}", "-T", "application/json", "-d", BODY, url],
                            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=True).stdout
    statuses = output.split("Status code distribution:")[-1]
    if re.findall(r"\[(\d{3})\]", statuses) != ["200"]:
        raise SystemExit(f"some adds failed:\n{output}")
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))  # type: ignore[union-attr]


def load_with_threads(url: str, count: int, concurrency: int) -> float:
    sessions = [requests.Session() for _ in range(concurrency)]

    def add(i: int) -> int:
        return sessions[i % concurrency].post(url, data=BODY, timeout=TIMEOUT_SECONDS, headers={
            "x-api-token": TOKEN, "Content-Type": "application/json"}).status_code

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        statuses = set(pool.map(add, range(count)))
    elapsed = time.perf_counter() - began
    if statuses != {200}:
        raise SystemExit(f"some adds failed: statuses {sorted(statuses)}")
    return count / elapsed


def measure(extra: list[str], args: argparse.Namespace) -> float:
    process, base = start(extra, args.activities)
    try:
        load = load_with_hey if shutil.which("hey") and not args.threads else load_with_threads
        return load(base + ADD_PATH, args.requests, args.concurrency)
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT_SECONDS)


SECTION_SIZES = (1_000, 100_000)
# Adds per measurement: enough for a steady rate, few enough that a state file rewritten whole on
# every write (tens of megabytes at 100,000) still ends in seconds.
SECTION_REQUESTS = {(False, 1_000): 2000, (True, 1_000): 500, (False, 100_000): 2000, (True, 100_000): 40}


def run() -> dict[str, float]:
    """The benchmark's section: adds/s with and without --state-file at each size, and the ratio."""
    from .report import fmt, heading, ratio, table
    heading(f"6. --state-file: adds/s with and without it (8 clients, "
            f"{'hey' if shutil.which('hey') else 'thread pool'}; the same seeded mock each time)")
    figures: dict[str, float] = {}
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for size in SECTION_SIZES:
            rates = {}
            for with_file in (False, True):
                args = argparse.Namespace(requests=SECTION_REQUESTS[(with_file, size)], concurrency=8,
                                          activities=size, threads=False)
                extra = ["--state-file", str(Path(directory) / f"state-{size}.json")] if with_file else []
                rates[with_file] = measure(extra, args)
            figures[f"ratio {size}"] = ratio(rates[True], rates[False])  # type: ignore[assignment]
            rows.append([f"{size:,}", fmt(rates[False], 0), fmt(rates[True], 1), fmt(figures[f"ratio {size}"], 3)])
    table(["activities", "adds/s without", "adds/s with --state-file", "with/without"], rows)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--activities", type=int, default=200, help="activities seeded before the load")
    parser.add_argument("--threads", action="store_true", help="use the Python thread pool even if hey exists")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        without = measure([], args)
        with_file = measure(["--state-file", str(Path(directory) / "state.json")], args)
    driver = "thread pool" if args.threads or not shutil.which("hey") else "hey"
    print(f"{args.requests} adds, {args.concurrency} clients ({driver}), {args.activities} seeded activities")
    print(f"without --state-file: {without:8.1f} adds/s")
    print(f"with --state-file:    {with_file:8.1f} adds/s")
    print(f"ratio with/without:   {with_file / without:8.3f}")
    print(f"extra cost per write: {1000 / with_file - 1000 / without:8.2f} ms (throughput terms)")


if __name__ == "__main__":
    main()
