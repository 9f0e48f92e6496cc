"""Your own seed data: a YAML or JSON file of a company's users, activity types, entities and activities.

One format for `mockserver serve --data FILE`, the pytest plugin (`pipedrive_mock_data`, the marker's
`data=`) and `POST /_mock/seed` with `{"data": {...}}`, checked against the JSON Schema shipped with
the package (`seed-data.schema.json`). Each section the file gives replaces that part of the company;
ids it leaves out are assigned in order. The result is restored like a snapshot, so it becomes the
company's seeded state: a reset returns to it.
"""
from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson

from . import snapshot, times
from .errors import ApiError, MockServerError
from .store import Store

SCHEMA_FILE = "seed-data.schema.json"
# The file's section names, and the snapshot's entity kinds they fill.
ENTITY_SECTIONS = {"persons": "person", "organizations": "org", "deals": "deal", "projects": "project"}
SHOWN_PROBLEMS = 3


class DataFileError(MockServerError):
    """A seed data file that cannot be used, with where and what is wrong."""


def schema_text() -> str:
    return files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(json.loads(schema_text()))


def validate(document: Any, source: str) -> Any:
    """`document` if the schema allows it; else DataFileError naming the first problems and their paths."""
    problems = [f"{_where(error.instance_path)}: {error.message}" for error in _validator().iter_errors(document)]
    if problems:
        more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
        raise DataFileError(f"{source} is not valid seed data: {'; '.join(problems[:SHOWN_PROBLEMS])}{more}")
    return document


def read(path: str | Path) -> dict[str, Any]:
    """The validated document of a YAML or JSON file (JSON is YAML too)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    import yaml  # here, not at the top: a start without a data file never parses YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise DataFileError(f"{path} is not YAML or JSON{where}: {getattr(exc, 'problem', None) or exc}") from None
    if document is None:
        raise DataFileError(f"{path} is empty; the README's example file shows the format")
    return validate(document, str(path))


def apply(store: Store, document: dict[str, Any], *, source: str = "seed data", company_id: int = 1,
          reseed: int | None = None) -> None:
    """Company `company_id` as `document` describes it (already validated). Raises DataFileError.

    With `reseed`, the company's seeded pools (entities, default types) are drawn anew from that seed
    first; either way nothing changes unless the whole document applies.
    """
    state = orjson.loads(snapshot.dumps(store))
    if reseed is not None:
        scratch = Store.default(seed=reseed, activities=0, clock=store.clock)
        fresh = orjson.loads(snapshot.dumps(scratch))["companies"][0]
        for company in state["companies"]:
            if company["id"] == company_id:
                company.update(activity_types=fresh["activity_types"], entities=fresh["entities"],
                               seed=reseed)
    company = next((c for c in state["companies"] if c["id"] == company_id), None)
    if company is None:
        raise DataFileError(f"{source}: there is no company {company_id}")
    others = [c for c in state["companies"] if c["id"] != company_id]
    if "users" in document:
        company["users"] = _users(document["users"], others, company_id, source)
        highest = max(u["id"] for c in state["companies"] for u in c["users"])
        state["next_user_id"] = max(state["next_user_id"], highest + 1)
    if "activity_types" in document:
        company["activity_types"] = _activity_types(document["activity_types"], source)
    for section, kind in ENTITY_SECTIONS.items():
        if section in document:
            company["entities"][kind] = _entities(document[section], section, source)
    company["activities"] = _activities(document.get("activities", []), company, store, source)
    company["next_id"] = max((a["id"] for a in company["activities"]), default=0) + 1
    try:
        snapshot.restore(store, state)
    except ApiError as exc:
        raise DataFileError(f"{source}: {exc.message}") from None


def _where(path: Any) -> str:
    parts = list(path)
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    return text or "the document"


def _assign_ids(items: list[dict[str, Any]], taken: set[int]) -> list[int]:
    """Each item's id: its own, or the lowest free one, in order."""
    taken = taken | {item["id"] for item in items if "id" in item}
    ids, candidate = [], 1
    for item in items:
        if "id" in item:
            ids.append(item["id"])
            continue
        while candidate in taken:
            candidate += 1
        taken.add(candidate)
        ids.append(candidate)
    return ids


