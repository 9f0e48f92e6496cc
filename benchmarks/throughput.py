"""1. HTTP throughput: our mock (`mockserver serve`, on uvicorn, its default) vs the bare-Flask floor on the
same server vs Prism; and both on waitress (`--server waitress`, threaded).

`--access-log` on vs off: the two are the same server but for the log, and are loaded back to back in every
round (first one, then the other, in turn), so that a change of the load from elsewhere on the machine, which
moves a figure by a third from one second to the next here, falls on both alike; a third, identical server
without the log (the twin) is loaded beside them for get-one, and its ratio to the mock, printed beside the
access log's, is what the noise of the run alone gives. Every server's standard output is a pipe read by a
thread of this process (servers.py), as a log collector would read it: for the server without the log it
carries nothing after the announce line, and for the one with it the reader cost this process about 0.5 us
a request (getrusage over a round, 4-5 ms of CPU in 2 s), next to the server's ~150-200 us: it takes no
CPU the servers would have had to speak of. The server writes its lines from a thread of its own
(accesslog.py), so a reader that falls behind holds up no request.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from pipedrive_mock import ADMIN_TOKEN, create_app

from . import load
from .report import fmt, heading, ratio, table
from .servers import ROOT, Server, free_port, start_command, start_python, wait_ready

ACTIVITIES = 1000
PEER_DIR = ROOT / "benchmarks" / ".peer"
PRISM = PEER_DIR / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5.14"
START_TIMEOUT_SECONDS = 60
MOCK = "mock/uvicorn"  # what `mockserver serve` runs by default: the targets judge it
FLOOR = "floor/uvicorn"
PEER = "prism"
MOCK_WAITRESS = "mock/waitress"  # `mockserver serve --server waitress`, the fallback
FLOOR_WAITRESS = "floor/waitress"
MOCK_ACCESS_LOG = "mock/access-log"  # `mockserver serve --access-log`, its lines read from a pipe
MOCK_TWIN = "mock/uvicorn, twin"  # the mock again: loaded beside it for get-one, the run's own noise
BESIDE_MOCK = (MOCK_ACCESS_LOG, MOCK_TWIN)  # loaded right before or after the mock in every round
# The deletes need live activities to delete: the mock for them is seeded with this many (its own
# server, loaded only by the delete scenario, in the mock/uvicorn column).
DELETE_POOL = load.DELETE_RUNS * load.THREADS * load.DELETE_IDS_PER_THREAD
MOCK_DELETES = "mock/uvicorn, deletes"
FLOOR_KEYS = {"get-one": "get", "list (100 items)": "list", "add": "add", "update": "update", "delete": "delete"}

Rates = dict[tuple[str, str], load.Result]


def floor_bodies() -> dict[str, str]:
    """The mock's own response bodies for each scenario, for the floor to return precomputed."""
    client = create_app(activities=ACTIVITIES).test_client()
    headers = {"x-api-token": ADMIN_TOKEN}
    bodies = {}
    for scenario in load.SCENARIOS:
        key = FLOOR_KEYS[scenario.name]
        response = client.open(scenario.path, method=scenario.method, json=scenario.body, headers=headers)
        assert response.status_code == 200, response.data
        bodies[key] = response.get_data(as_text=True)
    return bodies


def prism_ready() -> str | None:
    """Why Prism cannot run, or None once it is installed in benchmarks/.peer (git-ignored)."""
    if PRISM.exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not available: Prism skipped"
    print(f"  installing {PRISM_PACKAGE} into {PEER_DIR.relative_to(ROOT)} ...", flush=True)
    done = subprocess.run([npm, "install", "--silent", "--prefix", str(PEER_DIR), PRISM_PACKAGE],
                          capture_output=True, text=True, timeout=300)
    return None if done.returncode == 0 and PRISM.exists() else f"npm install failed: Prism skipped ({done.stderr[-200:]})"


def _starters(bodies_file: Path) -> dict[str, Callable[[], Server]]:
    def python(name: str, *args: str) -> Callable[[], Server]:
        return lambda: start_python(name, list(args), START_TIMEOUT_SECONDS)

    def prism() -> Server:
        port = free_port()
        return start_command(PEER, [str(PRISM), "mock", str(ROOT / "openapi.yaml"), "-h", "127.0.0.1",
                                    "-p", str(port), "-v", "silent", "--errors", "false"], port)

    serve = ("-m", "pipedrive_mock", "serve", "--port", "0", "--activities", str(ACTIVITIES))
    floor = ("-m", "benchmarks.serve", "--bodies", str(bodies_file), "--server")
    starters = {MOCK: python(MOCK, *serve, "--server", "uvicorn"), FLOOR: python(FLOOR, *floor, "uvicorn")}
    reason = prism_ready()
    if reason is None:
        starters[PEER] = prism
    else:
        print(f"  {reason}", flush=True)
    starters[MOCK_WAITRESS] = python(MOCK_WAITRESS, *serve, "--server", "waitress")
    starters[FLOOR_WAITRESS] = python(FLOOR_WAITRESS, *floor, "waitress")
    starters[MOCK_ACCESS_LOG] = python(MOCK_ACCESS_LOG, *serve, "--server", "uvicorn", "--access-log")
    starters[MOCK_TWIN] = python(MOCK_TWIN, *serve, "--server", "uvicorn")
    if load.tool() == "wrk":
        starters[MOCK_DELETES] = python(MOCK_DELETES, "-m", "pipedrive_mock", "serve", "--port", "0",
                                        "--activities", str(DELETE_POOL))
    return starters


