"""Keeps a write run to the activities it created, and deletes them at the end.

Against a real company the contract may only touch what it made itself: every successful add is
tracked, and just before a PATCH or DELETE goes out any id in it that the run did not create is
swapped for one it did. Values without digits (negative tests like `abc`) go out unchanged: they
cannot name an activity. A sentinel activity is created first, so there is always an id to swap in.
"""
from __future__ import annotations

import re
import threading
from typing import Any

import requests
import schemathesis

ADD_PATH = "/api/v2/activities"
WRITE_METHODS = frozenset({"PATCH", "DELETE", "PUT"})
CHANGING_METHODS = WRITE_METHODS | {"POST"}
# Operations other than the activities' (v2 /api/v2/activities..., v1 /v1/activities...), for the runner.
NOT_ACTIVITY_PATH = r"^(?!/(api/)?v[12]/activities(/|$))"
GUARDED_PARAMETERS = ("id", "ids")
SENTINEL_SUBJECT = "contracts: activity created by the contract run (deleted at its end)"
REQUEST_TIMEOUT = 30
_DIGITS = re.compile(r"\d")

_ACTIVE: list[WriteGuard] = []


class WriteGuard:
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.created: list[int] = []
        self.rewritten: set[str] = set()  # ids of cases whose ids were swapped
        self._lock = threading.Lock()

    def __enter__(self) -> WriteGuard:
        self.track(self._add_sentinel())
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _ACTIVE.remove(self)
        self.cleanup()

    def track(self, activity_id: int) -> None:
        with self._lock:
            if activity_id not in self.created:
                self.created.append(activity_id)

    def owns(self, case: Any) -> bool:
        base = str(case.operation.schema.config.base_url or "").rstrip("/")
        return base == self.base_url

    def confine(self, case: Any) -> None:
        """Rewrite the ids a write would touch to ids this run created."""
        if case.method.upper() not in WRITE_METHODS:
            return
        for container in (case.path_parameters, case.query):
            for name in GUARDED_PARAMETERS:
                if container and name in container:
                    confined = self._confined(container[name])
                    if confined != container[name]:
                        container[name] = confined
                        self.rewritten.add(case.id)

    def _confined(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._confined(item) for item in value]
        if isinstance(value, bool) or not _DIGITS.search(str(value)):
            return value
        with self._lock:
            if isinstance(value, int) and value in self.created:
                return value
            return self.created[sum(map(ord, str(value))) % len(self.created)]

    def cleanup(self) -> list[int]:
        """Delete every activity the run created (already deleted ones answer 200 or 404; both are fine)."""
        deleted = []
        for activity_id in list(self.created):
            response = requests.delete(f"{self.base_url}{ADD_PATH}/{activity_id}", headers=self.headers,
                                       timeout=REQUEST_TIMEOUT)
            if response.status_code in (200, 404, 410):
                deleted.append(activity_id)
        return deleted

    def _add_sentinel(self) -> int:
        response = requests.post(f"{self.base_url}{ADD_PATH}", json={"subject": SENTINEL_SUBJECT},
                                 headers=self.headers, timeout=REQUEST_TIMEOUT)
        response.raise_for_status()
        return int(response.json()["data"]["id"])


def _guard_for(case: Any) -> WriteGuard | None:
    return next((guard for guard in _ACTIVE if guard.owns(case)), None)


def was_rewritten(case: Any) -> bool:
    """Whether a guard swapped this case's ids, so it no longer is the case that was generated."""
    guard = _guard_for(case)
    return guard is not None and case.id in guard.rewritten


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    guard = _guard_for(case)
    if guard is not None:
        guard.confine(case)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    guard = _guard_for(case)
    if guard is None or case.method.upper() != "POST" or case.operation.path != ADD_PATH \
            or response.status_code != 200:
        return
    try:
        guard.track(int(response.json()["data"]["id"]))
    except (ValueError, KeyError, TypeError):
        return  # not an activity; response_schema_conformance reports the shape
