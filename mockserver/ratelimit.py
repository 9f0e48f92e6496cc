"""Pipedrive's two limits: a daily token budget per company and a burst limit per token.

Unlimited by default; the headers are sent either way so clients that read them keep working.
"""
from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from .constants import UNLIMITED
from .errors import RateLimited

DAILY_BASE_BUDGET = 30_000
DAY_SECONDS = 86_400
DEFAULT_WINDOW_SECONDS = 2
# The calls of a token kept for the headers when no burst limit is set: bounded, so a frozen clock (whose
# window never passes) cannot make the list grow without end. With a burst limit, at most that many are kept.
CALLS_KEPT_UNLIMITED = 1000
# The rate-limit headers of a response, in the order they are sent.
Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Plan:
    """A plan's daily multiplier and burst limits (API token, OAuth) per rolling window."""
    multiplier: int
    burst: int
    oauth_burst: int


# Burst limits from the facts page; the multipliers are the mock's guess (README fidelity notes).
PLANS: dict[str, Plan] = {
    "lite": Plan(1, 20, 80),
    "growth": Plan(2, 40, 160),
    "premium": Plan(4, 80, 320),
    "power": Plan(5, 100, 400),
    "ultimate": Plan(7, 120, 480),
}


@dataclass
class RateLimitSettings:
    daily_budget: int | None = None
    burst: int | None = None
    window_seconds: float = DEFAULT_WINDOW_SECONDS
    plan: str | None = None
    seats: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.settings = RateLimitSettings()
        self._spent: dict[int, tuple[int, int]] = {}  # company id -> (day number, tokens spent)
        self._calls: dict[str, deque[float]] = {}     # token -> times of calls in the window

    def configure(self, *, daily_budget: int | None = None, burst: int | None = None,
                  window_seconds: float = DEFAULT_WINDOW_SECONDS, plan: str | None = None,
                  seats: int = 1) -> RateLimitSettings:
        """New limits; a plan fills the budget and burst it sets. Starts a fresh day and window."""
        if plan is not None:
            preset = PLANS[plan]
            daily_budget = daily_budget if daily_budget is not None else DAILY_BASE_BUDGET * preset.multiplier * seats
            burst = burst if burst is not None else preset.burst
        with self._lock:
            self.settings = RateLimitSettings(daily_budget, burst, window_seconds, plan, seats)
            self._spent.clear()
            self._calls.clear()
        return self.settings

    def reset(self) -> None:
        self.configure()

    def spend(self, company_id: int, token: str, cost: int, now: float, oauth: bool = False) -> Headers:
        """Charge one call; its headers, or RateLimited (429 with Retry-After) when over a limit."""
        s = self.settings
        day = int(now // DAY_SECONDS)
        with self._lock:
            spent_day, spent = self._spent.get(company_id, (day, 0))
            if spent_day != day:
                spent = 0
            burst = self._burst(oauth)
            calls = self._calls.get(token)
            if calls is None:
                calls = self._calls[token] = deque(maxlen=max(burst or 0, CALLS_KEPT_UNLIMITED))
            elif calls and calls[-1] > now:
                # The clock moved back: calls "after" now are not in the window (and the rest stays in order).
                calls = self._calls[token] = deque((t for t in calls if t <= now), maxlen=calls.maxlen)
            while calls and calls[0] <= now - s.window_seconds:
                calls.popleft()
            if s.daily_budget is not None and spent + cost > s.daily_budget:
                headers = dict(self._headers(burst, len(calls), calls, spent, now))
                headers["Retry-After"] = str(math.ceil((day + 1) * DAY_SECONDS - now))
                raise RateLimited("Request over limit", headers=headers,
                                  error_info="The daily token budget of this company is spent")
            if burst is not None and len(calls) >= burst:
                headers = dict(self._headers(burst, len(calls), calls, spent, now))
                headers["Retry-After"] = headers["x-ratelimit-reset"]
                raise RateLimited("Request over limit", headers=headers,
                                  error_info="Too many requests with this token in the burst window")
            spent += cost
            self._spent[company_id] = (day, spent)
            calls.append(now)
            return self._headers(burst, len(calls), calls, spent, now)

    def peek(self, company_id: int | None, token: str | None, now: float) -> Headers:
        """The headers as they stand, charging nothing (for responses refused before charging)."""
        s = self.settings
        day = int(now // DAY_SECONDS)
        with self._lock:
            spent_day, spent = self._spent.get(company_id, (day, 0)) if company_id is not None else (day, 0)
            calls = [t for t in self._calls.get(token or "", ()) if now - s.window_seconds < t <= now]
            return self._headers(self._burst(False), len(calls), calls, spent if spent_day == day else 0, now)

    def usage(self, now: float) -> tuple[dict[int, int], dict[str, list[float]]]:
        """Tokens spent today per company, and the times of each token's calls in the current window."""
        s = self.settings
        day = int(now // DAY_SECONDS)
        with self._lock:
            spent = {company: tokens for company, (spent_day, tokens) in self._spent.items() if spent_day == day}
            calls = {token: [t for t in times if now - s.window_seconds < t <= now]
                     for token, times in self._calls.items()}
        return spent, {token: times for token, times in calls.items() if times}

    def _burst(self, oauth: bool) -> int | None:
        s = self.settings
        if oauth and s.plan is not None and s.burst == PLANS[s.plan].burst:
            return PLANS[s.plan].oauth_burst
        return s.burst

    def _headers(self, burst: int | None, used: int, calls: Any, spent: int, now: float) -> Headers:
        s = self.settings
        limit = burst if burst is not None else UNLIMITED
        budget = s.daily_budget if s.daily_budget is not None else UNLIMITED
        reset = math.ceil(calls[0] + s.window_seconds - now) if calls else math.ceil(s.window_seconds)
        return [
            ("x-ratelimit-limit", str(limit)),
            ("x-ratelimit-remaining", str(max(limit - used, 0))),
            ("x-ratelimit-reset", str(max(reset, 0))),
            ("x-daily-ratelimit-token-limit", str(budget)),
            ("x-daily-ratelimit-token-remaining", str(max(budget - spent, 0))),
        ]
