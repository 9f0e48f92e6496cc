"""5. Wall time of the contract suite (`pytest tests -k contract`) at its quick and thorough profiles."""
from __future__ import annotations

import subprocess
import sys
import time

from .report import fmt, heading, table
from .servers import ROOT, python_env

PROFILES = ("quick", "thorough")
TIMEOUT_SECONDS = 600  # the thorough profile runs about 4 minutes on 2 cores


def _time(profile: str) -> tuple[float | None, str]:
    command = [sys.executable, "-m", "pytest", "tests", "-k", "contract", "-q", "-p", "no:randomly"]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, env={**python_env(), "CONTRACT_PROFILE": profile},
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_SECONDS} s"
    lines = done.stdout.strip().splitlines()
    return time.perf_counter() - started, lines[-1] if lines else f"exit {done.returncode}"


def run() -> dict[str, float | None]:
    heading("5. Contract suite run time")
    if not list((ROOT / "tests").glob("test_contract*.py")):
        print("  not available: no tests/test_contract*.py in this tree", flush=True)
        return {profile: None for profile in PROFILES}
    results = {profile: _time(profile) for profile in PROFILES}
    table(["CONTRACT_PROFILE", "wall s", "pytest says"],
          [[profile, fmt(seconds, 1), outcome] for profile, (seconds, outcome) in results.items()])
    return {profile: seconds for profile, (seconds, _) in results.items()}
