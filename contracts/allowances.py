"""Failures the contract itself allows, dropped narrowly and each for a written reason.

Every check stays enabled. A failure is dropped only when the response is exactly what the
contract documents for a case a JSON Schema cannot express, so any other fault reported by the
same check still fails the run. Each allowance names the fact or decision behind it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipedrive_mock.constants import MAX_BODY_BYTES

from . import guard

# Parameters and fields whose validity depends on state a JSON Schema cannot see.
_STATEFUL_VALUE = re.compile(
    r"^Invalid value for parameter 'cursor': .* is not a cursor this API issued"   # opaque cursors
    r"|^Filter not found"                                                           # saved filters
    r"|^Invalid value for field 'type': .* is (not an active|an inactive) activity type"  # company's types
    r"|^Activity type [0-9]+ is the company's last active type"                     # one stays active
    r"|^Invalid value for field 'owner_id': .* is not a user of this company",      # company's users
    re.DOTALL)
_IMPOSSIBLE_DATE = re.compile(r"^Invalid value for parameter '(since|until)': .* is (not a (date-time|calendar date "
                              r"and time)|outside the years 0001 to 9999 once in UTC)", re.DOTALL)
# A webhook 400 ({"errors": {field: [...]}}) about a subscription the server cannot take: a target it
# may not deliver to, a user the company does not have, a user already at 40 webhooks.
_WEBHOOK_STATEFUL = {"subscription_url": "invalid or non-reachable URL", "user_id": " user "}
_NOT_AN_INTEGER = "is not an integer"  # the mock says "5.0 is not an integer"
_FLOAT_INTEGER = re.compile(rb"[0-9]\.0+[,}\]\s]|[0-9][eE]\+?[0-9]")


@dataclass(frozen=True)
class Allowance:
    check: str
    reason: str
    applies: Callable[[Any, Any], bool]


def _error_message(response: Any) -> str:
    """The error's message; for the webhooks API's shape, its field messages joined."""
    try:
        body = response.json()
        message = body.get("error", "")
        errors = body.get("errors")
    except (ValueError, AttributeError):
        return ""
    if isinstance(errors, dict):
        message = "; ".join(m for messages in errors.values() if isinstance(messages, list)
                            for m in messages if isinstance(m, str))
    return message if isinstance(message, str) else ""


def _is_soft_deleted_read(case: Any, response: Any) -> bool:
    if case.method.upper() != "GET" or response.status_code != 200:
        return False
    try:
        return response.json()["data"]["is_deleted"] is True
    except (ValueError, KeyError, TypeError):
        return False


def _is_stateful_rejection(case: Any, response: Any) -> bool:
    return response.status_code == 400 and bool(_STATEFUL_VALUE.search(_error_message(response)))


def _is_impossible_date(case: Any, response: Any) -> bool:
    return response.status_code == 400 and bool(_IMPOSSIBLE_DATE.search(_error_message(response)))


def _is_refused_subscription(case: Any, response: Any) -> bool:
    if response.status_code != 400:
        return False
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return False
    if not isinstance(errors, dict) or not errors:
        return False
    return all(field in _WEBHOOK_STATEFUL and all(_WEBHOOK_STATEFUL[field] in f" {m}" for m in messages)
               for field, messages in errors.items())


def _is_float_integer(case: Any, response: Any) -> bool:
    body = response.request.body or b""
    body = body.encode() if isinstance(body, str) else body
    return (response.status_code == 400 and _NOT_AN_INTEGER in _error_message(response)
            and bool(_FLOAT_INTEGER.search(body)))


def _is_body_over_limit(case: Any, response: Any) -> bool:
    body = response.request.body or b""
    return response.status_code == 413 and len(body) > MAX_BODY_BYTES


ALLOWANCES = (
    Allowance("negative_data_rejection",
              "openapi.yaml lists 413 for add and update: a generated invalid body over the 1 MiB limit is "
              "refused before it is validated, with the documented 413 rather than a 400",
              _is_body_over_limit),
    Allowance("use_after_free",
              "openapi.yaml (getActivity) and the facts page decision 'GET of a soft-deleted activity': a "
              "deleted activity stays readable with is_deleted: true until the 30-day purge",
              _is_soft_deleted_read),
    Allowance("positive_data_acceptance",
              "cursors are opaque values the API issued, filter_id must name a saved filter, type an "
              "active activity type and owner_id a user of the company (facts page: Parameters, Activity types, decisions): "
              "schema-valid strings the company does not know are a documented 400",
              _is_stateful_rejection),
    Allowance("positive_data_acceptance",
              "since/until: the spec's pattern describes the shapes; a calendar-impossible time such as "
              "2022-02-30, or one that leaves the years 0001-9999 once moved to UTC, fits the pattern and is a "
              "documented 400",
              _is_impossible_date),
    Allowance("positive_data_acceptance",
              "POST /v1/webhooks: the subscription_url must be a target the server may deliver to (loopback, "
              "or a --webhook-allow-host), user_id a user of the company with fewer than 40 webhooks (facts "
              "page, Webhooks): schema-valid values the server refuses are a documented 400",
              _is_refused_subscription),
    Allowance("negative_data_rejection",
              "a write run against a live target swaps every id it did not create for one it did "
              "(contracts.guard), which can turn a generated invalid id into a valid one; such a case no longer "
              "tests rejection",
              lambda case, response: guard.was_rewritten(case)),
    Allowance("positive_data_acceptance",
              "facts page: 'v2 is strict: integers are JSON integers'; JSON Schema counts 5.0 as an integer, "
              "so the spec cannot say that the mock, like Pipedrive v2, rejects it",
              _is_float_integer),
)


def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep a failure unless an allowance documents the behaviour it complains about."""
    checks = set(getattr(failure, "checks", ()))
    return not any(a.check in checks and a.applies(case, response) for a in ALLOWANCES)
