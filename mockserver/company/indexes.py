"""The keyset indexes of a company's live activities, and the counts of open activities per link.

Sorted indexes (id, update_time, add_time, due_date) make a page cost about the page; the counts answer
`more_activities_scheduled_in_context` without a scan.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any

from sortedcontainers import SortedList

from ..model import Activity

SORT_FIELDS = ("id", "update_time", "add_time", "due_date")
# Links whose open (not done, not deleted) activities decide more_activities_scheduled_in_context,
# in the order the facts page gives: deal, else person, else org.
CONTEXT_LINKS = ("deal_id", "person_id", "org_id")


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
    return (key & ID_MASK for key in keys)


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


def _counts(records: list[Activity], link: str) -> Counter[Any]:
    """How many of `records` link to each value of `link` (counted in C; no link is no count)."""
    counts = Counter(map(attrgetter(link), records))
    counts.pop(None, None)
    return counts


class ActivityIndexes:
    """Every live (not deleted) activity, in each sort order; not thread-safe (the company locks)."""

    def __init__(self, live: Iterable[Activity] = (), keys: dict[str, list[int]] | None = None) -> None:
        """The indexes of `live`; `keys` may give, for "update_time" or "add_time", the key of each record
        of `live` in its order (`sort_key` of it), as the seed has them: made here, they cost a
        `timestamp()` each, a third of the time to index a million activities."""
        # Keys made inline rather than through `sort_key`, and no generators: this is most of the
        # time to seed a million activities.
        live = list(live)
        given = {field: made for field, made in (keys or {}).items() if len(made) == len(live)}
        open_ = [a for a in live if not a.done]
        self.by_field = {
            "id": SortedList([a.id for a in live]),
            "update_time": SortedList(given.get("update_time")
                                      or [(int(a.update_time.timestamp()) << ID_BITS) | a.id for a in live]),
            "add_time": SortedList(given.get("add_time")
                                   or [(int(a.add_time.timestamp()) << ID_BITS) | a.id for a in live]),
            "due_date": SortedList(_due_keys(live)),
        }
        self.open_links: dict[str, Counter[Any]] = {link: _counts(open_, link) for link in CONTEXT_LINKS}

    def add(self, activity: Activity) -> None:
        for field, index in self.by_field.items():
            index.add(sort_key(field, activity))
        self._count_open(activity, 1)

    def remove(self, activity: Activity) -> None:
        for field, index in self.by_field.items():
            index.remove(sort_key(field, activity))
        self._count_open(activity, -1)

    def replace(self, old: Activity, new: Activity) -> None:
        """`new` in the place of `old` (the same id, both live): only the keys that changed move.
        An update changes update_time, rarely due_date, never the id or add_time: 2 index writes, not 8."""
        for field, index in self.by_field.items():
            # A key is the field's value and the id: where the value is the same, so is the key.
            if field == "id" or getattr(old, field) == getattr(new, field):
                continue
            index.remove(sort_key(field, old))
            index.add(sort_key(field, new))
        self._count_open(old, -1)
        self._count_open(new, 1)

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
