"""Blueprints: the Pipedrive operations (v2, v1), the control API and the spec itself."""
from __future__ import annotations

from .control import blueprint as control
from .v1 import blueprint as v1
from .v2 import blueprint as v2

__all__ = ["control", "v1", "v2"]
