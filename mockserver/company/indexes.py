"""The keyset indexes of a company's live activities, and the counts of open activities per link.

Sorted indexes (id, update_time, add_time, due_date) make a page cost about the page; so do the same
indexes per owner for a list filtered by owner_id (`owned`), which then touches only the rows it returns
rather than walking everyone's rows past a filter; the counts answer `more_activities_scheduled_in_context`
without a scan.
"""
from __future__ import annotations

from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any, TypeAlias

from sortedcontainers import SortedList

from ..model import Activity

SORT_FIELDS = ("id", "update_time", "add_time", "due_date")
# Links whose open (not done, not deleted) activities decide more_activities_scheduled_in_context,
# in the order the facts page gives: deal, else person, else org.
CONTEXT_LINKS = ("deal_id", "person_id", "org_id")


# The live activities by id (see `_rows`).
Rows: TypeAlias = "list[Activity | None] | dict[int, Activity]"
# A time key packs (whole seconds, id) into one int: ids stay below 2**31 (the contract's integers).
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1


def sort_key(field: str, activity: Activity) -> Any:
    """The keyset position of an activity in the index for `field` (ties broken by id).

    Ints where they can be (the id; seconds and id in one int): a million tuples cost 200 MB more
    and sort several times slower.
    """
    if field == "id":
        return activity.id
    if field == "due_date":
        # Activities with no due date sort after every dated one when ascending.
        return (activity.due_date is None, activity.due_date or "", activity.id)
    value: datetime = getattr(activity, field)
    return time_key(int(value.timestamp()), activity.id)


def time_key(seconds: int, activity_id: int) -> int:
    return (seconds << ID_BITS) | activity_id


def key_ids(field: str, keys: Iterable[Any]) -> Iterator[int]:
    """The activity ids of keys of the index for `field`."""
    if field == "id":
        return iter(keys)
    if field == "due_date":
        return map(itemgetter(-1), keys)
    return map(ID_MASK.__and__, keys)


def _in_place(keys: list[int]) -> list[int]:
    """`keys` made again in their order, so that a page's keys lie side by side in memory rather than in the
    order of the ids (a deep page at a million activities reads 100 keys from 100 places otherwise)."""
    try:
        return array("Q", keys).tolist()  # each int made anew, in order, in C
    except OverflowError:  # a time before 1970 or after 2106
        return list(map(int.__add__, keys, repeat(0)))  # an int of several digits plus 0 is a new int


def _due_keys(live: list[Activity]) -> list[tuple[bool, str, int]]:
    """The due_date keys of `live`, in order: grouped by date (a few hundred at most), so that only
    the dates and the ids within each are sorted, not a million tuples (three times as fast)."""
    by_date: dict[str | None, list[int]] = {}
    for activity in live:
        ids = by_date.get(activity.due_date)
        if ids is None:
            by_date[activity.due_date] = [activity.id]
        else:
            ids.append(activity.id)
    keys = []
    for due_date in sorted(by_date, key=lambda d: (d is None, d or "")):
        ids = by_date[due_date]
        ids.sort()
        is_none, text = due_date is None, due_date or ""
        keys += [(is_none, text, activity_id) for activity_id in ids]
    return keys


# Ids from a data file may be anything up to 2**31: past this many per record, rows by id are a dict.
SPARSE_IDS = 4


def _sparse(top_id: int, count: int) -> bool:
    return top_id > SPARSE_IDS * count + 1024


def _rows(live: list[Activity]) -> Rows:
    """The live activities by id: a list where ids are dense (as the API hands them out), else a dict."""
    ids = list(map(attrgetter("id"), live))
    top = max(ids, default=0)
    if top == len(ids) and ids == list(range(1, top + 1)):  # as seeded: every id from 1, in order
        return [None, *live]
    if _sparse(top, len(ids)):
        return dict(zip(ids, live))
    rows: list[Activity | None] = [None] * (top + 1)
    deque(map(rows.__setitem__, ids, live), maxlen=0)  # rows[id] = activity, looped in C
    return rows


def _split_by_owner(field: str, index: SortedList, rows: Rows) -> dict[int, SortedList]:
    """The keys of `index` per owner: each owner's keys in index order, the same key objects (8 bytes a row).

    The owners are read in id order, then looked up by id: read in key order, at a million it is 2 s of
    cache misses."""
    if isinstance(rows, dict):
        owner_of: Callable[[int], int] = {i: a.owner_id for i, a in rows.items()}.__getitem__
    else:
        owner_of = [0 if a is None else a.owner_id for a in rows].__getitem__
    keys = list(index)
    owners = list(map(owner_of, key_ids(field, keys)))
    groups: dict[int, list[Any]] = {owner: [] for owner in set(owners)}
    appends = {owner: group.append for owner, group in groups.items()}
    for key, owner in zip(keys, owners):
        appends[owner](key)
    return {owner: SortedList(group) for owner, group in groups.items()}


def _counts(records: list[Activity], link: str) -> Counter[Any]:
    """How many of `records` link to each value of `link` (counted in C; no link is no count)."""
    counts = Counter(map(attrgetter(link), records))
    counts.pop(None, None)
    return counts


