"""An offline, stateful mock of Pipedrive's Activities API, validated against openapi.yaml.

Installed as `pipedrive_mock` (README, "Install"). Kept light: the pytest plugin
(`pipedrive_mock.fixtures`) is imported in every pytest session of a user who installed the project,
and importing it imports this package first, so the names below load on first use.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["ADMIN_TOKEN", "USER_TOKEN", "Clock", "LiveServer", "MockState", "RunningMock", "Store", "__version__",
           "create_app", "serve"]

_HOMES = {"ADMIN_TOKEN": "constants", "USER_TOKEN": "constants", "Clock": "clock", "MockState": "state",
          "Store": "store", "create_app": "app", "LiveServer": "live", "RunningMock": "live", "serve": "live"}

if TYPE_CHECKING:
    from .app import create_app
    from .state import MockState
    from .clock import Clock
    from .constants import ADMIN_TOKEN, USER_TOKEN
    from .live import LiveServer, RunningMock, serve
    from .store import Store


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
