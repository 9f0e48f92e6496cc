"""The soak's clients (soak.py): workers that add, update, delete and page, and a hostile one beside them.

Each `Worker` has its own HTTP session, owns one field of the shared activities and deletes only its own
adds, and remembers what the server acknowledged, for the soak's final checks. A `Hostile` client sends
what no well-behaved one does; any 5xx it gets is an error.
"""
from __future__ import annotations

import base64
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import requests

TOKEN = "admin-token"
PAGE_LIMIT = 50
REQUEST_TIMEOUT = 30

# Each updater thread owns one field of the shared activities; values come from its own counter.
FIELDS: dict[str, Callable[[int], Any]] = {
    "subject": lambda n: f"subject {n}",
    "note": lambda n: f"<p>note {n}</p>",
    "public_description": lambda n: f"description {n}",
    "priority": lambda n: n % 3 + 1,  # an option id of the priority activity field (1-3)
    "due_date": lambda n: (date(2025, 1, 1) + timedelta(days=n % 3650)).isoformat(),
    "due_time": lambda n: f"{n % 24:02d}:{n % 60:02d}",
    "duration": lambda n: f"{n % 100:02d}:{n % 60:02d}",
    "busy": lambda n: n % 2 == 1,
    "deal_id": lambda n: n % 40 + 1,
    "org_id": lambda n: n % 20 + 1,
    "project_id": lambda n: n % 8 + 1,
    "done": lambda n: n % 2 == 1,
}
# Relative weights of the operations each worker picks from.
WEIGHTS = {"update": 40, "add": 15, "delete": 15, "get": 15, "walk": 15}


class Worker(threading.Thread):
    """One client: its own HTTP session, its own field to update, its own adds to delete.

    Operations are `_op_<kind>`: a plain `_delete` would override threading.Thread._delete.
    """

    def __init__(self, index: int, base_url: str, shared: list[int], deadline: float, budget: Iterator[int],
                 owned_field: str | None) -> None:
        super().__init__(name=f"soak-{index}", daemon=True)
        self.base, self.shared, self.deadline, self.budget = base_url, shared, deadline, budget
        self.owned_field = owned_field
        self.rng = random.Random(index)
        self.session = requests.Session()
        self.session.headers["x-api-token"] = TOKEN
        self.counter = index * 1_000_000
        self.last: dict[int, Any] = {}  # shared id -> the owned field's last acknowledged value
        self.added: dict[int, str] = {}
        self.deleted: set[int] = set()
        self.unsure: set[int] = set()  # ids whose last write got no answer
        self.by_kind: dict[str, int] = {}
        self.errors: list[str] = []
        self.walk_violations: list[str] = []

    def run(self) -> None:
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        while time.monotonic() < self.deadline and next(self.budget, None) is not None:
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "update" and self.owned_field is None:
                kind = "get"
            if kind == "delete" and not set(self.added) - self.deleted:
                kind = "add"
            try:
                getattr(self, f"_op_{kind}")()
            except requests.RequestException as exc:
                self.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def _expect(self, what: str, response: requests.Response, status: int = 200) -> bool:
        if response.status_code == status and response.headers.get("Content-Type", "").startswith("application/json"):
            return True
        self.errors.append(f"{what}: {response.request.method} {response.request.url} -> "
                           f"{response.status_code} {response.text[:200]}")
        return False

    def _op_update(self) -> None:
        activity_id = self.rng.choice(self.shared)
        self.counter += 1
        value = FIELDS[self.owned_field](self.counter)  # type: ignore[index]
        self.last.pop(activity_id, None)
        self.unsure.add(activity_id)
        response = self.session.patch(f"{self.base}/api/v2/activities/{activity_id}",
                                      json={self.owned_field: value}, timeout=REQUEST_TIMEOUT)
        if self._expect("update", response):
            self.last[activity_id] = value
            self.unsure.discard(activity_id)

    def _op_add(self) -> None:
        self.counter += 1
        subject = f"soak {self.name} {self.counter}"
        response = self.session.post(f"{self.base}/api/v2/activities", json={"subject": subject, "type": "task"},
                                     timeout=REQUEST_TIMEOUT)
        if self._expect("add", response):
            self.added[response.json()["data"]["id"]] = subject

    def _op_delete(self) -> None:
        live = sorted(set(self.added) - self.deleted)
        chosen = self.rng.sample(live, min(len(live), self.rng.randint(1, 3)))
        if len(chosen) == 1 and self.rng.random() < 0.5:
            response = self.session.delete(f"{self.base}/api/v2/activities/{chosen[0]}", timeout=REQUEST_TIMEOUT)
            expected: Any = {"id": chosen[0]}
        else:
            response = self.session.delete(f"{self.base}/v1/activities",
                                           params={"ids": ",".join(map(str, chosen))}, timeout=REQUEST_TIMEOUT)
            expected = {"id": chosen}
        if self._expect("delete", response):
            self.deleted.update(chosen)
            if response.json()["data"] != expected:
                self.errors.append(f"delete: answered {response.json()['data']}, expected {expected}")

    def _op_get(self) -> None:
        activity_id = self.rng.choice(self.shared)
        self._expect("get", self.session.get(f"{self.base}/api/v2/activities/{activity_id}",
                                             timeout=REQUEST_TIMEOUT))

    def _op_walk(self) -> None:
        kind = self.rng.choice(("v2 asc", "v2 desc", "v1"))
        if kind == "v1":
            url, params = f"{self.base}/v1/activities/collection", {"limit": PAGE_LIMIT}
        else:
            url = f"{self.base}/api/v2/activities"
            params = {"limit": PAGE_LIMIT, "sort_direction": kind.split()[1]}
        seen: list[int] = []
        while True:
            response = self.session.get(url, params=params, timeout=REQUEST_TIMEOUT)
            if not self._expect(f"walk {kind}", response):
                return
            body = response.json()
            seen += [a["id"] for a in body["data"]]
            cursor = body["additional_data"]["next_cursor"]
            if cursor is None:
                break
            params["cursor"] = cursor
        ordered = sorted(set(seen), reverse=kind == "v2 desc")
        if seen != ordered:
            self.walk_violations.append(f"{kind}: ids repeated or out of order")
        missing = set(self.shared) - set(seen)
        if missing:
            self.walk_violations.append(f"{kind}: never-deleted activities {sorted(missing)} not seen")