def _unique(values: list[Any], what: str, section: str, source: str) -> None:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise DataFileError(f"{source}: {section}[{index}].{what} {value!r} is given twice")
        seen.add(value)


def _users(users: list[dict[str, Any]], others: list[dict[str, Any]], company_id: int,
           source: str) -> list[dict[str, Any]]:
    other_ids = {u["id"] for c in others for u in c["users"]}
    other_tokens = {u["token"] for c in others for u in c["users"]}
    ids = _assign_ids(users, other_ids)
    result = []
    for index, (user, user_id) in enumerate(zip(users, ids)):
        slug = re.sub(r"[^a-z0-9]+", "-", user["name"].lower()).strip("-") or f"user-{user_id}"
        token = user.get("token", f"{slug}-token")
        if user_id in other_ids or token in other_tokens:
            raise DataFileError(f"{source}: users[{index}] has the id or token of a user of another company")
        result.append({"id": user_id, "name": user["name"], "token": token, "is_admin": user.get("admin", False),
                       "email": user.get("email", f"{slug.replace('-', '.')}.{user_id}@company{company_id}"
                                                  f".example.com")})
    _unique([u["id"] for u in result], "id", "users", source)
    _unique([u["token"] for u in result], "token", "users", source)
    if not any(u["is_admin"] for u in result):
        raise DataFileError(f"{source}: users: at least one user must be an admin (admin: true)")
    return result


def _activity_types(types: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    ids = _assign_ids(types, set())
    result = [{"id": type_id, "key_string": t["key"], "name": t.get("name", t["key"].replace("_", " ").title()),
               "active_flag": t.get("active", True)} for t, type_id in zip(types, ids)]
    _unique([t["key_string"] for t in result], "key", "activity_types", source)
    _unique([t["id"] for t in result], "id", "activity_types", source)
    if not any(t["active_flag"] for t in result):
        raise DataFileError(f"{source}: activity_types: at least one type must be active")
    return result


def _entities(items: list[dict[str, Any]], section: str, source: str) -> list[dict[str, Any]]:
    ids = _assign_ids(items, set())
    _unique(ids, "id", section, source)
    return [{"id": entity_id, "name": item["name"], "org_id": item.get("org_id"), "email": item.get("email")}
            for item, entity_id in zip(items, ids)]


def _activities(items: list[dict[str, Any]], company: dict[str, Any], store: Store,
                source: str) -> list[dict[str, Any]]:
    users = {u["id"]: u for u in company["users"]}
    types = [t["key_string"] for t in company["activity_types"]]
    active = [t["key_string"] for t in company["activity_types"] if t["active_flag"]]
    admin = next(u["id"] for u in company["users"] if u["is_admin"])
    now = times.format(store.clock.now())
    ids = _assign_ids(items, set())
    _unique(ids, "id", "activities", source)
    result = []
    for index, (item, activity_id) in enumerate(zip(items, ids)):
        values = {key: value for key, value in item.items() if key != "id"}
        values.setdefault("type", active[0])
        values.setdefault("owner_id", admin)
        values.setdefault("creator_user_id", values["owner_id"])
        values.setdefault("add_time", now)
        values.setdefault("update_time", values["add_time"])
        for field in ("owner_id", "creator_user_id"):
            if values[field] not in users:
                raise DataFileError(f"{source}: activities[{index}].{field} {values[field]} is not a user "
                                    f"(users: {', '.join(map(str, sorted(users)))})")
        if values["type"] not in types:
            raise DataFileError(f"{source}: activities[{index}].type {values['type']!r} is not an activity type "
                                f"(types: {', '.join(types)})")
        if values.get("done"):
            values["marked_as_done_time"] = values["update_time"]
        if values.get("person_id") is not None:
            values["participants"] = [{"person_id": values["person_id"], "primary": True}]
        result.append({"id": activity_id, "update_user_id": values["owner_id"], **values})
    return result
