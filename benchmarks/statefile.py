"""The cost of `--state-file` per write: adds/s against a served mock with and without it.

Both servers run at once on loopback, seeded alike, and are loaded in turn with the http section's add
(wrk, or hey; 16 connections), rounds alternating so that load from elsewhere hits them alike; the
figure is the median of the rounds. Prints both rates, their ratio, the latency with the file (a write
waits for its fsync, shared with the writes beside it) and what the file and its log hold at the end.

    python -m benchmarks.statefile [--activities 1000] [--rounds 3] [--seconds 2]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION_SIZES = (1_000, 100_000)
ROUNDS = 3
START_TIMEOUT_SECONDS = 120


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


def _files(state: Path) -> str:
    """What the state file and its log segments hold, e.g. 'snapshot 0.9 MB, log 2 segments 3.1 MB'."""
    segments = [p for p in state.parent.glob(f"{state.name}.log.*")]
    log_mb = sum(p.stat().st_size for p in segments) / 1e6
    return f"snapshot {state.stat().st_size / 1e6:.1f} MB, log {len(segments)} segment(s) {log_mb:.1f} MB"


def compare(size: int, directory: Path, rounds: int = ROUNDS, seconds: int | None = None) -> dict[str, object]:
    """Adds/s without and with --state-file at `size` seeded activities: the medians, the ratio, latency."""
    from .load import ADD_BODY, ROUND_SECONDS, WARMUP_SECONDS, Scenario, measure, median

    scenario = Scenario("add", "POST", "/api/v2/activities", ADD_BODY)
    state = directory / f"state-{size}.json"
    servers = {False: start([], size), True: start(["--state-file", str(state)], size)}
    try:
        results: dict[bool, list] = {False: [], True: []}
        for with_file, (_, url) in servers.items():
            measure(url, scenario, WARMUP_SECONDS)
        for _ in range(rounds):
            for with_file, (_, url) in servers.items():
                results[with_file].append(measure(url, scenario, seconds or ROUND_SECONDS))
        held = {with_file: median(found) for with_file, found in results.items()}
        files = _files(state)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=START_TIMEOUT_SECONDS)
    failures = sum(r.failures for found in results.values() for r in found)
    return {"without": held[False].requests_per_second, "with": held[True].requests_per_second,
            "p50": held[True].p50_ms, "p99": held[True].p99_ms, "p50 without": held[False].p50_ms,
            "files": files, "failures": failures}


def run() -> dict[str, float]:
    """The benchmark's section: adds/s with and without --state-file at each size, and the ratio."""
    from .load import CONNECTIONS, tool
    from .report import fmt, heading, ratio, table
    heading(f"6. --state-file: adds/s with and without it ({tool()}, {CONNECTIONS} connections, median of "
            f"{ROUNDS} alternating rounds; both servers seeded alike)")
    figures: dict[str, float] = {}
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for size in SECTION_SIZES:
            found = compare(size, Path(directory))
            figures[f"ratio {size}"] = ratio(found["with"], found["without"])  # type: ignore[arg-type,assignment]
            rows.append([f"{size:,}", fmt(found["without"], 0), fmt(found["with"], 0),  # type: ignore[arg-type]
                         fmt(figures[f"ratio {size}"], 2),
                         f"{fmt(found['p50 without'], 1)} / {fmt(found['p50'], 1)} / {fmt(found['p99'], 1)}",  # type: ignore[arg-type]
                         str(found["failures"]), str(found["files"])])
    table(["activities", "adds/s without", "adds/s with --state-file", "with/without",
           "p50 without / p50 with / p99 with (ms)", "non-2xx", "at the end"], rows)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1_000, help="activities seeded before the load")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--seconds", type=int, default=None, help="seconds a round (default: the http section's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        found = compare(args.activities, Path(directory), args.rounds, args.seconds)
    print(f"{args.activities:,} seeded activities, median of {args.rounds} alternating rounds")
    print(f"without --state-file: {found['without']:8.0f} adds/s (p50 {found['p50 without']} ms)")
    print(f"with --state-file:    {found['with']:8.0f} adds/s (p50 {found['p50']} ms, p99 {found['p99']} ms)")
    print(f"ratio with/without:   {found['with'] / found['without']:8.2f}")  # type: ignore[operator]
    print(f"non-2xx: {found['failures']}; at the end: {found['files']}")


if __name__ == "__main__":
    main()
