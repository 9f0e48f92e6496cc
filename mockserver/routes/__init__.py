"""Blueprints: the Pipedrive operations (v2, v1) and the spec itself."""
from __future__ import annotations

from .v1 import blueprint as v1
from .v2 import blueprint as v2

__all__ = ["v1", "v2"]
