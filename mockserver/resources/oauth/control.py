"""The control API's OAuth apps and who consents (on the control blueprint: same token, same checks)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Response

from ...constants import DEFAULT_COMPANY_ID
from ...errors import BadRequest, json_response
from ...pipeline import current, state
from ...routes.control import blueprint
from .grants import APP_FIELDS, OAuthApp, plain
from .server import OAuthServer

if TYPE_CHECKING:
    from ...company import Company


def app_dict(company_id: int, app: OAuthApp) -> dict[str, Any]:
    return {"company_id": company_id, **plain(app, APP_FIELDS)}


@blueprint.get("/oauth/apps")
def list_oauth_apps() -> Response:
    return json_response({"apps": [app_dict(c.id, app) for c in sorted(state().store.companies(), key=lambda c: c.id)
                                   for app in c.oauth.apps.values()]})


@blueprint.post("/oauth/apps")
def add_oauth_app() -> Response:
    body = current().body
    company = state().store.company(body.get("company_id", DEFAULT_COMPANY_ID))
    try:
        app = company.oauth.add_app(body["name"], tuple(body.get("redirect_uris", ())), tuple(body.get("scopes", ())),
                                    body.get("client_id"), body.get("client_secret"))
    except ValueError as exc:
        raise BadRequest(f"Invalid value for field 'client_id': {exc}") from None
    return json_response(app_dict(company.id, app), 201)


def consent_dict(company: Company) -> dict[str, Any]:
    user = OAuthServer.consenter(company)
    return {"company_id": company.id, "user_id": user.id, "name": user.name,
            "chosen": company.oauth.consenter is not None and company.oauth.consenter == user.id}


@blueprint.get("/oauth/consent")
def list_consent() -> Response:
    return json_response({"consent": [consent_dict(c) for c in sorted(state().store.companies(), key=lambda c: c.id)]})


@blueprint.post("/oauth/consent")
def choose_consent() -> Response:
    body = current().body
    company = state().store.company(body.get("company_id", DEFAULT_COMPANY_ID))
    OAuthServer.choose_consenter(company, body["user_id"])
    return json_response(consent_dict(company))
