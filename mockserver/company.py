"""One tenant: its users, activity types, linked entities, filters and activities.

Activity records are immutable; every write puts a new record in place, so a reset only has to put
back the records written since the seeded state (an undo set), and cached serialized forms stay valid.
"""
from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import islice
from operator import itemgetter
from datetime import datetime
from typing import Any

from sortedcontainers import SortedList

from .constants import PURGE_AFTER_SECONDS
from .errors import BadRequest, NotFound
from .model import Activity, ActivityType, Entity, SavedFilter, User
from .oauth.grants import Authority

SORT_FIELDS = ("id", "update_time", "add_time", "due_date")
PAGE_CACHE_SIZE = 256
# Links whose open (not done, not deleted) activities decide more_activities_scheduled_in_context,
# in the order the facts page gives: deal, else person, else org.
CONTEXT_LINKS = ("deal_id", "person_id", "org_id")
ENTITY_KINDS = ("deal", "person", "org", "project", "lead")
FILTER_OPERATORS = ("eq", "lt", "gte")


def every(activity: Activity) -> bool:
    """The match of an unfiltered list: pages of it are slices of an index."""
    return True


def page_key(operation: str, params: dict[str, Any], *more: Any) -> tuple[Any, ...]:
    """A hashable key of a list page: the operation, its validated parameters (lists as tuples), more."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return (operation, items, *more)


def sort_key(field: str, activity: Activity) -> tuple[Any, ...]:
    """The keyset position of an activity in the index for `field` (ties broken by id)."""
    if field == "id":
        return (activity.id,)
    if field == "due_date":
        # Activities with no due date sort after every dated one when ascending.
        return (activity.due_date is None, activity.due_date or "", activity.id)
    value: datetime = getattr(activity, field)
    return (int(value.timestamp()), activity.id)


class Company:
    def __init__(self, company_id: int, name: str) -> None:
        self.id = company_id
        self.name = name
        self.lock = threading.RLock()
        self.users: dict[int, User] = {}
        self.activity_types: dict[str, ActivityType] = {}
        self.entities: dict[str, dict[Any, Entity]] = {kind: {} for kind in ENTITY_KINDS}
        self.filters: dict[int, SavedFilter] = {}
        self.activities: dict[int, Activity] = {}
        self.next_id = 1
        self.seed: int | None = None
        self.oauth = Authority(company_id)  # its OAuth apps, and the codes and tokens granted to them
        self._indexes = {field: SortedList() for field in SORT_FIELDS}
        self._open_links: dict[str, Counter[Any]] = {link: Counter() for link in CONTEXT_LINKS}
        self._deleted: deque[tuple[float, int]] = deque()
        self._pristine: dict[str, Any] = {}
        self._dirty: set[int] = set()
        # Rendered list pages, valid until the next change of the activities or filters.
        self._pages: dict[tuple[Any, ...], bytes] = {}

    # -- indexes ---------------------------------------------------------------------------
    def _index(self, activity: Activity) -> None:
        for field, index in self._indexes.items():
            index.add(sort_key(field, activity))
        self._count_open(activity, 1)

    def _unindex(self, activity: Activity) -> None:
        for field, index in self._indexes.items():
            index.remove(sort_key(field, activity))
        self._count_open(activity, -1)

    def _count_open(self, activity: Activity, delta: int) -> None:
        if activity.done:
            return
        for link, counts in self._open_links.items():
            value = getattr(activity, link)
            if value is not None:
                counts[value] += delta

    def load_activities(self, activities: Iterable[Activity]) -> None:
        """Replace every activity at once (seeding, snapshots); indexes are built in bulk."""
        self.activities = {activity.id: activity for activity in activities}
        live = [a for a in self.activities.values() if not a.is_deleted]
        self._indexes = {field: SortedList(sort_key(field, a) for a in live) for field in SORT_FIELDS}
        self._open_links = {link: Counter(getattr(a, link) for a in live
                                          if not a.done and getattr(a, link) is not None)
                            for link in CONTEXT_LINKS}
        self._deleted = deque(sorted((a.deleted_time.timestamp(), a.id) for a in self.activities.values()
                                     if a.deleted_time is not None))
        self.next_id = max(self.activities, default=0) + 1
        self._pages.clear()

    def _put(self, activity: Activity) -> None:
        old = self.activities.get(activity.id)
        if old is not None and not old.is_deleted:
            self._unindex(old)
        self.activities[activity.id] = activity
        if activity.is_deleted:
            self._deleted.append((activity.deleted_time.timestamp(), activity.id))  # type: ignore[union-attr]
        else:
            self._index(activity)
        self._dirty.add(activity.id)
        self._pages.clear()

    def forget_pages(self) -> None:
        """Drop the rendered list pages; each is made again on its next request."""
        with self.lock:
            self._pages.clear()

    def page_body(self, key: tuple[Any, ...], render: Callable[[], bytes]) -> bytes:
        """The rendered list page for `key`: made once, then served as is until something changes.

        Clients poll lists; between writes the same page is the same bytes.
        """
        with self.lock:
            body = self._pages.get(key)
            if body is None:
                if len(self._pages) >= PAGE_CACHE_SIZE:
                    self._pages.clear()
                body = self._pages[key] = render()
            return body

    # -- seeded state and reset -----------------------------------------------------------------
    def mark_pristine(self) -> None:
        """Remember the current state as the one `reset` returns to."""
        self._pristine = {
            "activities": dict(self.activities),
            "next_id": self.next_id,
            "users": dict(self.users),
            "activity_types": dict(self.activity_types),
            "entities": {kind: dict(pool) for kind, pool in self.entities.items()},
            "filters": dict(self.filters),
            "deleted": deque(self._deleted),
        }
        self._dirty.clear()
        self.oauth.mark_pristine()

    def reset(self) -> None:
        """Back to the seeded state; costs about the number of activities written since."""
        with self.lock:
            pristine = self._pristine
            for activity_id in self._dirty:
                current = self.activities.pop(activity_id, None)
                if current is not None and not current.is_deleted:
                    self._unindex(current)
                original = pristine["activities"].get(activity_id)
                if original is not None:
                    self.activities[activity_id] = original
                    if not original.is_deleted:
                        self._index(original)
            self._dirty.clear()
            self.next_id = pristine["next_id"]
            self.users = dict(pristine["users"])
            self.activity_types = dict(pristine["activity_types"])
            self.entities = {kind: dict(pool) for kind, pool in pristine["entities"].items()}
            self.filters = dict(pristine["filters"])
            self._deleted = deque(pristine["deleted"])
            self._pages.clear()
            self.oauth.reset()

    # -- reads --------------------------------------------------------------------------------
    def purge(self, now: float) -> None:
        """Drop activities soft-deleted more than 30 days ago (facts page, decisions)."""
        try:
            oldest = self._deleted[0]  # read without the lock: a stale view only delays a purge
        except IndexError:
            return
        if oldest[0] + PURGE_AFTER_SECONDS > now:
            return  # nothing due: no lock to take on every request
        with self.lock:
            while self._deleted and self._deleted[0][0] + PURGE_AFTER_SECONDS <= now:
                _, activity_id = self._deleted.popleft()
                activity = self.activities.get(activity_id)
                if activity is not None and activity.deleted_time is not None \
                        and activity.deleted_time.timestamp() + PURGE_AFTER_SECONDS <= now:
                    del self.activities[activity_id]
                    self._dirty.add(activity_id)
                    self._pages.clear()

    def get(self, activity_id: int) -> Activity:
        activity = self.activities.get(activity_id)
        if activity is None:
            raise NotFound()
        return activity

    def walk(self, field: str, descending: bool, after: tuple[Any, ...] | None) -> Iterator[Activity]:
        """Live activities in keyset order, starting just after `after` (a sort key) when given."""
        index = self._indexes[field]
        if descending:
            keys = index.irange(maximum=after, inclusive=(True, False), reverse=True) if after \
                else reversed(index)
        else:
            keys = index.irange(minimum=after, inclusive=(False, True)) if after else iter(index)
        return map(self.activities.__getitem__, map(itemgetter(-1), keys))

    def page(self, field: str, descending: bool, after: tuple[Any, ...] | None,
             match: Callable[[Activity], bool], limit: int) -> tuple[list[Activity], bool]:
        """Up to `limit` matching activities, and whether more follow."""
        with self.lock:
            walked = self.walk(field, descending, after)
            found = list(islice(walked if match is every else filter(match, walked), limit + 1))
        return found[:limit], len(found) > limit

    def more_scheduled_in_context(self, activity: Activity) -> bool:
        """Whether other open activities share this one's deal, else person, else org."""
        for link, counts in self._open_links.items():
            value = getattr(activity, link)
            if value is not None:
                own = 0 if activity.done or activity.is_deleted else 1
                return counts[value] - own > 0
        return False

    # -- checks on written values -------------------------------------------------------------------
    def check_fields(self, fields: dict[str, Any], strict_links: bool) -> None:
        if "type" in fields:
            activity_type = self.activity_types.get(fields["type"])
            if activity_type is None or not activity_type.active_flag:
                allowed = ", ".join(k for k, t in self.activity_types.items() if t.active_flag)
                raise BadRequest(f"Invalid value for field 'type': '{fields['type']}' is not an active "
                                 f"activity type of this company (allowed: {allowed})")
        if "owner_id" in fields and fields["owner_id"] not in self.users:
            raise BadRequest(f"Invalid value for field 'owner_id': {fields['owner_id']} is not a user "
                             f"of this company")
        if strict_links:
            for kind in ENTITY_KINDS:
                value = fields.get(f"{kind}_id")
                if value is not None and value not in self.entities[kind]:
                    raise BadRequest(f"Invalid value for field '{kind}_id': {kind} {value} does not exist")
            for participant in fields.get("participants") or ():
                if participant["person_id"] not in self.entities["person"]:
                    raise BadRequest("Invalid value for field 'participants': person "
                                     f"{participant['person_id']} does not exist")

    # -- writes -------------------------------------------------------------------------------
    def add(self, user: User, fields: dict[str, Any], now: datetime, strict_links: bool = False) -> Activity:
        with self.lock:
            self.check_fields(fields, strict_links)
            values = dict(fields)
            activity_type = values.setdefault("type", self.default_type())
            values.setdefault("subject", self.activity_types[activity_type].name)
            values.setdefault("owner_id", user.id)
            _link_primary_person(values, None)
            if values.get("done"):
                values["marked_as_done_time"] = now
            activity = Activity(id=self.next_id, company_id=self.id, creator_user_id=user.id,
                                update_user_id=user.id, add_time=now, update_time=now, **values)
            self.next_id += 1
            self._put(activity)
            return activity

    def update(self, user: User, activity_id: int, fields: dict[str, Any], now: datetime,
               strict_links: bool = False) -> Activity:
        with self.lock:
            current = self.get(activity_id)
            if current.is_deleted:
                raise NotFound()
            self.check_fields(fields, strict_links)
            values = dict(fields)
            _link_primary_person(values, current)
            if "done" in values and values["done"] != current.done:
                values["marked_as_done_time"] = now if values["done"] else None
            activity = replace(current, update_time=now, update_user_id=user.id, cache={}, **values)
            self._put(activity)
            return activity

    def delete(self, user: User, activity_id: int, now: datetime) -> Activity:
        with self.lock:
            current = self.get(activity_id)
            if current.is_deleted:
                raise NotFound()
            activity = replace(current, deleted_time=now, update_time=now, update_user_id=user.id, cache={})
            self._put(activity)
            return activity

    def delete_many(self, user: User, ids: Iterable[int], now: datetime) -> list[int]:
        """Soft-delete every live activity among `ids`; unknown ones are left out (facts page)."""
        with self.lock:
            deleted = []
            for activity_id in dict.fromkeys(ids):
                activity = self.activities.get(activity_id)
                if activity is not None and not activity.is_deleted:
                    self.delete(user, activity_id, now)
                    deleted.append(activity_id)
            return deleted

    def add_activity_type(self, key_string: str, name: str, *, active: bool = True) -> ActivityType:
        """A new activity type; its key is what an activity's `type` names."""
        with self.lock:
            if key_string in self.activity_types:
                raise ValueError(f"activity type {key_string!r} already exists")
            type_id = max((t.id for t in self.activity_types.values()), default=0) + 1
            activity_type = ActivityType(type_id, key_string, name, active)
            self.activity_types = {**self.activity_types, key_string: activity_type}
            return activity_type

    def add_filter(self, name: str, conditions: Iterable[tuple[str, str, Any]]) -> SavedFilter:
        """A new saved filter: every (field, operator, value) condition must hold; see SavedFilter."""
        conditions = tuple((field, operator, value) for field, operator, value in conditions)
        for field, operator, _ in conditions:
            if operator not in FILTER_OPERATORS:
                raise ValueError(f"filter operator {operator!r} on {field!r} is not one of: "
                                 f"{', '.join(FILTER_OPERATORS)}")
        with self.lock:
            saved = SavedFilter(max(self.filters, default=0) + 1, name, conditions)
            self.filters = {**self.filters, saved.id: saved}
            self._pages.clear()
            return saved

    def default_type(self) -> str:
        return next(key for key, t in self.activity_types.items() if t.active_flag)


def _link_primary_person(values: dict[str, Any], current: Activity | None) -> None:
    """Keep `person_id` and the primary participant the same person.

    A `person_id` in a body becomes the primary participant (facts page, decisions); a participants
    list without `person_id` makes its primary participant the activity's person.
    """
    if "person_id" in values:
        person_id = values["person_id"]
        base = values.get("participants", current.participants if current else ())
        others = tuple({"person_id": p["person_id"], "primary": False} for p in base
                       if p["person_id"] != person_id)
        values["participants"] = ((({"person_id": person_id, "primary": True},) if person_id else ())
                                  + others)
    elif "participants" in values:
        participants = tuple({"person_id": p["person_id"], "primary": bool(p.get("primary"))}
                             for p in values["participants"])
        values["participants"] = participants
        values["person_id"] = next((p["person_id"] for p in participants if p["primary"]), None)
