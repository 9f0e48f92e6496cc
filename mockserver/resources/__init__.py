"""Pipedrive's resources, a package each: its routes, marshmallow schemas and domain rules side by side.

`all_resources()` is the one list the app registers routes from and every company makes its states
from; a new resource is one line in it (README, "Adding an endpoint"). The list is built on first use:
resource modules import the company, which asks this package for its states.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from flask import Flask

from .resource import CompanyState, Resource


@cache
def all_resources() -> tuple[Resource, ...]:
    from .activities.routes import RESOURCE as ACTIVITIES
    from .activity_fields.routes import RESOURCE as ACTIVITY_FIELDS
    from .activity_types.routes import RESOURCE as ACTIVITY_TYPES
    from .oauth.routes import RESOURCE as OAUTH
    from .users.routes import RESOURCE as USERS
    from .webhooks.routes import RESOURCE as WEBHOOKS
    return (ACTIVITIES, ACTIVITY_TYPES, ACTIVITY_FIELDS, USERS, WEBHOOKS, OAUTH)


def register(app: Flask) -> None:
    """Every resource's routes on `app`."""
    for resource in all_resources():
        for blueprint in resource.blueprints:
            app.register_blueprint(blueprint)


def company_states(company_id: int, dumped: dict[str, Any] | None = None) -> dict[str, CompanyState]:
    """A company's state of each resource that keeps one: new, or loaded from a snapshot's company."""
    dumped = dumped or {}
    return {r.name: r.company_state(company_id, dumped.get(r.name))
            for r in all_resources() if r.company_state is not None}


__all__ = ["CompanyState", "Resource", "all_resources", "company_states", "register"]
