"""5. Wall time of the contract suite at its quick and thorough profiles.

The contract suite is the tests of the contract tools and of the mock against its contracts: the files
tests/test_contract*.py and tests/test_control_contract.py, named on the command line (`-k contract`
also matched tests that only have the word in their names, such as the install test's venvs, and every
worker collected the whole suite to find them). With pytest-xdist (the `test` extra) it runs on 2
workers, a test file to a worker (`--dist loadfile`: the mock's contract run is one module-wide
fixture, which each worker would repeat).
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

from .report import fmt, heading, table
from .servers import ROOT, python_env

PROFILES = ("quick", "thorough")
# The thorough profile is CPU-bound: 483 s wall and 816 s of CPU on 2 workers at load average 1-2 (it timed
# out here while every keep-alive request to the plugin's thread server waited ~40 ms); at a load of 3 or
# more it passes this bound, and is then reported as timed out, not measured.
TIMEOUT_SECONDS = 600
WORKERS = 2
# xdist hands out the files with the most tests first, ties in command-line order, each to the worker that
# is about to run out: the cheap drift tests go last, so that the last file given out is a short one.
LAST = ("test_contracts_recording.py",)


def files() -> list[str]:
    """The contract suite's test files, relative to the repository."""
    found = [*sorted((ROOT / "tests").glob("test_contract*.py")), ROOT / "tests" / "test_control_contract.py"]
    found.sort(key=lambda path: path.name in LAST)
    return [str(path.relative_to(ROOT)) for path in found if path.exists()]


def command() -> list[str]:
    """The pytest command timed, on WORKERS workers when pytest-xdist is installed."""
    parallel = ["-n", str(WORKERS), "--dist", "loadfile"] if importlib.util.find_spec("xdist") else []
    return [sys.executable, "-m", "pytest", *files(), "-q", "-p", "no:randomly", *parallel]


def _time(profile: str) -> tuple[float | None, str]:
    started = time.perf_counter()
    try:
        done = subprocess.run(command(), cwd=ROOT, env={**python_env(), "CONTRACT_PROFILE": profile},
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_SECONDS} s"
    lines = done.stdout.strip().splitlines()
    return time.perf_counter() - started, lines[-1] if lines else f"exit {done.returncode}"


def run() -> dict[str, float | None]:
    heading(f"5. Contract suite run time ({' '.join(['pytest', *command()[3:]])})")
    if not list((ROOT / "tests").glob("test_contract*.py")):
        print("  not available: no tests/test_contract*.py in this tree", flush=True)
        return {profile: None for profile in PROFILES}
    results = {profile: _time(profile) for profile in PROFILES}
    table(["CONTRACT_PROFILE", "wall s", "pytest says"],
          [[profile, fmt(seconds, 1), outcome] for profile, (seconds, outcome) in results.items()])
    return {profile: seconds for profile, (seconds, _) in results.items()}
