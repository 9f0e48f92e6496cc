"""A webhook's health on the mock clock: Pipedrive's retry, ban and deletion rules (facts page, "Webhooks").

Any 2xx is a success; no answer within TIMEOUT_SECONDS is a failure; a failed delivery is tried again
RETRY_DELAYS after each failure (attempts 2-4); BAN_AFTER_FAILURES failed first attempts in a row ban
the webhook for BAN_SECONDS; a failing webhook with no success for DELETE_AFTER_SECONDS is deleted.
Every instant is on the mock clock. A clock moved back before a ban or a run of failures counts from the
new now (`clock_moved`), so no length ends up longer than itself.
"""
from __future__ import annotations

from .model import Webhook

TIMEOUT_SECONDS = 10.0
RETRY_DELAYS = (3.0, 30.0, 150.0)  # before attempts 2, 3 and 4
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
BAN_AFTER_FAILURES = 10
BAN_SECONDS = 30 * 60.0
DELETE_AFTER_SECONDS = 3 * 24 * 3600.0


def succeeded(webhook: Webhook, status: int, now: float) -> None:
    webhook.last_delivery_time, webhook.last_http_status = now, status
    webhook.last_success_time, webhook.failing_since, webhook.first_failures_in_row = now, None, 0


def failed(webhook: Webhook, status: int | None, attempt: int, now: float) -> float | None:
    """Note a failed attempt; the instant of the next attempt, None when this one was the last."""
    webhook.last_delivery_time, webhook.last_http_status = now, status
    if webhook.failing_since is None:
        webhook.failing_since = now
    if attempt == 1:
        webhook.first_failures_in_row += 1
        if webhook.first_failures_in_row >= BAN_AFTER_FAILURES and webhook.banned_at is None:
            webhook.banned_at = now
    return now + RETRY_DELAYS[attempt - 1] if attempt < MAX_ATTEMPTS else None


def banned(webhook: Webhook, now: float) -> bool:
    """Whether the webhook is banned now; a ban that is over ends here."""
    if webhook.banned_at is None:
        return False
    webhook.banned_at = min(webhook.banned_at, now)
    if now >= webhook.banned_at + BAN_SECONDS:
        webhook.banned_at = None
        webhook.first_failures_in_row = 0
        return False
    return True


def ban_ends_at(webhook: Webhook) -> float | None:
    return webhook.banned_at + BAN_SECONDS if webhook.banned_at is not None else None


def deleted_at(webhook: Webhook, now: float) -> float | None:
    """When a failing webhook is deleted: 3 days after its last success (or its subscription); None when it
    is not failing."""
    if webhook.failing_since is None:
        return None
    webhook.failing_since = min(webhook.failing_since, now)
    # failing_since is never before the last success or the subscription, except after a clock moved back.
    since = webhook.last_success_time if webhook.last_success_time is not None else webhook.add_time
    return min(since, webhook.failing_since) + DELETE_AFTER_SECONDS


def clock_moved(webhook: Webhook, now: float) -> None:
    """The clock moved to `now`: a ban or a run of failures that began after it counts from it."""
    if webhook.banned_at is not None and webhook.banned_at > now:
        webhook.banned_at = now
    if webhook.failing_since is not None and webhook.failing_since > now:
        webhook.failing_since = now
