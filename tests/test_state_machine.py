"""Model-based test: the mock and a small reference model (a dict) agree after any sequence of calls.

Rules add, update, delete (one and bulk), get, list (walking every page) and move the clock, also
past the 30-day purge; after each step the visible state of both must be the same.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pipedrive_mock import ADMIN_TOKEN, create_app
from pipedrive_mock.resources.activity_fields.options import PRIORITY_OPTIONS
from pipedrive_mock.constants import PURGE_AFTER_SECONDS

SEEDED = 4
PAGE = 3
START = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
HEADERS = {"x-api-token": ADMIN_TOKEN}
DAY = 24 * 3600
ids = st.integers(min_value=1, max_value=SEEDED + 12)
subjects = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
FIELD_VALUES = {
    "subject": subjects,
    "busy": st.booleans(),
    "done": st.booleans(),
    "priority": st.none() | st.sampled_from(sorted(PRIORITY_OPTIONS)),  # the option ids of activityFields
    "due_date": st.none() | st.dates().map(lambda d: d.isoformat()),
}
MODELLED = tuple(FIELD_VALUES)


@dataclass(frozen=True)
class Expected:
    fields: dict[str, Any]
    deleted_at: float | None = None


class ActivitiesMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(seed=7, activities=SEEDED)
        self.state = self.app.extensions["pipedrive_mock"]
        self.state.clock.freeze(START)
        self.client = self.app.test_client()
        company = self.state.store.company(1)
        self.model = {a.id: Expected({f: getattr(a, f) for f in MODELLED}) for a in company.activities.values()}
        self.next_id = SEEDED + 1

    # -- the reference model's rules -----------------------------------------------------------
    def _purge(self) -> None:
        now = self.state.clock.time()
        self.model = {i: e for i, e in self.model.items()
                      if e.deleted_at is None or e.deleted_at + PURGE_AFTER_SECONDS > now}

    def _live(self, activity_id: int) -> bool:
        return activity_id in self.model and self.model[activity_id].deleted_at is None

    def _agree(self, activity_id: int, data: dict[str, Any]) -> None:
        expected = self.model[activity_id]
        assert {f: data[f] for f in MODELLED} == expected.fields
        assert data["is_deleted"] is (expected.deleted_at is not None)
        assert (data["marked_as_done_time"] is not None) is expected.fields["done"]

    # -- rules ---------------------------------------------------------------------------------
    @rule(values=st.fixed_dictionaries({}, optional=FIELD_VALUES))
    def add(self, values: dict[str, Any]) -> None:
        response = self.client.post("/api/v2/activities", headers=HEADERS, json=values)
        assert response.status_code == 200, response.get_json()
        data = response.get_json()["data"]
        assert data["id"] == self.next_id
        fields = {"subject": "Call", "busy": False, "done": False, "priority": None, "due_date": None, **values}
        self.model[self.next_id] = Expected(fields)
        self.next_id += 1
        self._agree(data["id"], data)

    @rule(activity_id=ids, values=st.fixed_dictionaries({}, optional=FIELD_VALUES).filter(bool))
    def update(self, activity_id: int, values: dict[str, Any]) -> None:
        response = self.client.patch(f"/api/v2/activities/{activity_id}", headers=HEADERS, json=values)
        self._purge()
        if not self._live(activity_id):
            assert response.status_code == 404
            return
        assert response.status_code == 200, response.get_json()
        current = self.model[activity_id]
        self.model[activity_id] = replace(current, fields={**current.fields, **values})
        self._agree(activity_id, response.get_json()["data"])

    @rule(activity_id=ids)
    def delete(self, activity_id: int) -> None:
        response = self.client.delete(f"/api/v2/activities/{activity_id}", headers=HEADERS)
        self._purge()
        if not self._live(activity_id):
            assert response.status_code == 404
            return
        assert response.get_json() == {"success": True, "data": {"id": activity_id}}
        self.model[activity_id] = replace(self.model[activity_id], deleted_at=self.state.clock.time())

    @rule(chosen=st.lists(ids, min_size=1, max_size=5))
    def bulk_delete(self, chosen: list[int]) -> None:
        response = self.client.delete(f"/v1/activities?ids={','.join(map(str, chosen))}", headers=HEADERS)
        self._purge()
        expected = [i for i in dict.fromkeys(chosen) if self._live(i)]
        assert response.get_json()["data"] == {"id": expected}
        for activity_id in expected:
            self.model[activity_id] = replace(self.model[activity_id], deleted_at=self.state.clock.time())

    @rule(activity_id=ids)
    def get(self, activity_id: int) -> None:
        response = self.client.get(f"/api/v2/activities/{activity_id}", headers=HEADERS)
        self._purge()
        if activity_id not in self.model:
            assert response.status_code == 404
            return
        assert response.status_code == 200
        self._agree(activity_id, response.get_json()["data"])

    @rule(direction=st.sampled_from(["asc", "desc"]))
    def list_all_pages(self, direction: str) -> None:
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = f"?limit={PAGE}&sort_direction={direction}" + (f"&cursor={cursor}" if cursor else "")
            body = self.client.get("/api/v2/activities" + query, headers=HEADERS).get_json()
            seen += body["data"]
            cursor = body["additional_data"]["next_cursor"]
            if cursor is None:
                break
        self._purge()
        live = sorted((i for i in self.model if self._live(i)), reverse=direction == "desc")
        assert [a["id"] for a in seen] == live
        for data in seen:
            self._agree(data["id"], data)

    @rule(seconds=st.sampled_from([1, 3600, DAY, 29 * DAY, 30 * DAY, 31 * DAY]))
    def move_clock(self, seconds: int) -> None:
        self.state.clock.advance(seconds)

    @invariant()
    def purged_activities_are_gone_from_the_store(self) -> None:
        self._purge()
        company = self.state.store.company(1)
        company.purge(self.state.clock.time())
        assert set(company.activities) == set(self.model)


ActivitiesMachine.TestCase.settings = settings(
    max_examples=20, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_store_agrees_with_reference_model = ActivitiesMachine.TestCase
