"""The whole state of a store as versioned JSON, and back.

A restore builds every company aside first and swaps them in at once, so a bad snapshot changes
nothing. The restored state becomes each company's seeded state: a later reset returns to it.
"""
from __future__ import annotations

import time
from dataclasses import asdict, fields
from collections.abc import Callable
from typing import Any

import orjson

from . import times
from .clock import Clock
from .company import ENTITY_KINDS, Company
from .resources import company_states
from .errors import BadRequest
from .model import LOCATION_KEYS, Activity, ActivityType, Entity, SavedFilter, User
from .store import Store

VERSION = 1
_ACTIVITY_FIELDS = tuple(f.name for f in fields(Activity) if f.init and f.name != "company_id")
_TIME_FIELDS = ("add_time", "update_time", "marked_as_done_time", "deleted_time")
# The offset of a flowing clock from wall time is kept to the millisecond (two reads of time differ).
_OFFSET_DIGITS = 3
# -- dump ---------------------------------------------------------------------------------------
def dump_clock(clock: Clock) -> dict[str, Any]:
    """The clock as the control API shows it, plus a flowing clock's offset from wall time."""
    now = clock.time()
    return {"now": times.format_seconds(now), "frozen": clock.frozen,
            "offset": 0.0 if clock.frozen else round(now - time.time(), _OFFSET_DIGITS) + 0.0}


def activity_json(activity: Activity) -> orjson.Fragment:
    """Kept with each (immutable) record, so a snapshot re-serializes only what changed."""
    cached = activity.json_snapshot
    if cached is None:
        values = {name: getattr(activity, name) for name in _ACTIVITY_FIELDS}
        for name in _TIME_FIELDS:
            if values[name] is not None:
                values[name] = times.format(values[name])
        cached = activity.json_snapshot = orjson.dumps(values)
    return orjson.Fragment(cached)


# A company's parts besides its activities and resource states, each as the snapshot holds it; the
# state file's log (changes.py) writes a part again only when it changed.
SECTIONS: dict[str, Callable[[Company], Any]] = {
    "users": lambda company: [{"id": u.id, "name": u.name, "email": u.email, "token": u.token,
                               "is_admin": u.is_admin} for u in company.users.values()],
    "activity_types": lambda company: [asdict(t) for t in company.activity_types.values()],
    "entities": lambda company: {kind: [asdict(e) for e in pool.values()] for kind, pool in company.entities.items()},
    "filters": lambda company: [asdict(f) for f in company.filters.values()],
}
SCALARS = ("id", "name", "seed", "next_id")


def _parts(company: Company) -> tuple[dict[str, Any], dict[int, Activity], dict[str, Any]]:
    """The company's parts before its activities, its activities (a copy) and its resources' states."""
    with company.lock:
        head = {name: getattr(company, name) for name in SCALARS}
        head.update((name, dump(company)) for name, dump in SECTIONS.items())
        # Each resource's own state, under its name (resources/resource.py).
        return head, dict(company.activities), {name: state.dump() for name, state in company.states.items()}


def _whole(parts: tuple[dict[str, Any], dict[int, Activity], dict[str, Any]]) -> dict[str, Any]:
    head, activities, states = parts
    return {**head, "activities": [activity_json(activities[i]) for i in sorted(activities)], **states}


def dump_company(company: Company) -> dict[str, Any]:
    """One company as the snapshot holds it."""
    return _whole(_parts(company))


def capture(store: Store) -> Callable[[], bytes]:
    """The store's state now, to be made into snapshot bytes later, on any thread (the records are
    immutable and each company's parts are copied here, under its lock): what `dumps` gives now."""
    clock, next_user_id = dump_clock(store.clock), store.next_user_id
    companies = [_parts(c) for c in sorted(store.companies(), key=lambda c: c.id)]
    return lambda: orjson.dumps({"version": VERSION, "clock": clock, "next_user_id": next_user_id,
                                 "companies": [_whole(parts) for parts in companies]})


def dumps(store: Store) -> bytes:
    """The snapshot as JSON bytes (what GET /_mock/snapshot and the state file hold)."""
    return capture(store)()


# -- restore ------------------------------------------------------------------------------------
def _load_activity(company_id: int, values: dict[str, Any]) -> Activity:
    values = {"update_user_id": None, **values}
    for name in _TIME_FIELDS:
        if values.get(name) is not None:
            values[name] = times.parse(values[name], f"snapshot field '{name}' of activity {values['id']}")
    for name in ("participants", "attendees"):
        values[name] = tuple(values.get(name) or ())
    if values.get("location") is not None:
        values["location"] = {key: values["location"].get(key) for key in LOCATION_KEYS}
    return Activity(company_id=company_id, **values)


def _unique(kind: str, ids: list[Any]) -> None:
    seen: set[Any] = set()
    for item in ids:
        if item in seen:
            raise BadRequest(f"Invalid snapshot: {kind} {item!r} appears twice")
        seen.add(item)


def _load_company(data: dict[str, Any]) -> Company:
    company = Company(data["id"], data["name"])
    company.seed = data.get("seed")
    company.users = {u["id"]: User(company_id=company.id, **u) for u in data["users"]}
    company.activity_types = {t["key_string"]: ActivityType(**t) for t in data["activity_types"]}
    kinds = [*data["entities"], *(kind for kind in ENTITY_KINDS if kind not in data["entities"])]
    company.entities = {kind: {e["id"]: Entity(**e) for e in data["entities"].get(kind, ())} for kind in kinds}
    company.filters = {f["id"]: SavedFilter(f["id"], f["name"], tuple(tuple(c) for c in f["conditions"]))
                       for f in data["filters"]}
    _unique(f"user id in company {company.id}:", [u["id"] for u in data["users"]])
    _unique(f"activity type in company {company.id}:", [t["key_string"] for t in data["activity_types"]])
    _unique(f"activity id in company {company.id}:", [a["id"] for a in data["activities"]])
    company.load_activities(_load_activity(company.id, a) for a in data["activities"])
    if data["next_id"] < company.next_id:
        raise BadRequest(f"Invalid snapshot: next_id {data['next_id']} of company {company.id} must be above "
                         f"its highest activity id {company.next_id - 1}")
    company.next_id = data["next_id"]
    try:
        company.states = company_states(company.id, data)
    except ValueError as exc:
        raise BadRequest(f"Invalid snapshot: {exc}") from None
    company.mark_pristine()
    return company


def _restore_clock(clock: Clock, data: dict[str, Any]) -> None:
    if data["frozen"]:
        clock.freeze(times.seconds(data["now"], "snapshot field 'clock.now'"))
    else:
        clock.reset()
        clock.advance(data.get("offset", 0.0))


def restore(store: Store, document: dict[str, Any]) -> None:
    """Replace the store's whole state with a snapshot (already checked against its schema)."""
    if document.get("version") != VERSION:
        raise BadRequest(f"Unsupported snapshot version {document.get('version')!r}: expected {VERSION}")
    _unique("company id", [c["id"] for c in document["companies"]])
    companies = [_load_company(data) for data in document["companies"]]
    clock = document["clock"]
    if clock["frozen"]:
        times.clock_instant(clock["now"], "snapshot field 'clock.now'")
    else:
        times.check_clock(time.time() + clock.get("offset", 0.0), "snapshot field 'clock.offset'")
    try:
        store.replace(companies, document["next_user_id"])
    except ValueError as exc:
        raise BadRequest(f"Invalid snapshot: {exc}") from None
    _restore_clock(store.clock, document["clock"])
