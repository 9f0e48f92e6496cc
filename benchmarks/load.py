"""HTTP load with wrk (or hey when wrk is missing): fixed duration, bounded connections, loopback only."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .servers import TOKEN

ROUND_SECONDS = 2
ROUNDS = 3
WARMUP_SECONDS = 1
THREADS = 2
CONNECTIONS = 16
RUN_TIMEOUT_SECONDS = 60
ADD_BODY = {"subject": "Benchmark call", "type": "call", "due_date": "2025-06-01", "owner_id": 1}
UPDATE_BODY = {"subject": "Benchmark update", "done": True}
# A delete must find a live activity: each run of wrk against a server gets its own block of ids, and each
# wrk thread its own part of the block, deleted one after another (a mock seeded with enough of them:
# throughput.DELETE_POOL). A part holds more deletes than a thread makes in a round.
DELETE_IDS_PER_THREAD = 25_000
DELETE_RUNS = 6  # warm-up and rounds, with room to spare
DELETE_SCRIPT = f"""
local threads = 0
function setup(thread)
  thread:set("part", threads)
  threads = threads + 1
end
function init(args)
  next_id = tonumber(args[1]) + part * {DELETE_IDS_PER_THREAD}
end
function request()
  local path = "/api/v2/activities/" .. next_id
  next_id = next_id + 1
  return wrk.format("DELETE", path)
end
"""
_runs: dict[str, int] = {}  # runs of a scripted scenario so far, by server URL


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    script: str | None = None  # wrk's Lua, when each request differs (hey cannot: the scenario is skipped)


SCENARIOS = (
    Scenario("get-one", "GET", "/api/v2/activities/500"),
    Scenario("list (100 items)", "GET", "/api/v2/activities?limit=100"),
    Scenario("add", "POST", "/api/v2/activities", ADD_BODY),
    Scenario("update", "PATCH", "/api/v2/activities/500", UPDATE_BODY),
    Scenario("delete", "DELETE", "/api/v2/activities/1", script=DELETE_SCRIPT),
)


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    failures: int
    cpu_us_per_request: float | None = None
    p50_ms: float | None = None  # latency percentiles (wrk --latency)
    p99_ms: float | None = None


def tool() -> str | None:
    return "wrk" if shutil.which("wrk") else "hey" if shutil.which("hey") else None


def _wrk(url: str, scenario: Scenario, seconds: int) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency",
                   "-H", f"x-api-token: {TOKEN}"]
        if scenario.script is not None:
            script = Path(folder) / "script.lua"
            script.write_text(scenario.script)
            command += ["-s", str(script)]
        elif scenario.body is not None:
            script = Path(folder) / "post.lua"
            script.write_text(f'wrk.method = "{scenario.method}"\n'
                              f"wrk.body = [[{json.dumps(scenario.body)}]]\n"
                              'wrk.headers["Content-Type"] = "application/json"\n')
            command += ["-s", str(script)]
        target = [url + scenario.path]
        if scenario.script is not None:  # the first id of this run's block
            run = _runs[url] = _runs.get(url, -1) + 1
            target += ["--", str(1 + run * THREADS * DELETE_IDS_PER_THREAD)]
        out = subprocess.run([*command, *target], capture_output=True, text=True,
                             timeout=RUN_TIMEOUT_SECONDS, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Result(rate, (int(failed.group(1)) if failed else 0)
                  + (sum(int(n) for n in errors.groups()) if errors else 0),
                  p50_ms=_percentile(out, "50%"), p99_ms=_percentile(out, "99%"))


def _percentile(out: str, which: str) -> float | None:
    """A latency percentile of wrk's --latency distribution, in ms."""
    match = re.search(rf"^\s+{which}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if match is None:
        return None
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]


def _hey(url: str, scenario: Scenario, seconds: int) -> Result:
    command = ["hey", "-z", f"{seconds}s", "-c", str(CONNECTIONS), "-m", scenario.method,
               "-H", f"x-api-token: {TOKEN}"]
    if scenario.body is not None:
        command += ["-T", "application/json", "-d", json.dumps(scenario.body)]
    out = subprocess.run([*command, url + scenario.path], capture_output=True, text=True,
                         timeout=RUN_TIMEOUT_SECONDS, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    statuses = re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)
    return Result(rate, sum(int(count) for status, count in statuses if not status.startswith("2")))


def measure(url: str, scenario: Scenario, seconds: int = ROUND_SECONDS,
            cpu: Callable[[], float] | None = None) -> Result:
    """Requests per second over `seconds`, and the server's CPU time per request when `cpu` reads it."""
    run = _wrk if tool() == "wrk" else _hey
    before = cpu() if cpu else 0.0
    result = run(url, scenario, seconds)
    if cpu is None or not result.requests_per_second:
        return result
    used = cpu() - before
    return replace(result, cpu_us_per_request=used / (result.requests_per_second * seconds) * 1e6)


def median(results: list[Result]) -> Result:
    def middle(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]
    def middle_of(name: str) -> float | None:
        values = [getattr(r, name) for r in results if getattr(r, name) is not None]
        return middle(values) if values else None
    return Result(middle([r.requests_per_second for r in results]), sum(r.failures for r in results),
                  middle_of("cpu_us_per_request"), middle_of("p50_ms"), middle_of("p99_ms"))
