"""A bounded soak over real HTTP: many clients adding, updating, deleting and paging at once.

    python benchmarks/soak.py --seconds 120 --threads 16

Starts the mock (`python -m pipedrive_mock serve --port 0`, loopback only) unless `--url` names one, runs
the workload for at most `--seconds` and `--max-operations`, then checks what the clients saw:
no 5xx or unexpected status, no duplicate id, every pagination walk strictly ordered with no repeats
and with every never-deleted activity in it, and no lost write (each updater owns one field, so every
field must end at its owner's last write; every add is there, every delete took). Exit status 1 when
anything is off. The clients (workers and hostile ones) are clients.py's; the tests run the same
workload for a couple of seconds.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

if __package__ in (None, ""):  # `python benchmarks/soak.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from .clients import FIELDS, REQUEST_TIMEOUT, TOKEN, Hostile, Worker  # noqa: E402

SHARED_ACTIVITIES = 8
MAX_ERRORS_KEPT = 20
IDS_PER_QUERY = 100
STARTUP_TIMEOUT = 60
SERVER_PIDS: list[int] = []  # of the servers mock_server started, for their peak memory
URL_LINE = re.compile(r"(http://\S+?:\d+)")


@dataclass
class Report:
    operations: int = 0
    threads: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    duplicate_ids: int = 0
    walk_violations: list[str] = field(default_factory=list)
    lost_writes: int = 0
    lost: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items()))
        return (f"operations: {self.operations} ({kinds}); threads: {self.threads}; "
                f"duration: {self.seconds:.1f} s; errors: {self.error_count}; "
                f"duplicate ids: {self.duplicate_ids}; walk violations: {len(self.walk_violations)}; "
                f"lost writes: {self.lost_writes}")

    @property
    def clean(self) -> bool:
        return not (self.error_count or self.duplicate_ids or self.walk_violations or self.lost_writes)


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory of a process (Linux VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _prepare(base_url: str) -> list[int]:
    with requests.Session() as session:
        session.headers["x-api-token"] = TOKEN
        return [session.post(f"{base_url}/api/v2/activities", json={"subject": f"shared {i}"},
                             timeout=REQUEST_TIMEOUT).json()["data"]["id"] for i in range(SHARED_ACTIVITIES)]


def _check_final_state(base_url: str, workers: list[Worker], report: Report) -> None:
    session = requests.Session()
    session.headers["x-api-token"] = TOKEN
    for worker in workers:
        for activity_id, value in worker.last.items():
            if activity_id in worker.unsure:
                continue
            got = session.get(f"{base_url}/api/v2/activities/{activity_id}",
                              timeout=REQUEST_TIMEOUT).json()["data"][worker.owned_field]
            if got != value:
                report.lost.append(f"activity {activity_id} {worker.owned_field}: {got!r}, last write {value!r}")
        ids = sorted(worker.added)
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start:start + IDS_PER_QUERY]
            listed = {a["id"]: a["subject"] for a in session.get(
                f"{base_url}/api/v2/activities", params={"ids": ",".join(map(str, chunk)), "limit": IDS_PER_QUERY},
                timeout=REQUEST_TIMEOUT).json()["data"]}
            for activity_id in chunk:
                if activity_id in worker.deleted and activity_id in listed:
                    report.lost.append(f"activity {activity_id}: deleted but still listed")
                elif activity_id not in worker.deleted and listed.get(activity_id) != worker.added[activity_id]:
                    report.lost.append(f"activity {activity_id}: added but missing or changed")
    report.lost_writes = len(report.lost)


def run_workload(base_url: str, seconds: float, threads: int, max_operations: int, hostile: int = 0) -> Report:
    """Run the mixed workload (and `hostile` hostile clients beside it) and check everything the clients saw."""
    shared = _prepare(base_url)
    budget = iter(range(max_operations))  # next() on a range iterator is atomic under the GIL
    fields = list(FIELDS)
    started = time.monotonic()
    workers = [Worker(i, base_url, shared, started + seconds, budget, fields[i] if i < len(fields) else None)
               for i in range(threads)]
    attackers = [Hostile(i, base_url, started + seconds, budget) for i in range(hostile)]
    for worker in [*workers, *attackers]:
        worker.start()
    for worker in [*workers, *attackers]:
        worker.join()
    report = Report(threads=threads + hostile, seconds=time.monotonic() - started)
    all_added = [activity_id for w in workers for activity_id in w.added]
    report.duplicate_ids = len(all_added) + len(shared) - len(set(all_added) | set(shared))
    for worker in [*workers, *attackers]:  # type: ignore[list-item]
        for kind, count in worker.by_kind.items():
            report.by_kind[kind] = report.by_kind.get(kind, 0) + count
        report.error_count += len(worker.errors)
        report.errors += worker.errors[:MAX_ERRORS_KEPT - len(report.errors)]
        report.walk_violations += getattr(worker, "walk_violations", [])
    report.operations = sum(report.by_kind.values())
    _check_final_state(base_url, workers, report)
    return report


@contextmanager
def mock_server(activities: int = 200, threads: int = 8) -> Iterator[str]:
    """A mock in a subprocess on 127.0.0.1 and a free port; yields its base URL; ends it by its PID."""
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "pipedrive_mock", "serve", "--host", "127.0.0.1", "--port", "0",
         "--activities", str(activities), "--threads", str(threads)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(root)})
    SERVER_PIDS.append(process.pid)
    try:
        line = process.stdout.readline() if process.stdout else ""  # the server prints its URL first
        found = URL_LINE.search(line)
        if found is None:
            raise RuntimeError(f"the mock did not start: {line!r}")
        # Keep reading what the server prints, so a full pipe never blocks it.
        threading.Thread(target=process.stdout.read, daemon=True).start()  # type: ignore[union-attr]
        yield found.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STARTUP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to run (default 120)")
    parser.add_argument("--threads", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--max-operations", type=int, default=1_000_000, help="stop after this many calls")
    parser.add_argument("--url", help="base URL of a running mock (default: start one on 127.0.0.1)")
    parser.add_argument("--hostile", type=int, default=0, help="hostile client threads beside the workload "
                        "(oversized and junk bodies, slow clients, big heads, crafted cursors, clock moves)")
    args = parser.parse_args(argv)
    peak = None
    if args.url:
        report = run_workload(args.url.rstrip("/"), args.seconds, args.threads, args.max_operations, args.hostile)
    else:
        with mock_server() as url:
            report = run_workload(url, args.seconds, args.threads, args.max_operations, args.hostile)
            peak = peak_rss_mb(SERVER_PIDS[-1])
    print(report.summary() + (f"; server peak RSS: {peak:.0f} MB" if peak is not None else ""))
    for problem in [*report.errors, *report.walk_violations, *report.lost[:MAX_ERRORS_KEPT]]:
        print("  ", problem)
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
