"""What the dashboard reads, a page at a time: the journal newest first, a company's activities with the
deleted ones, and the rate-limit budgets spent so far.

Nothing here runs on an API request: it is all read when someone asks (the dashboard polls only while open).
"""
from __future__ import annotations

import base64
import binascii
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import orjson

from .company import Company, sort_key
from . import times
from .errors import BadRequest
from .journal import Journal, JournalEntry, Recorded, as_entry, mask_token
from .model import Activity
from .ratelimit import RateLimiter
from .resources.webhooks import health, subscriptions
from .resources.webhooks.model import Webhook
from .store import Store

DELETED_CHOICES = ("include", "exclude", "only")
# The key of the deleted ids in a company's page cache (no list page has a key like it).
_DELETED_KEY = ("dashboard", "deleted ids")
_ACTIVITY_PATH_PREFIXES = ("/api/v2/activities/",)


# -- the journal ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class JournalQuery:
    """Which entries a page of the journal holds; every criterion is optional."""
    method: str | None = None
    path: str | None = None          # a part of the path
    status: str | None = None        # "404", or a class: "4xx"
    violations: bool | None = None   # only entries with (True) or without (False) violations
    company_id: int | None = None
    activity_id: int | None = None   # entries that name this activity: its path, or `ids`

    def matches(self, entry: Recorded) -> bool:
        """Whether a recorded entry is one of the page's."""
        return ((self.method is None or entry.method == self.method.upper())
                and (self.path is None or self.path in entry.path)
                and (self.status is None or _status_matches(self.status, entry.status))
                and (self.violations is None or bool(entry.violations) == self.violations)
                and (self.company_id is None or entry.company_id == self.company_id)
                and (self.activity_id is None or names_activity(entry, self.activity_id)))


def _status_matches(wanted: str, status: int) -> bool:
    if wanted.lower().endswith("xx"):
        return str(status)[:1] == wanted[:1]
    return str(status) == wanted


def names_activity(recorded: Recorded, activity_id: int) -> bool:
    """Whether the request was about this activity: its own path, or an `ids` list that holds it."""
    for prefix in _ACTIVITY_PATH_PREFIXES:
        if recorded.path.startswith(prefix) and recorded.path[len(prefix):] == str(activity_id):
            return True
    if isinstance(recorded.query, bytes) and b"ids" not in recorded.query:
        return False  # a raw query without `ids` is not parsed
    ids = as_entry(recorded).query.get("ids")
    if isinstance(ids, str):
        return str(activity_id) in ids.split(",")
    return False


def journal_page(journal: Journal, query: JournalQuery, limit: int, before: int | None = None,
                 after: int | None = None) -> dict[str, Any]:
    """Up to `limit` matching entries newest first, older than entry `before` and/or newer than `after`."""
    numbered = journal.held()
    matching = [(number, entry) for number, entry in reversed(numbered) if query.matches(entry)]
    window = [(n, e) for n, e in matching if (before is None or n < before) and (after is None or n > after)]
    page = window[:limit]
    return {
        "requests": [summary(number, as_entry(entry)) for number, entry in page],
        "next_before": page[-1][0] if len(window) > limit else None,
        "matching": len(matching),
        "held": len(numbered),
        "last_id": journal.last_number,
    }


def summary(number: int, entry: JournalEntry) -> dict[str, Any]:
    """An entry as a row of the list: no query and no body, which can be large."""
    return {"id": number, "time": entry.time, "method": entry.method, "path": entry.path, "status": entry.status,
            "operation": entry.operation, "token": entry.token, "company_id": entry.company_id,
            "violations": entry.violations}


def journal_entry(journal: Journal, number: int) -> JournalEntry | None:
    for held, entry in journal.held():
        if held == number:
            return as_entry(entry)
    return None


# -- activities -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActivityQuery:
    sort_by: str = "id"
    sort_direction: str = "asc"
    deleted: str = "include"
    owner_id: int | None = None
    type: str | None = None
    done: bool | None = None
    subject: str | None = None   # a part of the subject, any case

    def match(self) -> Callable[[Activity], bool]:
        subject = self.subject.casefold() if self.subject else None
        return lambda a: ((self.owner_id is None or a.owner_id == self.owner_id)
                          and (self.type is None or a.type == self.type)
                          and (self.done is None or a.done == self.done)
                          and (subject is None or subject in a.subject.casefold()))


