"""`python -m contracts` against a served mock (passes) and a deliberately broken target (fails, naming why)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from flask import Flask, jsonify

from pipedrive_mock.contracts.cli import main
from pipedrive_mock.contracts.loopback import serve
import pipedrive_mock
from pipedrive_mock import ADMIN_TOKEN
from pipedrive_mock.contract import load_spec

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
# The CLI is under test here (its options, output and exit codes), not the contract: the mock's own run
# (test_contracts_mock.py) takes the profile's examples. So the CLI runs the quick profile with 1 example per
# operation and mode whatever CONTRACT_PROFILE says (under `thorough` each run had taken the coverage phase's
# 2,400 cases, and the writing run 1,000 stateful steps).
FEW = ("--max-examples", "1", "--profile", "quick")
RUN_TIMEOUT = 300
# The tests of one option or outcome run the CLI on the contract cut to the two v2 reads (`--spec`): a run of
# every operation costs each of them a second, and tells them nothing more.
TWO_READS = ("/api/v2/activities", "/api/v2/activities/{id}")


@pytest.fixture(scope="module")
def served_mock() -> Iterator[str]:
    # In this process (uvicorn on a thread, as the plugin serves): a new interpreter seeding a mock cost
    # each run of this module seconds.
    with pipedrive_mock.serve(activities=20) as mock:
        yield mock.url


@pytest.fixture(scope="module")
def two_reads(tmp_path_factory: pytest.TempPathFactory) -> str:
    """openapi.yaml with only the paths TWO_READS (and every component)."""
    spec = load_spec()
    path = tmp_path_factory.mktemp("spec") / "two-reads.yaml"
    path.write_text(yaml.safe_dump({**spec, "paths": {p: spec["paths"][p] for p in TWO_READS}}), encoding="utf-8")
    return str(path)


def _contracts(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The command's exit status and output, run in this process: `main` is what the entry point calls
    (a new interpreter importing schemathesis would cost each test seconds)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def _activities(base_url: str) -> dict[int, str]:
    page = requests.get(f"{base_url}/api/v2/activities", params={"limit": 500},
                        headers={"x-api-token": ADMIN_TOKEN}, timeout=10).json()
    return {a["id"]: a["update_time"] for a in page["data"]}


def test_cli_read_only_against_served_mock_passes_and_writes_junit(served_mock: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "contract.xml"
    result = _contracts(capsys, "--base-url", served_mock, "--api-token", ADMIN_TOKEN, *FEW,
                        "--junit-xml", str(junit))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS  GET /api/v2/activities  (" in result.stdout
    # read-only: no writes without --allow-writes, and the summary names each one it left out
    assert "PASS  POST" not in result.stdout and "PASS  DELETE" not in result.stdout
    for write in ("POST /api/v2/activities", "PATCH /api/v2/activities/{id}", "DELETE /api/v2/activities/{id}",
                  "DELETE /v1/activities"):
        assert f"SKIP  {write}  (a write: --allow-writes runs it)" in result.stdout
    names = {case.get("name") for case in ET.parse(junit).iter("testcase")}
    assert "GET /v1/activities/collection" in names


def test_cli_with_writes_touches_only_what_it_created(served_mock: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = _activities(served_mock)
    result = _contracts(capsys, "--base-url", served_mock, "--api-token", ADMIN_TOKEN, *FEW,
                        "--allow-writes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS  PATCH /api/v2/activities/{id}" in result.stdout
    assert _activities(served_mock) == before  # seeded ones unchanged, created ones deleted


def _broken_app() -> Flask:
    """A target answering the list with a wrong shape (`data` an object, no additional_data)."""
    app = Flask("broken")

    @app.get("/api/v2/activities")
    @app.get("/v1/activities/collection")
    @app.get("/api/v1/activities/collection")
    @app.get("/api/v2/activities/<int:activity_id>")
    def wrong_shape(activity_id: int = 0):  # type: ignore[no-untyped-def]
        return jsonify({"success": True, "data": {"id": "one"}})

    return app


def test_cli_against_broken_target_exits_1_naming_operation_and_check(capsys: pytest.CaptureFixture[str],
                                                                      tmp_path: Path, two_reads: str) -> None:
    junit = tmp_path / "broken.xml"
    with serve(_broken_app()) as url:
        code = main(["--base-url", url, "--api-token", ADMIN_TOKEN, *FEW,
                     "--junit-xml", str(junit), "--spec", two_reads])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  GET /api/v2/activities  (" in out
    assert "GET /api/v2/activities: response_schema_conformance failed" in out
    failures = [f.get("type") for f in ET.parse(junit).iter("failure")]
    assert "response_schema_conformance" in failures


def test_importing_the_contracts_package_loads_neither_schemathesis_nor_hypothesis() -> None:
    code = ("import sys, pipedrive_mock.contracts as c; "
            "print(sorted(m for m in ('schemathesis', 'hypothesis') if m in sys.modules)); c.Report")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_with_a_wrong_token_checks_nothing_and_exits_1(served_mock: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    result = _contracts(capsys, "--base-url", served_mock, "--api-token", "wrong-token", *FEW)
    assert result.returncode == 1
    assert "PASS" not in result.stdout + result.stderr and "Traceback" not in result.stderr
    assert "contract NOT checked" in result.stderr and "refused the token" in result.stderr


def test_cli_against_nothing_listening_checks_nothing_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"  # bound, never listening: refused
        result = _contracts(capsys, "--base-url", closed, "--api-token", ADMIN_TOKEN)
    assert result.returncode == 1 and "PASS" not in result.stdout + result.stderr
    assert f"cannot reach {closed}" in result.stderr and "Traceback" not in result.stderr


def test_cli_takes_the_token_from_the_environment(served_mock: str, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, two_reads: str) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", ADMIN_TOKEN)
    result = _contracts(capsys, "--base-url", served_mock, *FEW, "--spec", two_reads)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS  GET /api/v2/activities/{id}" in result.stdout
    # --spec: only the given contract's operations are checked
    assert "GET /v1/activities/collection" not in result.stdout


def test_cli_without_any_token_says_how_to_give_one(served_mock: str) -> None:
    env = {key: value for key, value in ENV.items() if key != "PIPEDRIVE_API_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "pipedrive_mock.contracts", "--base-url", served_mock],
                            capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env)
    assert result.returncode == 2 and "--api-token or the environment variable PIPEDRIVE_API_TOKEN" in result.stderr


def test_report_where_every_response_was_401_has_no_pass_line() -> None:
    from pipedrive_mock.contracts.report import Report

    report = Report()
    report.cases["GET /api/v2/activities"] = 12
    report.statuses[401] = 12
    assert not report.ok and "PASS" not in report.summary()
    assert "Contract NOT checked: every one of the 12 responses was 401" in report.summary()
    assert not Report().ok  # nothing answered: nothing checked
