"""An offline, stateful mock of Pipedrive's Activities API, validated against openapi.yaml."""
from __future__ import annotations

from .app import MockState, create_app
from .clock import Clock
from .constants import ADMIN_TOKEN, USER_TOKEN
from .store import Store

__all__ = ["ADMIN_TOKEN", "USER_TOKEN", "Clock", "MockState", "Store", "create_app"]
