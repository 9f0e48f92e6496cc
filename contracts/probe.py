"""One request before a contract run: is the target there, and does it take the token?

A run against a target that cannot be reached, or that refuses the token, would send hundreds of
requests and check nothing but the 401; it stops here instead, with what to fix.
"""
from __future__ import annotations

import requests

PROBE_PATH = "/api/v2/activities"
PROBE_TIMEOUT = 15
TOKEN_HEADER = "x-api-token"


def problem(base_url: str, api_token: str) -> str | None:
    """Why a run against `base_url` as `api_token` would test nothing, or None when it can go ahead."""
    url = f"{base_url.rstrip('/')}{PROBE_PATH}"
    try:
        response = requests.get(url, params={"limit": 1}, headers={TOKEN_HEADER: api_token}, timeout=PROBE_TIMEOUT)
    except requests.RequestException as exc:
        return f"cannot reach {base_url}: {type(exc).__name__}: {_reason(exc)}"
    if response.status_code == 401:
        return (f"{base_url} refused the token (GET {PROBE_PATH} answered 401): check --api-token or "
                f"PIPEDRIVE_API_TOKEN")
    if response.status_code == 404:
        return (f"GET {url} answered 404: is {base_url} the API's origin (the mock's root URL, or "
                f"https://COMPANY.pipedrive.com)?")
    return None


def _reason(exc: requests.RequestException) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text.split("Caused by ", 1)[-1].rstrip(")") if "Caused by " in text else text
