"""The official Node client's OAuth helpers against the served mock, its OAuth host set to the mock.

The client lets the host be set (`new v2.OAuth2Configuration({..., host})`, default oauth.pipedrive.com);
tests/node/oauth.js walks the flow: authorization URL, authorize(code), tokenRefresh(), and the automatic
refresh of getAccessToken() once the mock clock, and the client's own clock with it, pass the expiry.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .test_node_client import node_dir  # noqa: F401 - the fixture that installs the pinned client
from .test_serve import START_TIMEOUT, serving


def test_official_node_client_oauth_flow_with_automatic_refresh(node_dir: Path) -> None:  # noqa: F811
    with serving() as base_url:
        result = subprocess.run(["node", str(node_dir / "oauth.js"), base_url], capture_output=True, text=True,
                                timeout=START_TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["authorization_url"] == (f"{base_url}/oauth/authorize?client_id=mock-client-id"
                                         "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback")
    assert seen["state"] == "from-node" and seen["code_prefix"] == "1"
    assert (seen["token_type"], seen["expires_in"], seen["api_domain"]) == ("Bearer", 3599, base_url)
    assert seen["scope"] == "activities:full,users:read,admin,base"
    assert seen["base_path"] == f"{base_url}/api/v2" and seen["listed"] == 2
    assert seen["reused_code_error"] == "Invalid grant: authorization_code is invalid"
    assert seen["refreshed"] is True
    assert (seen["expired_status"], seen["expired_error"]) == (401, "Invalid token: access token has expired")
    assert seen["auto_refreshed"] is True and seen["after_expiry_listed"] == 1
    # onTokenUpdate hears authorize, tokenRefresh, and the automatic refresh twice (getAccessToken updates
    # again what tokenRefresh already did)
    assert seen["token_updates"] == 4
