"""marshmallow schemas: a validated body into record fields, a record into its v2 or v1 shape."""
from __future__ import annotations

from .body import ActivityInputSchema
from .v1 import ActivityV1Schema
from .v2 import ActivityV2Schema, AttendeeSchema, LocationSchema, ParticipantSchema

__all__ = ["ActivityInputSchema", "ActivityV1Schema", "ActivityV2Schema", "AttendeeSchema",
           "LocationSchema", "ParticipantSchema"]
