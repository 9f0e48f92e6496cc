"""List queries: the v2 list and the v1 collection, over the company's keyset indexes."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ... import pagination, times
from ...company import Company, every, sort_key
from ...errors import BadRequest, Forbidden
from ...model import Activity, SavedFilter, User

Match = Callable[[Activity], bool]
V2_EQUALITY_FILTERS = ("owner_id", "deal_id", "lead_id", "person_id", "org_id", "done")


def _updated_bound(params: dict[str, Any], name: str, parse: Callable[[Any, str], datetime]) -> float | None:
    value = params.get(name)
    return parse(value, f"parameter '{name}'").timestamp() if value else None


def _all(checks: list[Match]) -> Match:
    if not checks:
        return every
    return lambda activity: all(check(activity) for check in checks)


def _equals(field: str, value: Any) -> Match:
    return lambda activity: getattr(activity, field) == value


def _updated_between(since: float | None, until: float | None) -> list[Match]:
    checks: list[Match] = []
    if since is not None:
        checks.append(lambda a: a.update_time.timestamp() >= since)
    if until is not None:
        checks.append(lambda a: a.update_time.timestamp() < until)
    return checks


def _compare(field: str, operator: str, value: Any) -> Match:
    """`field < value` or `field >= value`; an unset field never matches."""
    if operator == "lt":
        return lambda a: getattr(a, field) is not None and getattr(a, field) < value
    return lambda a: getattr(a, field) is not None and getattr(a, field) >= value


def _saved_filter(saved: SavedFilter, today: str) -> list[Match]:
    checks: list[Match] = []
    for field, operator, value in saved.conditions:
        value = today if value == "today" else value
        if operator == "eq":
            checks.append(_equals(field, value))
        elif operator in ("lt", "gte"):
            checks.append(_compare(field, operator, value))
    return checks


def _cursor_value(field: str, activity: Activity) -> Any:
    if field == "id":
        return activity.id
    if field == "due_date":
        return activity.due_date
    return times.format_whole(getattr(activity, field))


def list_v2(company: Company, params: dict[str, Any], today: str) -> tuple[list[Activity], str | None]:
    """A page of the v2 list and the cursor of the next page (None on the last)."""
    field, direction = params["sort_by"], params["sort_direction"]
    checks: list[Match] = []
    filter_id = params.get("filter_id")
    ids = owner_id = None
    if filter_id is not None:
        saved = company.filters.get(filter_id)
        if saved is None:
            raise BadRequest(f"Filter not found: no saved filter with filter_id {filter_id}")
        checks += _saved_filter(saved, today)
    else:
        # ids and owner_id are ignored when filter_id is given (facts page, "Parameters").
        ids, owner_id = params.get("ids"), params.get("owner_id")
    for name in V2_EQUALITY_FILTERS[1:]:
        if params.get(name) is not None:
            checks.append(_equals(name, params[name]))
    checks += _updated_between(_updated_bound(params, "updated_since", times.parse),
                               _updated_bound(params, "updated_until", times.parse))
    after = pagination.decode_v2(params["cursor"], field, direction) if params.get("cursor") else None
    descending = direction == "desc"
    limit = params["limit"]
    if ids is not None:
        if owner_id is not None:
            checks.append(_equals("owner_id", owner_id))
        found, more = _page_of_ids(company, ids, field, descending, after, _all(checks), limit)
    else:
        # By owner, the walk is over the owner's own index: no row of anyone else is read.
        found, more = company.page(field, descending, after, _all(checks), limit, owner_id)
    next_cursor = None
    if more:
        last = found[-1]
        next_cursor = pagination.encode_v2(field, _cursor_value(field, last), direction, last.id)
    return found, next_cursor


def _page_of_ids(company: Company, ids: list[int], field: str, descending: bool, after: Any,
                 match: Match, limit: int) -> tuple[list[Activity], bool]:
    """The page when `ids` names the candidates: unknown or deleted ids are left out (facts page)."""
    with company.lock:
        candidates = [a for a in (company.activities.get(i) for i in set(ids))
                      if a is not None and not a.is_deleted and match(a)]
    candidates.sort(key=lambda a: sort_key(field, a), reverse=descending)
    if after is not None:
        candidates = [a for a in candidates if (sort_key(field, a) < after if descending else sort_key(field, a) > after)]
    return candidates[:limit], len(candidates) > limit


def check_collection_access(user: User) -> None:
    """/v1/activities/collection is for global admins only (facts page, "Operations")."""
    if not user.is_admin:
        raise Forbidden()


def collection_v1(company: Company, params: dict[str, Any]) -> tuple[list[Activity], str | None]:
    """A page of /v1/activities/collection, by id ascending."""
    checks: list[Match] = []
    if params.get("done") is not None:
        checks.append(_equals("done", params["done"]))
    if params.get("type"):
        types = frozenset(params["type"].split(","))
        checks.append(lambda a: a.type in types)
    checks += _updated_between(_updated_bound(params, "since", times.parse_v1),
                               _updated_bound(params, "until", times.parse_v1))
    after = None
    if params.get("cursor"):
        after = pagination.decode_v1(params["cursor"]) - 1
    found, more = company.page("id", False, after, _all(checks), params["limit"], params.get("user_id"))
    return found, pagination.encode_v1(found[-1].id + 1) if more else None
