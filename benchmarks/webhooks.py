"""7. Webhooks: add throughput with 3 subscribed webhooks (two live receivers, one dead) as a ratio of the
same server with none, and the resident memory of a 60 s soak of updates with dead receivers.

    python -m benchmarks.webhooks            # or: python -m benchmarks --only webhooks

One mock (`mockserver serve`, uvicorn, deliveries on its loop) and two receivers (benchmarks/receiver.py),
each its own process on 127.0.0.1. Rounds with and without the webhooks alternate on the same server, so
both see the same store and the same machine. The dead receivers: a port nothing listens on (refused at
once), and, in the soak, a socket that accepts connections and never answers (each attempt waits out the
10 s timeout, so its queue fills to its bound and further events are dropped).
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from typing import Any

import orjson

from . import load
from .report import fmt, heading, ratio, table
from .servers import HOST, TOKEN, Server, free_port, python_env, start_python

ROUNDS = 3
ROUND_SECONDS = 3
SOAK_SECONDS = 60
SOAK_SAMPLE_SECONDS = 5
SETTLED_SECONDS = 15  # queues fill and the log ring wraps in the first seconds; growth is judged after
START_TIMEOUT_SECONDS = 60
ACTIVITIES = 1000
ADD = load.SCENARIOS[2]
# The soak updates one activity over and over: the store keeps its size, so what RSS does is the webhooks'.
UPDATE = load.Scenario("update", "PATCH", "/api/v2/activities/500", {"subject": "Soaked", "busy": True})


def _call(url: str, method: str = "GET", body: Any = None) -> Any:
    data = orjson.dumps(body) if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"x-api-token": TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return orjson.loads(response.read())


def _subscribe(mock: Server, url: str) -> int:
    body = {"subscription_url": url, "event_action": "*", "event_object": "activity", "name": "benchmark"}
    return _call(f"{mock.url}/v1/webhooks", "POST", body)["data"]["id"]


def _unsubscribe_all(mock: Server) -> None:
    for webhook in _call(f"{mock.url}/v1/webhooks")["data"]:
        _call(f"{mock.url}/v1/webhooks/{webhook['id']}", "DELETE")


def _receiver() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.receiver", "--port", "0"], text=True,
                               env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line.rsplit(" ", 1)[-1].strip()


def _count(receiver_url: str) -> int:
    with urllib.request.urlopen(receiver_url.rsplit("/", 1)[0] + "/count", timeout=10) as response:
        return int(response.read())


def _black_hole(stack: ExitStack) -> str:
    """A port that takes connections and never answers (they wait in its backlog)."""
    sock = stack.enter_context(socket.socket())
    sock.bind((HOST, 0))
    sock.listen(4096)
    return f"http://{HOST}:{sock.getsockname()[1]}/hole"


def throughput(mock: Server, live: list[str], dead: str) -> dict[str, Any]:
    """Median add rate without webhooks and with three, rounds alternating; the share of the adds of a
    round each live receiver took (median)."""
    none: list[load.Result] = []
    hooked: list[load.Result] = []
    taken: list[float] = []
    load.measure(mock.url, ADD, load.WARMUP_SECONDS)
    for _ in range(ROUNDS):
        _unsubscribe_all(mock)
        none.append(load.measure(mock.url, ADD, ROUND_SECONDS, cpu=mock.cpu_seconds))
        for url in (*live, dead):
            _subscribe(mock, url)
        before = [_count(url) for url in live]
        result = load.measure(mock.url, ADD, ROUND_SECONDS, cpu=mock.cpu_seconds)
        hooked.append(result)
        time.sleep(1)  # the deliveries of the last adds land
        adds = result.requests_per_second * ROUND_SECONDS
        taken.append(min((_count(url) - b) / adds for url, b in zip(live, before)) if adds else 0.0)
    _unsubscribe_all(mock)
    return {"none": load.median(none), "hooked": load.median(hooked), "taken": sorted(taken)[len(taken) // 2]}


def soak(mock: Server, dead: list[str]) -> list[tuple[float, float]]:
    """(seconds, resident MB) every few seconds over a soak of updates with only dead receivers subscribed."""
    for url in dead:
        _subscribe(mock, url)
    samples = [(0.0, mock.rss_mb())]
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < SOAK_SECONDS:
        load.measure(mock.url, UPDATE, SOAK_SAMPLE_SECONDS)
        samples.append((round(time.monotonic() - started, 1), mock.rss_mb()))
    return samples


def run() -> dict[str, Any]:
    heading("7. Webhooks: add throughput with 3 webhooks (2 live, 1 dead) vs none; RSS over a 60 s soak of "
            "updates with 2 dead receivers (one refusing, one never answering)")
    if load.tool() is None:
        print("  neither wrk nor hey is installed: skipped", flush=True)
        return {}
    with ExitStack() as stack:
        receivers = [_receiver() for _ in range(2)]
        for process, _ in receivers:
            stack.callback(_stop, process)
        live = [url for _, url in receivers]
        refused = f"http://{HOST}:{free_port()}/dead"
        mock = start_python("mock/uvicorn", ["-m", "pipedrive_mock", "serve", "--port", "0", "--activities",
                                             str(ACTIVITIES)], START_TIMEOUT_SECONDS)
        stack.callback(mock.stop)
        rates = throughput(mock, live, refused)
        log = _call(f"{mock.url}/_mock/webhooks/deliveries")["deliveries"]
        samples = soak(mock, [refused, _black_hole(stack)])
    none, hooked = rates["none"], rates["hooked"]
    table(["webhooks", "adds/s", "CPU us/add", "failures"],
          [["none", fmt(none.requests_per_second), fmt(none.cpu_us_per_request), str(none.failures)],
           ["3 (2 live, 1 dead)", fmt(hooked.requests_per_second), fmt(hooked.cpu_us_per_request),
            str(hooked.failures)]])
    outcomes = {kind: sum(1 for e in log if e["outcome"] == kind) for kind in ("delivered", "failed", "dropped")}
    print(f"  each live receiver took {rates['taken']:.0%} of the adds of its round within 1 s; the last "
          f"{len(log)} log entries: {outcomes}")
    table(["soak s", "RSS MB"], [[f"{s:.0f}", f"{mb:.1f}"] for s, mb in samples])
    settled = [mb for s, mb in samples if s >= SETTLED_SECONDS]
    growth = (settled[-1] - settled[0]) if len(settled) > 1 else None
    print(f"  RSS from {SETTLED_SECONDS} s to the end: {fmt(settled[0]) if settled else '-'} -> "
          f"{fmt(settled[-1]) if settled else '-'} MB")
    return {"ratio": ratio(hooked.requests_per_second, none.requests_per_second),
            "taken": rates["taken"], "growth_mb": growth, "samples": samples}


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()


if __name__ == "__main__":
    figures = run()
    print(f"\nwebhook ratio {figures.get('ratio')}, RSS growth {figures.get('growth_mb')} MB")