def activity_page(company: Company, query: ActivityQuery, limit: int, cursor: str | None
                  ) -> tuple[list[Activity], str | None]:
    """A page of the company's activities in keyset order, deleted ones as asked, and the next cursor.

    Live activities come from the company's sorted indexes; deleted ones (not indexed) are few, and are
    sorted for the page and merged in.
    """
    field, descending = query.sort_by, query.sort_direction == "desc"
    after = decode_cursor(cursor, field, query.sort_direction) if cursor else None
    with company.lock:
        streams: list[Iterator[tuple[Any, Activity]]] = []
        if query.deleted != "only":
            streams.append(((sort_key(field, a), a) for a in company.walk(field, descending, after)))
        if query.deleted != "exclude":
            streams.append(iter(_deleted(company, field, descending, after)))
        merged = heapq.merge(*streams, key=lambda pair: pair[0], reverse=descending)
        match = query.match()
        found = list(islice((pair for pair in merged if match(pair[1])), limit + 1))
    page = found[:limit]
    next_cursor = encode_cursor(field, query.sort_direction, page[-1][0]) if len(found) > limit else None
    return [activity for _, activity in page], next_cursor


def deleted_ids(company: Company) -> list[int]:
    """The ids of the company's deleted activities: one walk of them all, then kept in the company's page
    cache until its activities next change (100,000 activities take milliseconds to walk)."""
    return orjson.loads(company.page_body(_DELETED_KEY, lambda: orjson.dumps(
        [a.id for a in company.activities.values() if a.is_deleted])))


def _deleted(company: Company, field: str, descending: bool, after: Any) -> list[tuple[Any, Activity]]:
    found = (company.activities.get(i) for i in deleted_ids(company))
    keyed = [(sort_key(field, a), a) for a in found if a is not None and a.is_deleted]
    if after is not None:
        keyed = [(k, a) for k, a in keyed if (k < after if descending else k > after)]
    return sorted(keyed, key=lambda pair: pair[0], reverse=descending)


def encode_cursor(field: str, direction: str, key: Any) -> str:
    """`key` is a sort key (company.sort_key): a tuple, or one int."""
    payload = orjson.dumps({"field": field, "direction": direction,
                            "after": list(key) if isinstance(key, tuple) else [key]})
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def decode_cursor(cursor: str, field: str, direction: str) -> Any:
    """The sort key a page starts after; 400 unless this listing issued the cursor for this sort."""
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key = tuple(data["after"])
        valid = data["field"] == field and data["direction"] == direction and _key_fits(field, key)
    except (binascii.Error, ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise BadRequest(f"Invalid value for parameter 'cursor': {cursor[:40]!r} is not a cursor this listing "
                         f"issued for sort_by={field} sort_direction={direction}")
    return key if field == "due_date" else key[0]


def _key_fits(field: str, key: tuple[Any, ...]) -> bool:
    if field == "due_date":
        return len(key) == 3 and type(key[0]) is bool and isinstance(key[1], str) and type(key[2]) is int
    return len(key) == 1 and type(key[0]) is int


# -- companies and budgets ------------------------------------------------------------------------
def company_summary(company: Company) -> dict[str, Any]:
    with company.lock:
        deleted = len(deleted_ids(company))
        return {"id": company.id, "name": company.name, "seed": company.seed,
                "activity_count": len(company.activities) - deleted, "deleted_count": deleted,
                "user_count": len(company.users)}


def rate_limit_usage(store: Store, limiter: RateLimiter) -> dict[str, Any]:
    """Each company's daily budget and each user's burst window: limit, used and remaining."""
    now = store.clock.time()
    spent, calls = limiter.usage(now)
    settings = limiter.settings
    budget, burst = settings.daily_budget, settings.burst
    companies = [{"company_id": c.id, "name": c.name, "limit": budget, "spent": spent.get(c.id, 0),
                  "remaining": None if budget is None else max(budget - spent.get(c.id, 0), 0)}
                 for c in sorted(store.companies(), key=lambda c: c.id)]
    tokens = []
    for user in store.users():
        times = calls.get(user.token, [])
        reset = max(times[0] + settings.window_seconds - now, 0.0) if times else 0.0
        tokens.append({"user_id": user.id, "company_id": user.company_id, "name": user.name,
                       "token": mask_token(user.token), "limit": burst, "used": len(times),
                       "remaining": None if burst is None else max(burst - len(times), 0),
                       "reset_seconds": round(reset, 3)})
    return {**settings.to_dict(), "companies": companies, "tokens": tokens}


def webhook_health(webhook: Webhook) -> dict[str, Any]:
    """A subscription in its official shape, plus how its deliveries fare: failures of first attempts in a
    row (BAN_AFTER_FAILURES ban it), since when it fails, when its ban ends, its last success."""
    def iso(seconds: float | None) -> str | None:
        return times.format_seconds(seconds) if seconds is not None else None

    banned_until = health.ban_ends_at(webhook)
    return {**subscriptions.webhook_dict(webhook),
            "health": {"first_failures_in_row": webhook.first_failures_in_row,
                       "ban_after_failures": health.BAN_AFTER_FAILURES,
                       "failing_since": iso(webhook.failing_since), "banned_until": iso(banned_until),
                       "last_success_time": iso(webhook.last_success_time)}}
