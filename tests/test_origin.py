"""A web page the developer visits cannot drive the mock (over real HTTP, `mockserver serve`).

Cross-site "simple" requests (no preflight: a form post, a no-cors fetch), DNS rebinding (a foreign
Host), cross-site Origin or Sec-Fetch-Site on writes: each is refused and changes nothing; no answer
carries a CORS grant; an empty control token is refused at start; on `--host ::` an IPv4 loopback
client is still loopback.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from test_serve import ROOT, START_TIMEOUT, serving

ADMIN = {"x-api-token": "admin-token"}
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving() as base:
        yield base


def _activity_count(url: str) -> int:
    return len(requests.get(f"{url}/api/v2/activities", params={"limit": 500}, headers=ADMIN, timeout=10)
               .json()["data"])


@pytest.mark.parametrize("path", ["/_mock/reset", "/_mock/seed", "/_mock/companies", "/_mock/clock",
                                  "/_mock/snapshot"])
@pytest.mark.parametrize("content_type, body", [(FORM, b"a=1"), ("text/plain", b"{}"), (None, b"")])
def test_control_write_without_json_content_type_is_refused_and_changes_nothing(
        url: str, path: str, content_type: str | None, body: bytes) -> None:
    added = requests.post(f"{url}/api/v2/activities", json={"subject": "Kept"}, headers=ADMIN, timeout=10)
    count = _activity_count(url)
    companies = len(requests.get(f"{url}/_mock/users", timeout=10).json()["users"])
    headers = {"Content-Type": content_type} if content_type else {}
    method = "PUT" if path == "/_mock/snapshot" else "POST"
    response = requests.request(method, f"{url}{path}", data=body, headers=headers, timeout=10)
    assert response.status_code == 400 and "application/json" in response.json()["error"]
    assert _activity_count(url) == count and added.json()["data"]["id"] in \
        [a["id"] for a in requests.get(f"{url}/api/v2/activities", params={"limit": 500}, headers=ADMIN,
                                       timeout=10).json()["data"]]
    assert len(requests.get(f"{url}/_mock/users", timeout=10).json()["users"]) == companies


@pytest.mark.parametrize("path", ["/_mock/users", "/api/v2/activities", "/openapi.yaml", "/_mock/ui/"])
def test_request_with_foreign_host_is_refused(url: str, path: str) -> None:
    response = requests.get(f"{url}{path}", headers={**ADMIN, "Host": "attacker.example:8000"}, timeout=10)
    assert response.status_code == 403
    assert "attacker.example" in response.json()["error"] and "token" not in response.text.lower().replace(
        "x-api-token", "")


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1234", "app.localhost", "127.0.0.1", "127.0.0.5:80",
                                  "[::1]:8000", "10.1.2.3"])
def test_request_with_loopback_name_or_address_as_host_is_served(url: str, host: str) -> None:
    response = requests.get(f"{url}/_mock/users", headers={"Host": host}, timeout=10)
    assert response.status_code == 200


def test_allow_host_option_serves_that_name_only() -> None:
    with serving("--allow-host", "mock.internal") as url:
        served = requests.get(f"{url}/api/v2/activities/1", headers={**ADMIN, "Host": "mock.internal:8000"},
                              timeout=10)
        other = requests.get(f"{url}/api/v2/activities/1", headers={**ADMIN, "Host": "other.internal"}, timeout=10)
    assert (served.status_code, other.status_code) == (200, 403)


@pytest.mark.parametrize("headers", [{"Origin": "http://attacker.example"}, {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}])
@pytest.mark.parametrize("method, path", [("POST", "/_mock/reset"), ("DELETE", "/_mock/requests"),
                                          ("POST", "/api/v2/activities"), ("DELETE", "/api/v2/activities/2")])
def test_cross_site_write_is_refused_and_changes_nothing(url: str, headers: dict[str, str], method: str,
                                                         path: str) -> None:
    requests.post(f"{url}/api/v2/activities", json={"subject": "Kept"}, headers=ADMIN, timeout=10)
    count = _activity_count(url)
    response = requests.request(method, f"{url}{path}", json={}, headers={**ADMIN, **headers}, timeout=10)
    assert response.status_code == 403 and "Cross-site" in response.json()["error"]
    assert _activity_count(url) == count


def test_same_origin_write_from_the_dashboard_is_served(url: str) -> None:
    host = url.removeprefix("http://")
    response = requests.post(f"{url}/_mock/clock", json={"frozen": False}, timeout=10,
                             headers={"Origin": url, "Sec-Fetch-Site": "same-origin", "Host": host})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/_mock/reset", "/_mock/users", "/api/v2/activities", "/v1/activities"])
def test_no_answer_grants_cross_origin_access(url: str, path: str) -> None:
    preflight = requests.options(f"{url}{path}", timeout=10, headers={
        "Origin": "http://attacker.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-api-token"})
    simple = requests.get(f"{url}{path}", headers={**ADMIN, "Origin": "http://attacker.example"}, timeout=10)
    for response in (preflight, simple):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


@pytest.mark.parametrize("token", ["", "  "])
def test_serve_with_empty_control_token_refuses_to_start(token: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--control-token",
                             token], capture_output=True, text=True, timeout=START_TIMEOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2 and "--control-token" in result.stderr and "empty" in result.stderr


@contextmanager
def _serving_on(host: str) -> Iterator[int]:
    process = subprocess.Popen([sys.executable, "-m", "pipedrive_mock", "serve", "--host", host, "--port", "0",
                                "--activities", "5"], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://\[?[^\]]*\]?:(\d+)", line)
        assert match, line
        yield int(match.group(1))
    finally:
        process.kill()
        process.wait(START_TIMEOUT)


def test_dual_stack_host_treats_an_ipv4_loopback_client_as_loopback() -> None:
    with _serving_on("::") as port:
        over_ipv4 = requests.get(f"http://127.0.0.1:{port}/_mock/users", timeout=10)
        over_ipv6 = requests.get(f"http://[::1]:{port}/_mock/users", timeout=10)
    assert (over_ipv4.status_code, over_ipv6.status_code) == (200, 200)
