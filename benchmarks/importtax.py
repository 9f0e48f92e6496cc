"""What installing the project costs a user's pytest sessions: the import tax of the plugin.

Run: `python benchmarks/importtax.py` from the repository root (about two minutes, most of it making
two virtual environments in a temporary folder). Both have the same pytest; one also has this project,
installed as a user installs it (`pip install <repository>`, no extras). In turns, so that load from
elsewhere falls on both alike, each runs:

- `pytest --co` on a file of one trivial test (the baseline: the venv without the project);
- `pytest` on the same file (a session that never asks for the fixture);
- with the project, `pytest` on a file whose one test uses `pipedrive_mock` once (one GET).

Targets (issue 11): a session that does not use the fixture pays at most 0.3 s more than the venv
without the project; one that uses `pipedrive_mock` once pays at most 0.8 s more. The medians are
printed with the machine they were measured on, and beside them the median CPU time of the same
processes (load from elsewhere stretches wall time far more than CPU time); the exit status is 1 when a
target (on wall time) is not held.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST_REQUIREMENT = "pytest>=8,<10"
ROUNDS = 7
NO_FIXTURE_TARGET_S = 0.3
ONE_USE_TARGET_S = 0.8
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 120

TRIVIAL_TEST = "def test_trivial():\n    assert 1 + 1 == 2\n"
MOCK_TEST = '''import json
import urllib.request


def test_uses_the_mock_once(pipedrive_mock):
    request = urllib.request.Request(pipedrive_mock.v2_url + "/activities/1",
                                     headers={"x-api-token": pipedrive_mock.admin_token})
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["data"]["id"] == 1
'''


def make_venv(where: Path, *requirements: str) -> Path:
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
                   check=True, timeout=INSTALL_TIMEOUT)
    return python


def session_seconds(python: Path, workdir: Path, *args: str) -> tuple[float, float]:
    """Wall time of one pytest process, from start to exit (what a user waits for), and its CPU time (user
    and system, the server thread's included): on a shared machine the wall time also counts the time
    other processes held the cores, the CPU time much less so."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "PYTHONDONTWRITEBYTECODE": ""}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=workdir,
                            env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"pytest failed in {python.parent.parent.name}:\n{result.stdout}\n{result.stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{os.cpu_count()} x {cpu}, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}; load average {load}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"runs of each kind, in turns (default {ROUNDS})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="importtax-") as tmp:
        base = Path(tmp)
        print("making the two venvs (pytest alone; pytest and the project)...", flush=True)
        without = make_venv(base / "without", PYTEST_REQUIREMENT)
        with_project = make_venv(base / "with", PYTEST_REQUIREMENT, str(ROOT))
        work = base / "work"
        work.mkdir()
        (work / "test_trivial.py").write_text(TRIVIAL_TEST)
        (work / "test_mock.py").write_text(MOCK_TEST)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in
                                                      ("co without", "co with", "run without", "run with",
                                                       "mock with")}
        # Warm: byte-code compiled, files in the page cache, the parsed specs in the cache folder (HOME is the
        # work folder): what every session after a user's first one finds.
        for python, args_ in ((without, ["--co", "test_trivial.py"]), (with_project, ["--co", "test_trivial.py"]),
                              (with_project, ["test_mock.py"])):
            session_seconds(python, work, *args_)
        for _ in range(args.rounds):
            runs["co without"].append(session_seconds(without, work, "--co", "test_trivial.py"))
            runs["co with"].append(session_seconds(with_project, work, "--co", "test_trivial.py"))
            runs["run without"].append(session_seconds(without, work, "test_trivial.py"))
            runs["run with"].append(session_seconds(with_project, work, "test_trivial.py"))
            runs["mock with"].append(session_seconds(with_project, work, "test_mock.py"))
    median = {name: statistics.median(wall for wall, _ in values) for name, values in runs.items()}
    cpu = {name: statistics.median(used for _, used in values) for name, values in runs.items()}
    rows = [
        ("pytest --co, trivial test", "co without", "co with", NO_FIXTURE_TARGET_S),
        ("pytest, trivial test (fixture unused)", "run without", "run with", NO_FIXTURE_TARGET_S),
        ("pytest, one test using pipedrive_mock", "run without", "mock with", ONE_USE_TARGET_S),
    ]
    print(f"import tax of pipedrive-activities-mock on pytest sessions ({args.rounds} rounds, medians)")
    print(f"machine: {machine()}")
    held_all = True
    for name, without, with_, target in rows:
        baseline, measured = median[without], median[with_]
        extra = measured - baseline
        held = extra <= target
        held_all &= held
        print(f"{name:<40} without the project {baseline:6.3f} s | with {measured:6.3f} s | extra {extra:+6.3f} s "
              f"(ratio {measured / baseline:4.2f}) | target <= {target:g} s: {'held' if held else 'NOT held'}"
              f" | CPU {cpu[without]:5.3f} s -> {cpu[with_]:5.3f} s, extra {cpu[with_] - cpu[without]:+6.3f} s")
    return 0 if held_all else 1


if __name__ == "__main__":
    sys.exit(main())
