"""Webhook subscriptions: the domain rules of `GET|POST /v1/webhooks` and `DELETE /v1/webhooks/{id}`.

Per company, as the resource's company state (`company.webhooks`, resources/resource.py), so resets,
snapshots and the state file carry them; admin only; at most 40 per user; the URL must be a target the
mock may deliver to (targets.py).
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ... import times
from ...errors import FieldErrors, Forbidden, NotFound
from ...model import User
from . import payload
from .model import DEFAULT_VERSION, Webhook
from .targets import TargetRefused, Targets

if TYPE_CHECKING:
    from ...company import Company
    from ...store import Store

MAX_PER_USER = 40  # facts page, "Webhooks"
WEBHOOK_TYPE = "general"
# The fields a snapshot keeps of a webhook: the subscription, and its delivery health (mock-clock times).
_SNAPSHOT_FIELDS = ("id", "owner_id", "user_id", "event_action", "event_object", "subscription_url", "name",
                    "version", "http_auth_user", "http_auth_password", "last_http_status",
                    "first_failures_in_row")
_SNAPSHOT_TIMES = ("add_time", "last_delivery_time", "last_success_time", "failing_since", "banned_at")


class Subscriptions:
    """One company's webhooks (a CompanyState): `items` by id, replaced whole on each change."""

    def __init__(self, company_id: int) -> None:
        self.company_id = company_id
        self.lock = threading.RLock()
        self.items: dict[int, Webhook] = {}
        self.next_id = 1
        self._pristine: tuple[dict[int, Webhook], int] = ({}, 1)

    def __len__(self) -> int:
        return len(self.items)

    def mark_pristine(self) -> None:
        with self.lock:
            self._pristine = (dict(self.items), self.next_id)

    def reset(self) -> None:
        with self.lock:
            items, self.next_id = self._pristine
            self.items = dict(items)

    def dump(self) -> dict[str, Any]:
        """The webhooks as a snapshot holds them (GET /_mock/snapshot, the state file)."""
        dumped = []
        for webhook in sorted(self.items.values(), key=lambda w: w.id):
            item = {name: getattr(webhook, name) for name in _SNAPSHOT_FIELDS}
            item.update({name: None if getattr(webhook, name) is None else times.format_seconds(getattr(webhook, name))
                         for name in _SNAPSHOT_TIMES})
            dumped.append(item)
        return {"next_id": self.next_id, "items": dumped}

    @classmethod
    def load(cls, company_id: int, data: dict[str, Any] | None) -> Subscriptions:
        """A company's webhooks, new or from its snapshot (already checked against its schema); raises
        ValueError naming what is wrong."""
        state = cls(company_id)
        if not data:
            return state
        for item in data["items"]:
            if item["id"] in state.items:
                raise ValueError(f"webhook id {item['id']} appears twice in company {company_id}")
            values = {name: item.get(name) for name in _SNAPSHOT_FIELDS}
            values.update({name: None if item.get(name) is None else
                           times.seconds(item[name], f"snapshot field '{name}' of webhook {item['id']}")
                           for name in _SNAPSHOT_TIMES})
            values["first_failures_in_row"] = values["first_failures_in_row"] or 0
            state.items[item["id"]] = Webhook(company_id=company_id, **values)
        if data["next_id"] <= max(state.items, default=0):
            raise ValueError(f"webhooks.next_id {data['next_id']} of company {company_id} must be above its "
                             f"highest webhook id {max(state.items)}")
        state.next_id = data["next_id"]
        return state


def check_admin(user: User) -> None:
    """Webhooks are managed by admins only (facts page)."""
    if not user.is_admin:
        raise Forbidden()


def subscribe(company: Company, owner: User, fields: dict[str, Any], now: float, targets: Targets) -> Webhook:
    """A new webhook of `company` made by `owner` from validated body fields; raises FieldErrors."""
    check_admin(owner)
    url = fields["subscription_url"]
    try:
        targets.check(url)
    except TargetRefused as exc:
        raise FieldErrors({"subscription_url": [str(exc)]}) from None
    hooks: Subscriptions = company.webhooks
    with hooks.lock:
        user_id = fields.get("user_id") or owner.id
        if user_id not in company.users:
            raise FieldErrors({"user_id": [f"user {user_id} is not a user of this company"]})
        held = sum(1 for w in hooks.items.values() if w.user_id == user_id)
        if held >= MAX_PER_USER:
            raise FieldErrors({"user_id": [f"user {user_id} already has the maximum of {MAX_PER_USER} webhooks"]})
        webhook = Webhook(id=hooks.next_id, company_id=company.id, owner_id=owner.id, user_id=user_id,
                          event_action=fields["event_action"], event_object=fields["event_object"],
                          subscription_url=url, name=fields["name"], add_time=now,
                          version=fields.get("version") or DEFAULT_VERSION,
                          http_auth_user=fields.get("http_auth_user"),
                          http_auth_password=fields.get("http_auth_password"))
        hooks.next_id += 1
        hooks.items = {**hooks.items, webhook.id: webhook}
        return webhook


def unsubscribe(company: Company, user: User, webhook_id: int) -> Webhook:
    check_admin(user)
    hooks: Subscriptions = company.webhooks
    with hooks.lock:
        webhook = hooks.items.get(webhook_id)
        if webhook is None:
            raise FieldErrors({"id": ["not found"]}, status=404)
        hooks.items = {k: w for k, w in hooks.items.items() if k != webhook_id}
        return webhook


def webhooks(company: Company) -> list[Webhook]:
    return sorted(company.webhooks.items.values(), key=lambda w: w.id)


def _iso(seconds: float | None) -> str | None:
    return payload.iso_millis(seconds) if seconds is not None else None


def webhook_dict(webhook: Webhook) -> dict[str, Any]:
    """The official BaseWebhook (the v1 spec's example: ISO times with milliseconds, `is_active` 0/1)."""
    return {
        "id": webhook.id, "company_id": webhook.company_id, "owner_id": webhook.owner_id,
        "user_id": webhook.user_id, "event_action": webhook.event_action, "event_object": webhook.event_object,
        "subscription_url": webhook.subscription_url, "version": webhook.version,
        "is_active": 0 if webhook.banned_at is not None else 1, "add_time": _iso(webhook.add_time),
        "remove_time": None, "type": WEBHOOK_TYPE, "http_auth_user": webhook.http_auth_user,
        "http_auth_password": webhook.http_auth_password, "remove_reason": None,
        "last_delivery_time": _iso(webhook.last_delivery_time), "last_http_status": webhook.last_http_status,
        "admin_id": webhook.owner_id, "name": webhook.name,
    }


class StoreRegistry:
    """The engine's view of the subscriptions of a store (delivery.Registry)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _company(self, webhook: Webhook) -> Company | None:
        try:
            return self.store.company(webhook.company_id)
        except NotFound:  # the company is gone (a reset, a snapshot)
            return None

    def alive(self, webhook: Webhook) -> bool:
        company = self._company(webhook)
        return company is not None and company.webhooks.items.get(webhook.id) is webhook

    def remove(self, webhook: Webhook) -> None:
        company = self._company(webhook)
        if company is None:
            return
        hooks: Subscriptions = company.webhooks
        with hooks.lock:
            if hooks.items.get(webhook.id) is webhook:
                hooks.items = {k: w for k, w in hooks.items.items() if w is not webhook}

    def permitted(self, webhook: Webhook) -> list[int]:
        company = self._company(webhook)
        return sorted(company.users) if company is not None else []

    def webhooks(self) -> list[Webhook]:
        """Every subscription of every company."""
        return [w for company in self.store.companies() for w in company.webhooks.items.values()]

