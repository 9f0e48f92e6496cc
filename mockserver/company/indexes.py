"""The keyset indexes of a company's live activities, and the counts of open activities per link.

Sorted indexes (id, update_time, add_time, due_date) make a page cost about the page; the counts answer
`more_activities_scheduled_in_context` without a scan.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sortedcontainers import SortedList

from ..model import Activity

SORT_FIELDS = ("id", "update_time", "add_time", "due_date")
# Links whose open (not done, not deleted) activities decide more_activities_scheduled_in_context,
# in the order the facts page gives: deal, else person, else org.
CONTEXT_LINKS = ("deal_id", "person_id", "org_id")


def sort_key(field: str, activity: Activity) -> tuple[Any, ...]:
    """The keyset position of an activity in the index for `field` (ties broken by id)."""
    if field == "id":
        return (activity.id,)
    if field == "due_date":
        # Activities with no due date sort after every dated one when ascending.
        return (activity.due_date is None, activity.due_date or "", activity.id)
    value: datetime = getattr(activity, field)
    return (int(value.timestamp()), activity.id)


class ActivityIndexes:
    """Every live (not deleted) activity, in each sort order; not thread-safe (the company locks)."""

    def __init__(self, live: Iterable[Activity] = ()) -> None:
        live = list(live)
        self.by_field = {field: SortedList(sort_key(field, a) for a in live) for field in SORT_FIELDS}
        self.open_links: dict[str, Counter[Any]] = {
            link: Counter(getattr(a, link) for a in live if not a.done and getattr(a, link) is not None)
            for link in CONTEXT_LINKS}

    def add(self, activity: Activity) -> None:
        for field, index in self.by_field.items():
            index.add(sort_key(field, activity))
        self._count_open(activity, 1)

    def remove(self, activity: Activity) -> None:
        for field, index in self.by_field.items():
            index.remove(sort_key(field, activity))
        self._count_open(activity, -1)

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
