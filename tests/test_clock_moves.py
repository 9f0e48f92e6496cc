"""The clock may move anywhere: a hypothesis state machine over clock moves and requests.

After any move (back, forward, to the ends of its range) the 30-day purge, the burst window and the daily
budget behave as a plain model of them says, and with the clock frozen no per-token bookkeeping grows.
OAuth codes and tokens stay valid exactly until their instant after any moves; webhook retries, bans and
deletions after a clock moved back are in test_webhook_retries.py.
"""
from __future__ import annotations

from typing import Any

from hypothesis import given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pipedrive_mock import ADMIN_TOKEN, Store, create_app
from pipedrive_mock.constants import (ACCESS_TOKEN_LIFETIME_SECONDS, CODE_LIFETIME_SECONDS, PURGE_AFTER_SECONDS,
                                      REFRESH_TOKEN_IDLE_SECONDS)
from pipedrive_mock.ratelimit import CALLS_KEPT_UNLIMITED, DAY_SECONDS
from pipedrive_mock.times import CLOCK_EARLIEST, CLOCK_LATEST
from oauth_client import REDIRECT, basic, bearer, consent

BASE = 1_735_689_600  # 2025-01-01T00:00:00Z
HEADERS = {"x-api-token": ADMIN_TOKEN}
ONE = "/api/v2/activities/<id>"
moves = (st.builds(lambda days, seconds: BASE + days * DAY_SECONDS + seconds, st.integers(-70, 70),
                   st.sampled_from([0, 1, 2, 43_200, DAY_SECONDS - 1]))
         | st.sampled_from([CLOCK_EARLIEST + DAY_SECONDS, CLOCK_LATEST - 100 * DAY_SECONDS]))


