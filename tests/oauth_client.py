"""An app's side of OAuth over HTTP, for the OAuth tests: the consent's redirect, the code exchanged for tokens,
the Basic and Bearer headers, and an app of its own added through the control API."""
from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

from pipedrive_mock.constants import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET

REDIRECT = "http://127.0.0.1:5000/callback"


def basic(client_id: str = OAUTH_CLIENT_ID, secret: str = OAUTH_CLIENT_SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def consent(client: FlaskClient, client_id: str = OAUTH_CLIENT_ID, redirect: str = REDIRECT,
            **query: Any) -> dict[str, list[str]]:
    """The query the consent redirects back with."""
    response = client.get("/oauth/authorize", query_string={"client_id": client_id, "redirect_uri": redirect, **query})
    assert response.status_code == 302, response.json
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect.split("?")[0]
    return parse_qs(location.query)


def tokens(client: FlaskClient, client_id: str = OAUTH_CLIENT_ID, secret: str = OAUTH_CLIENT_SECRET,
           redirect: str = REDIRECT, **query: Any) -> dict[str, Any]:
    code = consent(client, client_id, redirect, **query)["code"][0]
    response = client.post("/oauth/token", headers=basic(client_id, secret),
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect})
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add_app(client: FlaskClient, scopes: list[str], **more: Any) -> dict[str, Any]:
    response = client.post("/_mock/oauth/apps", json={"name": "Test app", "scopes": scopes, **more})
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]
