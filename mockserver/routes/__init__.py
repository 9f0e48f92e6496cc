"""Blueprints of the mock itself: the control API and its dashboard (Pipedrive's resources are in resources/)."""
from __future__ import annotations

from ..resources.oauth import control as _oauth_control  # noqa: F401 - adds the OAuth apps to the control blueprint
from . import inspection as _inspection  # noqa: F401 - adds the dashboard's reads to the control blueprint
from .control import blueprint as control_blueprint
from .dashboard import blueprint as dashboard_blueprint

__all__ = ["control_blueprint", "dashboard_blueprint"]