class ClockMoves(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(Store.default(seed=1, activities=3))
        self.client = self.app.test_client()
        self.state = self.app.extensions["pipedrive_mock"]
        self.now = float(BASE)
        self.post("/_mock/clock", {"now": "2025-01-01T00:00:00Z"})
        self.deleted: dict[int, float] = {}    # id -> deleted at (model)
        self.purged: set[int] = set()
        self.burst: int | None = None
        self.window = 2.0
        self.budget: int | None = None
        self.calls: list[float] = []
        self.spent_day, self.spent = int(self.now // DAY_SECONDS), 0

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    # -- the model --------------------------------------------------------------------------
    def expect(self, cost: int) -> int:
        """The status the model expects of an API call costing `cost` now, charging it when allowed."""
        for activity_id, at in self.deleted.items():
            if at + PURGE_AFTER_SECONDS <= self.now:
                self.purged.add(activity_id)
        day = int(self.now // DAY_SECONDS)
        spent = self.spent if day == self.spent_day else 0
        in_window = [t for t in self.calls if self.now - self.window < t <= self.now]
        if self.budget is not None and spent + cost > self.budget:
            return 429
        if self.burst is not None and len(in_window) >= self.burst:
            return 429
        self.spent_day, self.spent = day, spent + cost
        self.calls = [*in_window, self.now]
        return 200

    def call(self, method: str, path: str, rule: str, **kwargs: Any) -> Any:
        expected = self.expect(self.state.contract.find(rule, method).token_cost)  # x-token-cost
        response = self.client.open(path, method=method, headers=HEADERS, **kwargs)
        if expected == 429:
            assert response.status_code == 429, (method, path, response.get_data(as_text=True))
        else:
            assert response.status_code != 429, (method, path, response.get_data(as_text=True))
        return response

    # -- rules ------------------------------------------------------------------------------
    @rule(to=moves)
    def move_clock(self, to: float) -> None:
        self.post("/_mock/clock", {"now": _text(to)})
        self.now = float(int(to))

    @rule(seconds=st.sampled_from([1, 2, 3, 3600, -1, -2, -3600, 29 * DAY_SECONDS, -29 * DAY_SECONDS]))
    def advance_clock(self, seconds: int) -> None:
        if CLOCK_EARLIEST <= self.now + seconds <= CLOCK_LATEST:
            self.post("/_mock/clock", {"advance": seconds})
            self.now += seconds

    @rule(burst=st.none() | st.integers(1, 4), window=st.sampled_from([1, 2, 10]),
          budget=st.none() | st.integers(5, 60))
    def set_limits(self, burst: int | None, window: int, budget: int | None) -> None:
        self.post("/_mock/rate-limit", {"burst": burst, "window_seconds": window, "daily_budget": budget})
        self.burst, self.window, self.budget = burst, float(window), budget
        self.calls, self.spent_day, self.spent = [], int(self.now // DAY_SECONDS), 0

    @rule()
    def add_and_delete(self) -> None:
        added = self.call("POST", "/api/v2/activities", "/api/v2/activities", json={"subject": "Moved"})
        if added.status_code != 200:
            return
        activity_id = added.get_json()["data"]["id"]
        if self.call("DELETE", f"/api/v2/activities/{activity_id}", ONE).status_code == 200:
            self.deleted[activity_id] = self.now

    @precondition(lambda self: bool(self.deleted))
    @rule(data=st.data())
    def get_deleted(self, data: st.DataObject) -> None:
        activity_id = data.draw(st.sampled_from(sorted(self.deleted)))
        response = self.call("GET", f"/api/v2/activities/{activity_id}", ONE)
        if response.status_code == 429:
            return
        if activity_id in self.purged:
            assert response.status_code == 404, f"activity {activity_id} should be purged"
        else:
            assert response.status_code == 200 and response.get_json()["data"]["is_deleted"] is True

    @rule()
    def list_activities(self) -> None:
        self.call("GET", "/api/v2/activities?limit=1", "/api/v2/activities")

    @invariant()
    def bookkeeping_is_bounded(self) -> None:
        for calls in self.state.rate_limit._calls.values():
            assert len(calls) <= max(self.burst or 0, CALLS_KEPT_UNLIMITED)


def _text(seconds: float) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(int(seconds), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


ClockMoves.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_clock_moves_keep_purge_burst_and_budget_right = ClockMoves.TestCase


def test_frozen_clock_keeps_per_token_bookkeeping_bounded() -> None:
    app = create_app(Store.default(seed=1, activities=3))
    client = app.test_client()
    client.post("/_mock/clock", json={"now": "2025-01-01T00:00:00Z"})
    for _ in range(CALLS_KEPT_UNLIMITED + 200):
        assert client.get("/api/v2/activities/1", headers=HEADERS).status_code == 200
    assert max(len(c) for c in app.extensions["pipedrive_mock"].rate_limit._calls.values()) <= CALLS_KEPT_UNLIMITED


@settings(max_examples=40, deadline=None)
@given(st.lists(moves, min_size=1, max_size=6))
def test_oauth_tokens_after_any_clock_moves_are_valid_exactly_until_their_instant(path: list[float]) -> None:
    """A code, access token and refresh token expire at an instant of the mock clock: after any moves
    (back, forward, to the ends of the range) each works exactly while the clock is before its instant."""
    app = create_app(Store.default(seed=1, activities=1))
    client = app.test_client()
    assert client.post("/_mock/clock", json={"now": _text(BASE)}).status_code == 200
    code = consent(client)["code"][0]
    issued = client.post("/oauth/token", headers=basic(), data={"grant_type": "authorization_code", "code": code,
                                                                  "redirect_uri": REDIRECT}).json
    second = consent(client)["code"][0]
    for to in path:
        assert client.post("/_mock/clock", json={"now": _text(to)}).status_code == 200
        listed = client.get("/api/v2/activities", headers=bearer(issued["access_token"]))
        assert listed.status_code == (200 if to < BASE + ACCESS_TOKEN_LIFETIME_SECONDS else 401), listed.json
    exchanged = client.post("/oauth/token", headers=basic(), data={"grant_type": "authorization_code",
                                                                     "code": second, "redirect_uri": REDIRECT})
    assert exchanged.status_code == (200 if path[-1] < BASE + CODE_LIFETIME_SECONDS else 400), exchanged.json
    renewed = client.post("/oauth/token", headers=basic(), data={"grant_type": "refresh_token",
                                                                   "refresh_token": issued["refresh_token"]})
    assert renewed.status_code == (200 if path[-1] < BASE + REFRESH_TOKEN_IDLE_SECONDS else 400), renewed.json
    if renewed.status_code == 200:  # the new access token counts its lifetime from the moved clock's now
        assert client.get("/api/v2/activities", headers=bearer(renewed.json["access_token"])).status_code == 200
