"""Defaults that protect users: loopback only, a body size limit, no token in clear, no stack trace out."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from flask import Flask

from pipedrive_mock import ADMIN_TOKEN, create_app
from pipedrive_mock.cli import build_parser
from pipedrive_mock.company import Company
from pipedrive_mock.constants import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-token-of-a-real-looking-length"
STARTUP_TIMEOUT = 60


@pytest.fixture
def app() -> Flask:
    app = create_app(activities=5)
    store = app.extensions["pipedrive_mock"].store
    store.add_user(store.company(1), "Secret", SECRET, is_admin=True)
    return app


def test_cli_serve_without_host_binds_loopback() -> None:
    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"


def test_cli_serve_without_host_prints_loopback_url() -> None:
    process = subprocess.Popen([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--activities", "1"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
    finally:
        process.terminate()
        process.wait(timeout=STARTUP_TIMEOUT)
    assert line.startswith("Pipedrive mock serving http://127.0.0.1:"), line


def test_app_by_default_runs_without_debug_and_with_a_size_limit(app: Flask) -> None:
    assert app.debug is False
    assert app.config["MAX_CONTENT_LENGTH"] == MAX_BODY_BYTES


@pytest.mark.parametrize("size, status", [(MAX_BODY_BYTES, 400), (MAX_BODY_BYTES + 1, 413)])
def test_body_at_and_over_limit_is_refused_as_json(app: Flask, size: int, status: int) -> None:
    response = app.test_client().post("/api/v2/activities", data=b" " * size,
                                      headers={"x-api-token": ADMIN_TOKEN, "Content-Type": "application/json"})
    assert response.status_code == status
    assert response.get_json()["success"] is False


def _traffic(app: Flask) -> None:
    """Calls carrying SECRET every way a token can come, good and bad, including a refused body."""
    client = app.test_client()
    client.get("/api/v2/activities?limit=1", headers={"x-api-token": SECRET})
    client.get(f"/api/v2/activities?limit=1&api_token={SECRET}")
    client.get(f"/api/v2/activities?limit=1&api_token={SECRET}&api_token={SECRET}")
    client.get("/api/v2/activities/1", headers={"Authorization": f"Bearer {SECRET}"})
    client.post("/api/v2/activities", headers={"x-api-token": SECRET}, json={"subject": "x", "bad": 1})
    client.post("/api/v2/activities", headers={"x-api-token": SECRET + "x"}, json={"subject": "x"})
    client.post(f"/api/v2/activities?api_token={SECRET}", data=b"x" * (MAX_BODY_BYTES + 1),
                headers={"Content-Type": "application/json"})
    client.get(f"/api/v2/nowhere?api_token={SECRET}")


def test_journal_never_holds_a_token_in_clear(app: Flask) -> None:
    _traffic(app)
    entries = app.extensions["pipedrive_mock"].journal.entries()
    assert len(entries) == 8
    dumped = orjson.dumps([e.to_dict() for e in entries]).decode()
    assert SECRET not in dumped and SECRET[:8] not in dumped
    assert all(e.token is None or "***" in e.token for e in entries)


def test_server_log_never_holds_a_token_in_clear(app: Flask, caplog: pytest.LogCaptureFixture,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    _traffic(app)
    monkeypatch.setattr(Company, "get", _explode)
    app.test_client().get(f"/api/v2/activities/1?api_token={SECRET}")
    assert caplog.records, "the forced error must be logged"
    assert SECRET not in caplog.text


def _explode(self: Company, activity_id: int) -> None:
    raise RuntimeError("internal detail at /srv/mock/secret.py line 42")


@pytest.mark.parametrize("method, path", [("GET", "/api/v2/activities/1"), ("PATCH", "/api/v2/activities/1"),
                                          ("DELETE", "/api/v2/activities/1")])
def test_unexpected_exception_answers_500_json_without_trace(
        app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, method: str, path: str) -> None:
    monkeypatch.setattr(Company, "get", _explode)
    response = app.test_client().open(path, method=method, headers={"x-api-token": ADMIN_TOKEN},
                                      json={"busy": True} if method == "PATCH" else None)
    assert response.status_code == 500
    assert response.get_json() == {"success": False, "error": "Internal server error",
                                   "error_info": "Please check developers.pipedrive.com", "data": None,
                                   "additional_data": None}
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret.py" not in text and "RuntimeError" not in text
    assert any(record.exc_info for record in caplog.records)  # the trace goes to the log, not the client


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/", 404), ("GET", "/api/v2/deals", 404), ("PUT", "/api/v2/activities/1", 405),
    ("GET", "/v1/activities", 405), ("OPTIONS", "/api/v2/nowhere", 404)])
def test_unknown_route_answers_json_not_html(app: Flask, method: str, path: str, status: int) -> None:
    response = app.test_client().open(path, method=method, headers={"x-api-token": ADMIN_TOKEN})
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert b"<html" not in response.get_data().lower()
