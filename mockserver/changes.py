"""What changed in a store since the state file's last record, and records applied to a snapshot.

A record holds values, never steps: the activities written (each whole, as the snapshot holds it) or
gone, the parts of a company that differ (`snapshot.SECTIONS`, its counters, each resource's state),
a company whole when it is new or was replaced (seeding, a restore), which companies exist, the clock
and the next user id. Applying a record sets what it holds, so applying records again over a state that
already has them changes nothing: replay is idempotent, which the compaction of the log relies on
(statefile.py). The cost of a record is what changed, not the size of the store.

How a change is seen: activity writes are noted by the company's undo log (`UndoLog.changed`); a
company's activity types, filters and entities are replaced on every change, never changed in place, so
an identity check finds them; users, counters and resource states are small and compared by value.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from . import snapshot

if TYPE_CHECKING:
    from .clock import Clock
    from .company import Company
    from .model import Activity
    from .store import Store

# The parts compared by identity: each is replaced, never changed in place, when it changes.
_REPLACED = ("activity_types", "filters", "entities")
# Record keys (a company in "patch" also has "id", "activities" and "removed").
CLOCK, NEXT_USER_ID, COMPANIES, PUT, PATCH = "clock", "next_user_id", "companies", "put", "patch"
RECORD_KEYS = frozenset({CLOCK, NEXT_USER_ID, COMPANIES, PUT, PATCH})


@dataclass(slots=True)
class _Seen:
    """A company as the log last wrote it."""
    company: Company
    activities: dict[int, Activity]
    replaced: tuple[Any, ...]
    values: dict[str, bytes]


def _clock_key(clock: Clock) -> tuple[bool, float]:
    """What a snapshot keeps of the clock: a frozen clock's instant, a flowing clock's offset (to the ms)."""
    now = clock.time()
    return (True, now) if clock.frozen else (False, round(now - time.time(), 3))


def _values(company: Company) -> dict[str, bytes]:
    """The parts compared by value, serialized."""
    values = {name: orjson.dumps(getattr(company, name)) for name in snapshot.SCALARS}
    values["users"] = orjson.dumps(snapshot.SECTIONS["users"](company))
    for name, state in company.states.items():
        values[name] = orjson.dumps(state.dump())
    return values


class Changes:
    """Finds what changed in one store since the last record it made (or since `baseline`)."""

    def __init__(self) -> None:
        self._clock: tuple[bool, float] | None = None
        self._next_user_id: int | None = None
        self._seen: dict[int, _Seen] = {}

    def baseline(self, store: Store) -> None:
        """The store as it is now is what the file holds: the next record holds only what changes after."""
        self._clock, self._next_user_id = _clock_key(store.clock), store.next_user_id
        self._seen = {}
        for company in store.companies():
            with company.lock:
                self._see(company)

    def record(self, store: Store, company: Company | None = None) -> dict[str, Any] | None:
        """What changed since the last record (None: nothing). With `company`, only that company is
        looked at (an API call changes its own company); without, every company and which exist."""
        record: dict[str, Any] = {}
        clock = _clock_key(store.clock)
        if clock != self._clock:
            self._clock, record[CLOCK] = clock, snapshot.dump_clock(store.clock)
        if store.next_user_id != self._next_user_id:
            self._next_user_id = record[NEXT_USER_ID] = store.next_user_id
        if company is not None:
            companies = [company]
        else:
            companies = list(store.companies())
            ids = {c.id for c in companies}
            if ids != self._seen.keys():
                record[COMPANIES] = sorted(ids)
                for gone in self._seen.keys() - ids:
                    del self._seen[gone]
        for each in companies:
            self._company(each, record)
        return record or None

    def _see(self, company: Company) -> None:
        """Remember `company` as it is (the caller holds its lock), and note its activity writes from now."""
        company.undo.changed = set()
        self._seen[company.id] = _Seen(company, company.activities,
                                       tuple(getattr(company, name) for name in _REPLACED), _values(company))

    def _company(self, company: Company, record: dict[str, Any]) -> None:
        with company.lock:
            seen = self._seen.get(company.id)
            if seen is None or seen.company is not company or seen.activities is not company.activities \
                    or company.undo.changed is None:
                record.setdefault(PUT, []).append(snapshot.dump_company(company))
                self._see(company)
                return
            patch: dict[str, Any] = {}
            written, company.undo.changed = company.undo.changed, set()
            if written:
                activities, removed = [], []
                for activity_id in sorted(written):
                    activity = company.activities.get(activity_id)
                    if activity is None:
                        removed.append(activity_id)
                    else:
                        activities.append(snapshot.activity_json(activity))
                if activities:
                    patch["activities"] = activities
                if removed:
                    patch["removed"] = removed
            replaced = tuple(getattr(company, name) for name in _REPLACED)
            for name, before, now in zip(_REPLACED, seen.replaced, replaced):
                if now is not before:
                    patch[name] = snapshot.SECTIONS[name](company)
            seen.replaced = replaced
            values = _values(company)
            for name, value in values.items():
                if seen.values.get(name) != value:
                    patch[name] = orjson.Fragment(value)
            seen.values = values
        if patch:
            record.setdefault(PATCH, []).append({"id": company.id, **patch})


class Replay:
    """A snapshot document with records applied to it, in their order (the document is changed)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._companies: dict[int, dict[str, Any]] = {c["id"]: c for c in document["companies"]}
        self._activities: dict[int, dict[int, Any]] = {}  # by company, made when a record first needs it

    def apply(self, record: dict[str, Any]) -> None:
        """Set what `record` holds. Raises KeyError, TypeError or ValueError when it is not a record."""
        unknown = record.keys() - RECORD_KEYS
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}")
        if CLOCK in record:
            self.document[CLOCK] = record[CLOCK]
        if NEXT_USER_ID in record:
            self.document[NEXT_USER_ID] = record[NEXT_USER_ID]
        for company in record.get(PUT, ()):
            self._companies[company["id"]] = company
            self._activities.pop(company["id"], None)
        if COMPANIES in record:
            keep = set(record[COMPANIES])
            for gone in self._companies.keys() - keep:
                del self._companies[gone]
                self._activities.pop(gone, None)
        for patch in record.get(PATCH, ()):
            company = self._companies.get(patch["id"])
            if company is None:
                continue  # dropped by a later record already applied to the snapshot (a replay again)
            for name, value in patch.items():
                if name not in ("id", "activities", "removed"):
                    company[name] = value
            if "activities" in patch or "removed" in patch:
                activities = self._activities.get(patch["id"])
                if activities is None:
                    activities = self._activities[patch["id"]] = {a["id"]: a for a in company["activities"]}
                for activity in patch.get("activities", ()):
                    activities[activity["id"]] = activity
                for activity_id in patch.get("removed", ()):
                    activities.pop(activity_id, None)

    def result(self) -> dict[str, Any]:
        """The document with every record applied, companies and activities in id order."""
        for company_id, activities in self._activities.items():
            self._companies[company_id]["activities"] = [activities[i] for i in sorted(activities)]
        self._activities = {}
        self.document["companies"] = [self._companies[i] for i in sorted(self._companies)]
        return self.document