class Hostile(threading.Thread):
    """A hostile client beside the workload: oversized and junk bodies, slow and oversized heads, crafted
    cursors, clock moves. Any 5xx (or a non-JSON error) is an error; no answer is owed to a slow client.

    The clock only moves forward here (1 s to 40 days: deletions get purged meanwhile), so that the
    workload's own checks (ordered walks, final state) stay exact; backward moves are the state
    machine's (tests/test_clock_moves.py).
    """

    KINDS = ("oversized", "junk", "cursor", "slow", "big_head", "clock")

    def __init__(self, index: int, base_url: str, deadline: float, budget: Iterator[int]) -> None:
        super().__init__(name=f"hostile-{index}", daemon=True)
        self.base, self.deadline, self.budget = base_url, deadline, budget
        self.rng = random.Random(1000 + index)
        self.session = requests.Session()
        self.by_kind: dict[str, int] = {}
        self.errors: list[str] = []
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        self.address = (host.strip("[]"), int(port))

    def run(self) -> None:
        while time.monotonic() < self.deadline and next(self.budget, None) is not None:
            kind = self.rng.choice(self.KINDS)
            try:
                status = getattr(self, f"_{kind}")()
            except (requests.RequestException, OSError):
                status = None  # the server may close on a hostile client: that is allowed
            if status is not None and status >= 500:
                self.errors.append(f"hostile {kind}: {status}")
            self.by_kind[f"hostile {kind}"] = self.by_kind.get(f"hostile {kind}", 0) + 1

    def _post(self, path: str, body: bytes, **headers: str) -> int:
        return self.session.post(f"{self.base}{path}", data=body, timeout=REQUEST_TIMEOUT,
                                 headers={"x-api-token": TOKEN, "Content-Type": "application/json", **headers}
                                 ).status_code

    def _oversized(self) -> int:
        return self._post("/api/v2/activities", b'{"note": "' + b"x" * 1_500_000 + b'"}')

    def _junk(self) -> int:
        return self._post("/api/v2/activities", b"[" + b",".join([b"{}"] * 300_000) + b"]")

    def _cursor(self) -> int:
        payload = {"field": self.rng.choice(["id", "update_time", "add_time", "due_date"]),
                   "fieldValue": self.rng.choice([None, 5, [1], {"a": 1}, True, "9999-12-31T23:59:59-05:00"]),
                   "sortDirection": "asc", "id": self.rng.choice([1, -1, 2**40, "x"])}
        cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
        return self.session.get(f"{self.base}/api/v2/activities", timeout=REQUEST_TIMEOUT, headers={"x-api-token": TOKEN},
                                params={"cursor": cursor, "sort_by": payload["field"]}).status_code

    def _slow(self) -> None:
        with socket.create_connection(self.address, timeout=REQUEST_TIMEOUT) as client:
            for byte in f"GET /api/v2/activities/1 HTTP/1.1\r\nHost: {self.address[0]}\r\n".encode():
                client.sendall(bytes([byte]))
                time.sleep(0.02)
        return None

    def _big_head(self) -> int:
        return self.session.get(f"{self.base}/api/v2/activities/1", timeout=REQUEST_TIMEOUT,
                                headers={"x-api-token": TOKEN, "x-pad": "x" * 200_000}).status_code

    def _clock(self) -> int:
        return self.session.post(f"{self.base}/_mock/clock", timeout=REQUEST_TIMEOUT,
                                 json={"advance": self.rng.randint(1, 40 * 86_400)}).status_code
