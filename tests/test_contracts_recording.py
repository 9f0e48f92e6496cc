"""Drift: a recording of the mock matches the contract; an edited one names each drifted field."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipedrive_mock.contracts.cli import main
from pipedrive_mock.contracts.loopback import serve
from pipedrive_mock.contracts.recording import Recording, check, strip_secrets
from operations import distinct_operations
from pipedrive_mock import ADMIN_TOKEN, create_app


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("drift") / "recording.json"
    with serve(create_app(activities=5)) as url:
        assert main(["record", "--base-url", url, "--api-token", ADMIN_TOKEN, "--out", str(path)]) == 0
    yield path


def test_recording_of_mock_has_no_drift_and_no_token(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-recording", str(recorded)]) == 0
    assert "No drift" in capsys.readouterr().out
    text = recorded.read_text(encoding="utf-8")
    assert ADMIN_TOKEN not in text
    statuses = {e.status for e in Recording.load(recorded).exchanges}
    assert statuses >= {200, 400, 401, 404}


@pytest.mark.parametrize(("edit", "location", "problem"), [
    (lambda body: body["data"][0].update(due_time=930), "$.data[0].due_time", "is not of types"),
    (lambda body: body["data"][1].pop("subject"), "$.data[1]", '"subject" is a required property'),
    (lambda body: body["additional_data"].update(next_cursor=7), "$.additional_data.next_cursor", "7"),
    (lambda body: body["data"][0].update(colour="red"), "$.data[0]", "colour"),
])
def test_check_recording_names_each_drifted_field(recorded: Path, tmp_path: Path, edit, location: str,
                                                  problem: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(recorded.read_text(encoding="utf-8"))
    edit(data["exchanges"][0]["body"])
    drifted = tmp_path / "drifted.json"
    drifted.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check-recording", str(drifted)]) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if f": {location}: " in line)
    assert line.startswith("getActivities 200 ") and problem in line


def test_check_recording_reports_missing_header_and_undocumented_status(recorded: Path) -> None:
    recording = Recording.load(recorded)
    recording.exchanges[0].headers.pop("x-ratelimit-limit")
    recording.exchanges[1].status = 418
    locations = {(d.operation_id, d.location) for d in check(recording)}
    assert locations == {("getActivities", "headers.x-ratelimit-limit"), ("getActivities", "status")}


def test_recording_covers_every_read_operation_of_the_contract(recorded: Path) -> None:
    recorded_ids = {e.operation_id for e in Recording.load(recorded).exchanges}
    assert recorded_ids == {op.operation_id for op in distinct_operations() if op.method == "GET"}


def test_strip_secrets_drops_api_token_and_keeps_other_parameters() -> None:
    assert strip_secrets("http://h/api/v2/activities?limit=2&api_token=secret&cursor=x") == \
        "http://h/api/v2/activities?limit=2&cursor=x"
