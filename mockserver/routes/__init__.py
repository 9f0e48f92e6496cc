"""Blueprints: the Pipedrive operations (v2, and v1 at both of its prefixes) and the control API."""
from __future__ import annotations

from . import inspection as _inspection  # noqa: F401 - adds the dashboard's reads to the control blueprint
from .control import blueprint as control_blueprint
from .dashboard import blueprint as dashboard_blueprint
from .v1 import blueprint as v1_blueprint
from .v2 import blueprint as v2_blueprint

__all__ = ["control_blueprint", "dashboard_blueprint", "v1_blueprint", "v2_blueprint"]
