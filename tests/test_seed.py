"""Seeding: deterministic for a seed and clock, and realistic."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from pipedrive_mock import Clock, Store, create_app


def dump_all(store: Store) -> bytes:
    client = create_app(store).test_client()
    return client.get("/api/v2/activities?limit=500&include_fields=attendees",
                      headers={"x-api-token": "admin-token"}).get_data()


def test_same_seed_and_clock_give_byte_identical_data(clock: Clock) -> None:
    first = dump_all(Store.default(seed=5, activities=300, clock=clock))
    second = dump_all(Store.default(seed=5, activities=300, clock=clock))
    assert first == second


def test_other_seed_gives_other_data(clock: Clock) -> None:
    assert dump_all(Store.default(seed=5, activities=50, clock=clock)) != \
        dump_all(Store.default(seed=6, activities=50, clock=clock))


def test_seeded_activities_are_realistic_and_linked(store: Store, clock: Any) -> None:
    company = store.company(1)
    activities = list(company.activities.values())
    now = clock.now()
    assert len({a.type for a in activities}) >= 4
    assert any(a.done for a in activities) and any(not a.done for a in activities)
    for a in activities:
        assert a.type in company.activity_types and a.owner_id in company.users
        assert a.add_time <= a.update_time <= now
        assert abs(datetime.fromisoformat(a.due_date).date() - now.date()) <= timedelta(days=60)
        assert a.person_id in company.entities["person"]
        assert a.deal_id is None or a.deal_id in company.entities["deal"]
        assert (a.marked_as_done_time is not None) == a.done
    assert any(a.location for a in activities) and any(a.attendees for a in activities)


def test_seed_count_is_respected() -> None:
    assert len(Store.default(activities=1234).company(1).activities) == 1234


def test_seeded_indexes_hold_each_records_own_keys_in_order() -> None:
    # The seed hands the index its time keys as it makes the records; they must be the records' own.
    from pipedrive_mock.company.indexes import SORT_FIELDS, sort_key

    company = Store.default(seed=3, activities=2000).company(1)
    live = list(company.activities.values())
    for field in SORT_FIELDS:
        assert list(company.indexes.by_field[field]) == sorted(sort_key(field, a) for a in live), field


@pytest.mark.parametrize("at", [1893456000.0, -10 * 365 * 86400.0])  # 2030, and 1960 (keys below zero)
def test_seeded_indexes_equal_indexes_built_from_the_records(at: float) -> None:
    # The seed hands the index its ids, time keys and open-link counts; built from the records alone, the
    # indexes must come out the same.
    from pipedrive_mock.company.indexes import ActivityIndexes

    clock = Clock()
    clock.set(at)
    seeded = Store.default(seed=3, activities=20_000, clock=clock).company(1).indexes
    built = ActivityIndexes(list(Store.default(seed=3, activities=20_000, clock=clock).company(1).activities.values()))
    assert {field: list(index) for field, index in seeded.by_field.items()} == \
        {field: list(index) for field, index in built.by_field.items()}
    assert seeded.open_links == built.open_links and all(seeded.open_links.values())
    assert [a and a.id for a in seeded.rows] == [a and a.id for a in built.rows]


def test_indexes_built_from_records_sort_due_dates_as_their_keys_do() -> None:
    # Undated records after dated ones, ties by id, whatever order the records come in (a snapshot's).
    from dataclasses import replace

    from pipedrive_mock.company.indexes import ActivityIndexes, sort_key

    records = list(Store.default(seed=4, activities=300).company(1).activities.values())
    records = [replace(a, due_date=None) if a.id % 7 == 0 else a for a in reversed(records)]
    index = ActivityIndexes(records, keys={"update_time": [1, 2]})  # keys of another length are not used
    for field in ("due_date", "update_time"):
        assert list(index.by_field[field]) == sorted(sort_key(field, a) for a in records), field


def test_seeded_activities_link_every_pool_entity_and_every_due_date() -> None:
    # Each choice is a random byte looked up in a table: every entity and date must have a share of it.
    company = Store.default(seed=2, activities=20_000).company(1)
    activities = list(company.activities.values())
    for link, kind in (("person_id", "person"), ("deal_id", "deal"), ("lead_id", "lead"), ("project_id", "project")):
        assert {getattr(a, link) for a in activities} - {None} == set(company.entities[kind]), link
    assert len({a.due_date for a in activities}) == 91
    assert len({a.subject for a in activities}) > 500
