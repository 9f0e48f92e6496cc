"""The official error envelope, as tests check it (facts page, "Envelopes")."""
from __future__ import annotations

from typing import Any

ENVELOPE_KEYS = {"success", "error", "error_info", "data", "additional_data"}
UNAUTHORIZED_KEYS = {"success", "error", "errorCode"}


def assert_official_error(body: Any, status: int) -> None:
    """`body` is the official error of `status`: the envelope (with `code` on a 400), or the 401's own shape."""
    assert body["success"] is False and isinstance(body["error"], str) and body["error"], body
    if status == 401:
        assert set(body) == UNAUTHORIZED_KEYS and body["errorCode"] == 401, body
        return
    assert set(body) == ENVELOPE_KEYS | ({"code"} if status == 400 else set()), body
    assert body["data"] is None and body["additional_data"] is None, body
    assert isinstance(body["error_info"], str) and body["error_info"], body
    if status == 400:
        assert body["code"] == "ERR_BAD_REQUEST", body
