"""GET /oauth/authorize and POST /oauth/token at the mock's root: thin views over OAuthServer.

The pipeline has checked the query against oauth/openapi.yaml; the token request's form is read here,
as Pipedrive answers a request that is not a form in its own words.
"""
from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, redirect, request

from ...errors import json_response
from ...pipeline import current, state
from ..resource import Resource
from .grants import Authority
from .messages import CONTENT_NOT_FORM, oauth_error

FORM = "application/x-www-form-urlencoded"

blueprint = Blueprint("oauth", __name__, url_prefix="/oauth")
# Per company: its apps and the codes and tokens granted to them (reset, snapshots and the state file).
RESOURCE = Resource("oauth", (blueprint,), Authority.load)


@blueprint.get("/authorize")
def authorize() -> Response:
    params, st = current().params, state()
    code = st.oauth.consent(params.get("client_id"), params.get("redirect_uri"), params.get("user_id"),
                            st.clock.time())
    current().wrote = True  # the code is state: the state file keeps it
    answer = {"code": code.value}
    if params.get("state") is not None:
        answer["state"] = params["state"]
    return redirect(with_query(params["redirect_uri"], answer), 302)  # type: ignore[return-value]


@blueprint.post("/token")
def token() -> Response:
    if request.mimetype != FORM:
        raise oauth_error(CONTENT_NOT_FORM)
    form = {key: request.form.get(key, "") for key in request.form}
    st = state()
    issued = st.oauth.token(basic_credentials(request.headers.get("Authorization")), form, st.clock.time())
    # Later calls go to `api_domain` (facts page): the mock itself, as the client reached it.
    return json_response(issued.response(request.host_url.rstrip("/")),
                         headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client_id, client_secret) of an `Authorization: Basic` header; None when there is none to read."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon else None


def with_query(uri: str, values: dict[str, str]) -> str:
    """`uri` with `values` added to its query (its own parameters kept)."""
    parts = urlsplit(uri)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *values.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))
