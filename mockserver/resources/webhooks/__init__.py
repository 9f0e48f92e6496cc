"""Pipedrive webhooks: subscriptions (`/v1/webhooks`), and real deliveries of every activity change
with Pipedrive's retry lifecycle on the mock clock."""
from __future__ import annotations

from .delivery import Deliveries
from .events import ActivityEvents
from .model import Change, Webhook
from .schema import payload_errors, payload_schema
from .subscriptions import StoreRegistry
from .targets import Targets

__all__ = ["ActivityEvents", "Change", "Deliveries", "StoreRegistry", "Targets", "Webhook", "payload_errors",
           "payload_schema"]
