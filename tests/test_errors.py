"""Every error is Pipedrive-shaped JSON: unknown paths, wrong methods, oversized bodies, surprises."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock.constants import MAX_BODY_BYTES


def test_unknown_path_returns_404_json(api: Any) -> None:
    response = api("GET", "/api/v2/deals")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["success"] is False


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/api/v2/activities", {"GET", "POST"}),
    ("POST", "/api/v2/activities/1", {"GET", "PATCH", "DELETE"}),
    ("GET", "/v1/activities", {"DELETE"}),
])
def test_wrong_method_returns_405_json_with_allow(api: Any, method: str, path: str, allowed: set[str]) -> None:
    response = api(method, path)
    assert response.status_code == 405 and response.is_json
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert method not in response.headers["Allow"].split(", ")


def test_body_over_limit_returns_413_json(api: Any, store: Any) -> None:
    count = len(store.company(1).activities)
    body = b'{"subject": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = api("POST", "/api/v2/activities", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.get_json()["success"] is False
    assert len(store.company(1).activities) == count


def test_unexpected_error_returns_500_json_without_trace(api: Any, monkeypatch: Any) -> None:
    from pipedrive_mock import company

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")
    monkeypatch.setattr(company.Company, "get", boom)
    response = api("GET", "/api/v2/activities/1")
    assert response.status_code == 500
    assert response.get_json()["error"] == "Internal server error"
    assert "secret" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)


def test_openapi_yaml_is_served(api: Any) -> None:
    response = api("GET", "/openapi.yaml", token=None)
    assert response.status_code == 200 and response.get_data().startswith(b"openapi: 3.1.0")
