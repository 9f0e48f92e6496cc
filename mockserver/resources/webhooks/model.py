"""A webhook subscription, and one change of an activity that webhooks are told about."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...model import Activity

ACTIONS = ("create", "change", "delete")
OBJECTS = ("activity", "deal", "lead", "note", "organization", "person", "pipeline", "product", "stage",
           "user")
WILDCARD = "*"
VERSIONS = ("1.0", "2.0")
DEFAULT_VERSION = "2.0"  # the default since 2025-03-17 (facts page, "Webhooks")


@dataclass(eq=False)
class Webhook:
    """One subscription of one company, in the official BaseWebhook's fields, plus its delivery health.

    Compared by identity: a webhook that was deleted (or reset away) and one made later with the same
    id are different subscriptions, and a delivery queued for the first never goes to the second.
    """
    id: int
    company_id: int
    owner_id: int
    user_id: int
    event_action: str
    event_object: str
    subscription_url: str
    name: str
    add_time: float  # mock-clock seconds
    version: str = DEFAULT_VERSION
    http_auth_user: str | None = None
    http_auth_password: str | None = None
    # Delivery health, on the mock clock (see delivery.py).
    last_delivery_time: float | None = None
    last_http_status: int | None = None
    last_success_time: float | None = None
    first_failures_in_row: int = 0
    failing_since: float | None = None
    banned_at: float | None = None

    def matches(self, action: str, entity: str) -> bool:
        return (self.event_action in (action, WILDCARD)) and (self.event_object in (entity, WILDCARD))


@dataclass(eq=False)
class Change:
    """An activity as it was and as it is after one write; `before` is None on create.

    Records are immutable (model.py), so holding both costs nothing and the payload is built only when
    a delivery is about to be sent.
    """
    action: str  # create | change | delete
    before: Activity | None
    after: Activity
    user_id: int
    time: float  # mock-clock seconds, with the fraction
    change_source: str  # "api" (a REST call) or "app" (the plugin's store, the control API)
    is_bulk_edit: bool = False
    correlation_id: str = ""
    # The payload parts every webhook of this change shares, made on first use (payload.py).
    rendered: dict[str, Any] = field(default_factory=dict, repr=False)


def action_of(before: Activity | None, after: Activity) -> str:
    if before is None:
        return "create"
    if after.is_deleted and not before.is_deleted:
        return "delete"
    return "change"