class ActivityIndexes:
    """Every live (not deleted) activity, in each sort order; not thread-safe (the company locks)."""

    def __init__(self, live: Iterable[Activity] = (), keys: dict[str, Sequence[int]] | None = None,
                 open_links: dict[str, Counter[Any]] | None = None) -> None:
        """The indexes of `live`; `keys` may give, for "id", "update_time" or "add_time", the key of each
        record of `live` in its order (`sort_key` of it), as the seed has them: made here, they cost a
        `timestamp()` each, a third of the time to index a million activities. `open_links` may give the
        counts of open activities per link value (`self.open_links`; a count of None is dropped), as the
        seed counts them."""
        # Keys made inline rather than through `sort_key`, and no generators: this is most of the
        # time to seed a million activities.
        live = list(live)
        given = {field: made for field, made in (keys or {}).items() if len(made) == len(live)}
        # What a walk maps keys' ids through: a list slot is one memory read, where a dict of a million
        # costs three (its index, its entry, the key it compares), each a cache miss at a million.
        ids = given.get("id")
        # Given as range(1, n + 1) (the seed's): the records' ids are every id from 1, in order.
        self.rows = [None, *live] if isinstance(ids, range) and ids == range(1, len(live) + 1) else _rows(live)
        self.by_field = {
            "id": SortedList([a.id for a in live] if ids is None else ids),
            "update_time": SortedList(_in_place(sorted(
                given.get("update_time") or [(int(a.update_time.timestamp()) << ID_BITS) | a.id for a in live]))),
            "add_time": SortedList(given.get("add_time")
                                   or [(int(a.add_time.timestamp()) << ID_BITS) | a.id for a in live]),
            "due_date": SortedList(_due_keys(live)),
        }
        if open_links is None:
            open_ = [a for a in live if not a.done]
            open_links = {link: _counts(open_, link) for link in CONTEXT_LINKS}
        for counts in open_links.values():
            counts.pop(None, None)  # no link is no count
        self.open_links: dict[str, Counter[Any]] = open_links
        # Per sort field, per owner id, the owner's keys of `by_field[field]`: made on the first list by owner
        # in that order (`owned`; a second of CPU at a million, which `ready` does not pay), kept from then on.
        self.by_owner: dict[str, dict[int, SortedList]] = {}

    def owned(self, field: str, owner_id: int) -> SortedList:
        """The keys of the live activities of `owner_id` in the index for `field`."""
        owners = self.by_owner.get(field)
        if owners is None:
            owners = self.by_owner[field] = _split_by_owner(field, self.by_field[field], self.rows)
        found = owners.get(owner_id)
        return SortedList() if found is None else found

    def _owner_index(self, field: str, owner_id: int) -> SortedList | None:
        """The owner's index for `field`, made empty if the owner has none; None while `field` has none."""
        owners = self.by_owner.get(field)
        if owners is None:
            return None
        found = owners.get(owner_id)
        if found is None:
            found = owners[owner_id] = SortedList()
        return found

    def add(self, activity: Activity) -> None:
        for field, index in self.by_field.items():
            key = sort_key(field, activity)
            index.add(key)
            owned = self._owner_index(field, activity.owner_id)
            if owned is not None:
                owned.add(key)
        self._put_row(activity)
        self._count_open(activity, 1)

    def remove(self, activity: Activity) -> None:
        for field, index in self.by_field.items():
            key = sort_key(field, activity)
            index.remove(key)
            owned = self._owner_index(field, activity.owner_id)
            if owned is not None:
                owned.remove(key)
        if isinstance(self.rows, dict):
            del self.rows[activity.id]
        else:
            self.rows[activity.id] = None
        self._count_open(activity, -1)

    def replace(self, old: Activity, new: Activity) -> None:
        """`new` in the place of `old` (the same id, both live): only the keys that changed move.
        An update changes update_time, rarely due_date or the owner, never the id or add_time: 2 index
        writes (4 with the owner's), not 8."""
        moved = old.owner_id != new.owner_id
        for field, index in self.by_field.items():
            # A key is the field's value and the id: where the value is the same, so is the key.
            same = field == "id" or getattr(old, field) == getattr(new, field)
            owners = self.by_owner.get(field)
            if same and (owners is None or not moved):
                continue
            old_key = sort_key(field, old)
            new_key = old_key if same else sort_key(field, new)
            if not same:
                index.remove(old_key)
                index.add(new_key)
            if owners is not None:
                owners[old.owner_id].remove(old_key)
                self._owner_index(field, new.owner_id).add(new_key)  # type: ignore[union-attr]
        self.rows[new.id] = new
        self._count_open(old, -1)
        self._count_open(new, 1)

    def _put_row(self, activity: Activity) -> None:
        rows = self.rows
        if isinstance(rows, list) and activity.id >= len(rows):
            if _sparse(activity.id, len(rows)):
                rows = self.rows = {i: a for i, a in enumerate(rows) if a is not None}
            else:
                rows.extend([None] * (activity.id + 1 - len(rows)))
        rows[activity.id] = activity

    def _count_open(self, activity: Activity, delta: int) -> None:
        if activity.done:
            return
        for link, counts in self.open_links.items():
            value = getattr(activity, link)
            if value is not None:
                counts[value] += delta

    def more_scheduled_in_context(self, activity: Activity) -> bool:
        """Whether other open activities share this one's deal, else person, else org."""
        for link, counts in self.open_links.items():
            value = getattr(activity, link)
            if value is not None:
                own = 0 if activity.done or activity.is_deleted else 1
                return counts[value] - own > 0
        return False
