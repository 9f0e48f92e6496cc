"""Compiled dumpers: the same output as the marshmallow schemas they are made from."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from marshmallow import Schema, fields

from pipedrive_mock import ADMIN_TOKEN, Store, create_app
from pipedrive_mock.dumper import compile_schema
from pipedrive_mock.resources.activities.schemas import ActivityV1Schema, ActivityV2Schema
from pipedrive_mock.resources.webhooks.payload import WebhookActivitySchema

SCHEMAS = {"v2": ActivityV2Schema(exclude=("attendees",)), "v2 with attendees": ActivityV2Schema(),
           "v1": ActivityV1Schema(), "webhook delivery": WebhookActivitySchema()}


def _written_activities() -> list:  # type: ignore[type-arg]
    """Seeded records of every kind, plus ones written through the API: nulls, a location, done, deleted."""
    store = Store.default(activities=400)
    client = create_app(store).test_client()
    headers = {"x-api-token": ADMIN_TOKEN}
    added = client.post("/api/v2/activities", headers=headers, json={
        "subject": "Visit", "type": "meeting", "done": True, "location": {"value": "1 Main St", "country": "US"},
        "attendees": [{"email": "a@example.com"}], "participants": [{"person_id": 3, "primary": True}],
        "due_date": "2030-01-02", "due_time": "10:00", "priority": 2}).get_json()["data"]
    client.patch(f"/api/v2/activities/{added['id']}", headers=headers, json={"location": None, "note": None})
    client.delete("/api/v2/activities/5", headers=headers)
    return list(store.company(1).activities.values())


@pytest.mark.parametrize("name", SCHEMAS)
def test_compiled_dump_equals_the_schema_dump_key_for_key(name: str) -> None:
    schema = SCHEMAS[name]
    dump = compile_schema(schema)
    assert dump != schema.dump  # compiled, not fallen back
    for activity in _written_activities():
        compiled, reference = dump(activity), schema.dump(activity)
        assert compiled == reference and list(compiled) == list(reference), activity.id


def test_field_kind_it_cannot_compile_falls_back_to_the_schema() -> None:
    class Odd(Schema):
        when = fields.DateTime(format="%d/%m/%Y")
        size = fields.Float()

    schema = Odd()
    dump = compile_schema(schema)
    assert dump == schema.dump

    class Timed(Schema):
        when = fields.DateTime(format="%d/%m/%Y")

    class Record:
        when = datetime(2030, 1, 2, tzinfo=timezone.utc)

    assert compile_schema(Timed())(Record()) == Timed().dump(Record()) == {"when": "02/01/2030"}
