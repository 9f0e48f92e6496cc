"""From a write of an activity to the changes the webhooks are told about (the store's listener)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import has_request_context, request

from ...clock import Clock
from ...company import Company
from ...context import serving_direct
from ...model import Activity
from .delivery import Deliveries
from .model import Change, action_of

if TYPE_CHECKING:
    from .subscriptions import Subscriptions

ENTITY = "activity"


def change_source() -> str:
    """"api" for a change made by a Pipedrive REST call; "app" otherwise (the plugin's store and the
    control API arrange data the way someone using Pipedrive's web app would)."""
    if serving_direct() or has_request_context() and not request.path.startswith("/_mock"):
        return "api"
    return "app"


class ActivityEvents:
    """Listens to every company of a store (Store.listen) and hands matching changes to the engine."""

    def __init__(self, clock: Clock, deliveries: Deliveries) -> None:
        self.clock = clock
        self.deliveries = deliveries

    def __call__(self, company: Company, before: Activity | None, after: Activity, batch: str | None) -> None:
        action = action_of(before, after)
        hooks: Subscriptions = company.states["webhooks"]  # type: ignore[assignment]
        items = hooks.items
        if not items:
            return
        matching = [w for w in items.values() if w.matches(action, ENTITY)]
        if not matching:
            return
        user_id = after.update_user_id if after.update_user_id is not None else after.creator_user_id
        change = Change(action, before, after, user_id, self.clock.time(), change_source(),
                        is_bulk_edit=batch is not None, correlation_id=batch or "")
        self.deliveries.emit(matching, change)
