"""The pieces of a delivery body that are made by hand rather than by a schema: event ids and timestamps."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from pipedrive_mock.resources.webhooks.payload import iso_millis, new_event_id


def test_event_ids_are_distinct_version_4_uuids_in_canonical_text() -> None:
    ids = [new_event_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(timezone.utc)))
def test_iso_millis_is_the_utc_time_with_milliseconds_and_a_four_digit_year(moment: datetime) -> None:
    text = iso_millis(moment.timestamp())
    assert len(text) == 24 and text.endswith("Z")
    parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    # The float timestamp itself is only as exact as a double: a few microseconds in the far future.
    assert abs((parsed - moment).total_seconds()) < 0.001 + abs(moment.timestamp()) * 2 ** -50 + 1e-6


def test_iso_millis_of_the_first_year_keeps_its_zeros() -> None:
    assert iso_millis(datetime(1, 1, 1, 0, 0, 0, 250_000, tzinfo=timezone.utc).timestamp()) == \
        "0001-01-01T00:00:00.250Z"
