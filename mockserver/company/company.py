"""One tenant: its users, activity types, linked entities, filters and activities.

Activity records are immutable; every write puts a new record in place, so a reset only has to put
back the records written since the seeded state (undo.py), and cached serialized forms stay valid.
The indexes (indexes.py) and rendered pages (pages.py) follow every write. Each resource that keeps
state of its own in a company has it in `states`, by resource name (resources/resource.py).
"""
from __future__ import annotations

import heapq
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, cast

from .. import limits
from ..constants import PURGE_AFTER_SECONDS
from ..errors import NotFound
from ..model import ENTITY_KINDS, Activity, ActivityType, Entity, SavedFilter, User, replaced
from ..resources.activities import rules
from .indexes import ActivityIndexes, key_ids
from .pages import PageCache
from .undo import UndoLog

FILTER_OPERATORS = ("eq", "lt", "gte")
# Told of every write of an activity (webhooks): the company, the record before (None on add), the
# record after, and the correlation id of a bulk write (None for a single one). Called under the
# company's lock, so a listener sees one company's changes in the order they happened.
ChangeListener = Callable[["Company", "Activity | None", Activity, "str | None"], None]


def every(activity: Activity) -> bool:
    """The match of an unfiltered list: pages of it are slices of an index."""
    return True


class Company:
    def __init__(self, company_id: int, name: str, states: dict[str, Any] | None = None) -> None:
        from ..resources import company_states  # the resources' modules import this one
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
        # Each resource's own state in this company (e.g. "oauth"), new or from a snapshot's company.
        self.states = company_states(company_id, states)
        self.indexes = ActivityIndexes()
        # (deleted_time, id) of deleted activities, a heap (oldest first) for the purge: a heap, not a queue in
        # order of deletion, because the clock may move back, so a later deletion can carry an earlier time.
        self.deleted: list[tuple[float, int]] = []
        self.pages = PageCache()
        self.undo = UndoLog()
        self.on_change: ChangeListener | None = None  # set by the Store (Store.listen)
        self._batch: str | None = None  # the correlation id while a bulk write runs

    def __getattr__(self, name: str) -> Any:
        """A resource's state in this company by the resource's name: `company.oauth`, `company.webhooks`."""
        states = self.__dict__.get("states", {})
        if name in states:
            return states[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- records in place ----------------------------------------------------------------------
    def load_activities(self, activities: Iterable[Activity], keys: dict[str, Sequence[int]] | None = None,
                        open_links: dict[str, Counter[Any]] | None = None) -> None:
        """Replace every activity at once (seeding, snapshots); indexes are built in bulk (`keys`, `open_links`:
        the index keys and counts the caller already has, filled by the time `activities` is consumed; see
        ActivityIndexes)."""
        self.activities = {activity.id: activity for activity in activities}
        self.indexes = ActivityIndexes([a for a in self.activities.values() if a.deleted_time is None], keys,
                                       open_links)
        self.deleted = list(sorted((a.deleted_time.timestamp(), a.id) for a in self.activities.values()
                                    if a.deleted_time is not None))
        self.next_id = max(self.activities, default=0) + 1
        self.pages.clear()

    def _put(self, activity: Activity) -> None:
        old = self.activities.get(activity.id)
        if self.on_change is not None:
            self.on_change(self, old, activity, self._batch)
        self.activities[activity.id] = activity
        if old is not None and not old.is_deleted and not activity.is_deleted:
            self.indexes.replace(old, activity)
        else:
            if old is not None and not old.is_deleted:
                self.indexes.remove(old)
            if activity.is_deleted:
                heapq.heappush(self.deleted, (activity.deleted_time.timestamp(), activity.id))  # type: ignore[union-attr]
            else:
                self.indexes.add(activity)
        self.undo.written(activity.id)
        self.pages.clear()

    def forget_pages(self) -> None:
        """Drop the rendered list pages; each is made again on its next request."""
        with self.lock:
            self.pages.clear()

    def page_body(self, key: tuple[Any, ...], render: Callable[[], bytes]) -> bytes:
        """The rendered list page for `key`: made once, then served as is until something changes."""
        with self.lock:
            return self.pages.get(key, render)

    # -- seeded state and reset -----------------------------------------------------------------
    def mark_pristine(self) -> None:
        """Remember the current state, every resource's state with it, as the one `reset` returns to."""
        with self.lock:
            self.undo.mark(self)
            for state in self.states.values():
                state.mark_pristine()

    def reset(self) -> None:
        """Back to the seeded state; costs about the number of activities written since."""
        with self.lock:
            self.undo.undo(self)
            self.pages.clear()
            for state in self.states.values():
                state.reset()

    # -- reads --------------------------------------------------------------------------------
    def purge(self, now: float) -> None:
        """Drop activities soft-deleted more than 30 days ago (facts page, decisions)."""
        try:
            oldest = self.deleted[0]  # read without the lock: a stale view only delays a purge
        except IndexError:
            return
        if oldest[0] + PURGE_AFTER_SECONDS > now:
            return  # nothing due: no lock to take on every request
        with self.lock:
            while self.deleted and self.deleted[0][0] + PURGE_AFTER_SECONDS <= now:
                _, activity_id = heapq.heappop(self.deleted)
                activity = self.activities.get(activity_id)
                if activity is not None and activity.deleted_time is not None \
                        and activity.deleted_time.timestamp() + PURGE_AFTER_SECONDS <= now:
                    del self.activities[activity_id]
                    self.undo.written(activity_id)
                    self.pages.clear()

    def get(self, activity_id: int) -> Activity:
        activity = self.activities.get(activity_id)
        if activity is None:
            raise NotFound()
        return activity

    def walk(self, field: str, descending: bool, after: Any, owner_id: int | None = None) -> Iterator[Activity]:
        """Live activities in keyset order, starting just after `after` (a sort key) when given; only those
        of `owner_id` when given (the caller holds the lock: the owner's index may be made here)."""
        index = self.indexes.by_field[field] if owner_id is None \
            else self.indexes.owned(field, owner_id)
        if descending:
            keys = index.irange(maximum=after, inclusive=(True, False), reverse=True) if after is not None \
                else reversed(index)
        else:
            keys = index.irange(minimum=after, inclusive=(False, True)) if after is not None else iter(index)
        row = cast("Callable[[int], Activity]", self.indexes.rows.__getitem__)  # the index holds live ids only
        return map(row, key_ids(field, keys))

    def page(self, field: str, descending: bool, after: Any, match: Callable[[Activity], bool], limit: int,
             owner_id: int | None = None) -> tuple[list[Activity], bool]:
        """Up to `limit` matching activities (of `owner_id` when given), and whether more follow."""
        with self.lock:
            walked = self.walk(field, descending, after, owner_id)
            found = list(islice(walked if match is every else filter(match, walked), limit + 1))
        return found[:limit], len(found) > limit

    def more_scheduled_in_context(self, activity: Activity) -> bool:
        """Whether other open activities share this one's deal, else person, else org."""
        return self.indexes.more_scheduled_in_context(activity)

    # -- writes -------------------------------------------------------------------------------
    def add(self, user: User, fields: dict[str, Any], now: datetime, strict_links: bool = False) -> Activity:
        with self.lock:
            rules.check_fields(self, fields, strict_links)
            values = dict(fields)
            activity_type = values.setdefault("type", self.default_type())
            values.setdefault("subject", self.activity_types[activity_type].name)
            values.setdefault("owner_id", user.id)
            rules.link_primary_person(values, None)
            if values.get("done"):
                values["marked_as_done_time"] = now
            limits.check_next_id(self.next_id)
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
            rules.check_fields(self, fields, strict_links)
            values = dict(fields)
            rules.link_primary_person(values, current)
            if "done" in values and values["done"] != current.done:
                values["marked_as_done_time"] = now if values["done"] else None
            activity = replaced(current, update_time=now, update_user_id=user.id, **values)
            self._put(activity)
            return activity

    def delete(self, user: User, activity_id: int, now: datetime) -> Activity:
        with self.lock:
            current = self.get(activity_id)
            if current.is_deleted:
                raise NotFound()
            activity = replaced(current, deleted_time=now, update_time=now, update_user_id=user.id)
            self._put(activity)
            return activity

    def delete_many(self, user: User, ids: Iterable[int], now: datetime) -> list[int]:
        """Soft-delete every live activity among `ids`; unknown ones are left out (facts page).

        Listeners see one change per activity, all with the same correlation id (a bulk edit).
        """
        with self.lock:
            deleted = []
            self._batch = str(uuid.uuid4())
            try:
                for activity_id in dict.fromkeys(ids):
                    activity = self.activities.get(activity_id)
                    if activity is not None and not activity.is_deleted:
                        self.delete(user, activity_id, now)
                        deleted.append(activity_id)
            finally:
                self._batch = None
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
            self.pages.clear()
            return saved

    def default_type(self) -> str:
        return next(key for key, t in self.activity_types.items() if t.active_flag)
