"""Blueprints of the Pipedrive operations: v2, and v1 at both of its prefixes."""
from __future__ import annotations

from .v1 import blueprint as v1_blueprint
from .v2 import blueprint as v2_blueprint

__all__ = ["v1_blueprint", "v2_blueprint"]