def _loaded(servers: dict[str, Server], scenario: load.Scenario) -> dict[str, Server]:
    """The servers a scenario loads, by the name its figures go under. Deletes go to the mock seeded
    for them, and only the targets' servers take them (a delete of a deleted activity is a 404)."""
    if scenario.script is not None and load.tool() != "wrk":
        return {}
    if scenario.name == "delete":
        chosen = {MOCK: servers.get(MOCK_DELETES), FLOOR: servers.get(FLOOR), PEER: servers.get(PEER)}
        return {name: server for name, server in chosen.items() if server is not None}
    left_out = {MOCK_DELETES} if scenario.name == load.SCENARIOS[0].name else {MOCK_DELETES, MOCK_TWIN}
    return {name: server for name, server in servers.items() if name not in left_out}


def _order(names: list[str], round_number: int) -> list[str]:
    """The servers in the order a round loads them: turned by one each round, with those BESIDE_MOCK right
    before and after the mock, changing sides each round."""
    beside = [name for name in names if name in BESIDE_MOCK]
    rest = [name for name in names if name not in BESIDE_MOCK]
    turn = round_number % len(rest)
    order = rest[turn:] + rest[:turn]
    if MOCK in order and beside:
        group = [*beside[:1], MOCK, *beside[1:]]
        at = order.index(MOCK)
        order[at:at + 1] = group[::-1] if round_number % 2 else group
    return order


def run() -> Rates:
    heading(f"1. HTTP throughput, requests/s ({load.tool()}, {load.THREADS} threads, {load.CONNECTIONS} "
            f"connections, median of {load.ROUNDS} interleaved {load.ROUND_SECONDS} s rounds, 127.0.0.1, "
            f"mock seeded with {ACTIVITIES})")
    if load.tool() is None:
        print("  neither wrk nor hey is installed (apt-get install wrk): HTTP throughput skipped")
        return {}
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        bodies_file = Path(folder) / "bodies.json"
        bodies = floor_bodies()
        bodies_file.write_text(json.dumps(bodies))
        print("  body bytes: " + ", ".join(f"{k} {len(v.encode())}" for k, v in bodies.items()), flush=True)
        servers = {}
        for name, start in _starters(bodies_file).items():
            servers[name] = stack.enter_context(start())
            wait_ready(servers[name], load.SCENARIOS[0].path, START_TIMEOUT_SECONDS)
        rates = _interleaved(servers)
    _print(rates)
    return rates


def _interleaved(servers: dict[str, Server]) -> Rates:
    """Every server loaded in turn, round after round, so a burst of load from elsewhere on the
    machine hits them alike; the median round counts. Idle servers wait without using the CPU."""
    rounds: dict[tuple[str, str], list[load.Result]] = {}
    for scenario in load.SCENARIOS:
        loaded = _loaded(servers, scenario)
        names = list(loaded)
        for name in names:
            load.measure(loaded[name].url, scenario, load.WARMUP_SECONDS)
            rounds[(name, scenario.name)] = []  # the tables' columns in the servers' order
        for round_number in range(load.ROUNDS):
            for name in _order(names, round_number):
                result = load.measure(loaded[name].url, scenario, cpu=loaded[name].cpu_seconds)
                rounds[(name, scenario.name)].append(result)
    return {key: load.median(results) for key, results in rounds.items()}


def _print(rates: Rates) -> None:
    servers = [name for name in dict.fromkeys(name for name, _ in rates)]
    rows = []
    for scenario in load.SCENARIOS:
        def rate(server: str) -> float | None:
            result = rates.get((server, scenario.name))
            return result.requests_per_second if result else None
        failures = ", ".join(f"{name} {r.failures}" for (name, s), r in rates.items()
                             if s == scenario.name and r.failures) or "0"
        rows.append([scenario.name, *(fmt(rate(s), 0) for s in servers),
                     fmt(ratio(rate(MOCK), rate(FLOOR))), fmt(ratio(rate(MOCK), rate(PEER))),
                     fmt(ratio(rate(MOCK_WAITRESS), rate(FLOOR_WAITRESS))), fmt(ratio(rate(MOCK_WAITRESS), rate(PEER))),
                     fmt(ratio(rate(MOCK_ACCESS_LOG), rate(MOCK))), failures])
    table(["requests/s", *servers, "mock/floor", "mock/prism", "waitress mock/floor", "waitress mock/prism",
           "access-log on/off", "non-2xx"], rows)

    def cell(server: str, scenario: load.Scenario, name: str, digits: int) -> str:
        result = rates.get((server, scenario.name))
        return fmt(getattr(result, name) if result else None, digits)
    rows = [[scenario.name, *(cell(s, scenario, "cpu_us_per_request", 0) for s in servers)]
            for scenario in load.SCENARIOS]
    table(["server CPU us/request", *servers], rows)
    rows = [[scenario.name, *(f"{cell(s, scenario, 'p50_ms', 2)} / {cell(s, scenario, 'p99_ms', 2)}"
                              for s in servers)] for scenario in load.SCENARIOS]
    table(["latency ms, median / p99", *servers], rows)
    def get_one(server: str) -> float | None:
        result = rates.get((server, load.SCENARIOS[0].name))
        return result.requests_per_second if result else None
    print(f"  (get-one: access-log on/off {fmt(ratio(get_one(MOCK_ACCESS_LOG), get_one(MOCK)))}; the same server "
          f"twice, {MOCK_TWIN} vs {MOCK}, {fmt(ratio(get_one(MOCK_TWIN), get_one(MOCK)))}: the noise of this run "
          f"alone)", flush=True)
    print(f"  (deletes: the mock/uvicorn column is a mock seeded with {DELETE_POOL:,} activities, each request "
          f"deleting the next live one)", flush=True)
