"""The user views: the token's own user, the company's users, one of them."""
from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request

from ...errors import NotFound
from ...model import User
from ...pipeline import RequestContext, current
from ...response import envelope
from ...times import V1_FORMAT
from ..resource import Resource
from .schemas import user_v1

blueprint = Blueprint("users", __name__)
RESOURCE = Resource("users", (blueprint,))
# What the official example's company has that the mock has no data for (README fidelity notes).
COMPANY_COUNTRY = "EE"
COMPANY_INDUSTRY = "Software"
LANGUAGE = {"language_code": "en", "country_code": "US"}


def _dump(ctx: RequestContext, user: User) -> dict[str, Any]:
    company = ctx.company
    # The company was made with its activity types: the oldest type's time is the company's.
    created = min((t.add_time for t in company.activity_types.values() if t.add_time),
                  default=ctx.now.strftime(V1_FORMAT))
    return user_v1(user, you=ctx.user, created=created, now=ctx.now.strftime(V1_FORMAT),
                   first_user_id=min(company.users))


@blueprint.get("/v1/users/me")
@blueprint.get("/api/v1/users/me")
def get_current_user() -> Response:
    ctx = current()
    me = {**_dump(ctx, ctx.user), "company_id": ctx.company.id, "company_name": ctx.company.name,
          # Clients build URLs from the domain: it is this mock, as the request reached it (host:port).
          "company_domain": request.host, "company_country": COMPANY_COUNTRY,
          "company_industry": COMPANY_INDUSTRY, "language": LANGUAGE}
    return envelope(orjson.dumps(me))


@blueprint.get("/v1/users")
@blueprint.get("/api/v1/users")
def get_users() -> Response:
    ctx = current()
    users = [_dump(ctx, user) for _, user in sorted(ctx.company.users.items())]
    return envelope(orjson.dumps(users))


@blueprint.get("/v1/users/<id>")
@blueprint.get("/api/v1/users/<id>")
def get_user(id: str) -> Response:
    ctx = current()
    user = ctx.company.users.get(ctx.params["id"])
    if user is None:
        raise NotFound(f"User {ctx.params['id']} was not found")
    return envelope(orjson.dumps(_dump(ctx, user)))
