"""The contract's operations, for tests that need "every operation": taken from the compiled openapi.yaml.

A test names an operation by its operationId; `SAMPLES` gives the few that need more than a path to
succeed (a body, a required query parameter). An operation the contract gains is in every such test at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipedrive_mock.contract import Contract, Operation, load_spec

CONTRACT = Contract()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Sample:
    """What a successful call of an operation needs beyond its path: `{id}` in a query is the path's id."""
    query: str = ""
    body: dict[str, Any] | None = None
    path_args: dict[str, str] = field(default_factory=dict)
    # What must exist in the app's company 1 first (e.g. a webhook to delete).
    arrange: Callable[[Any], None] | None = None


# A target the mock may deliver to (loopback) where nothing listens: deliveries fail at once.
WEBHOOK_URL = "http://127.0.0.1:9/operations"
WEBHOOK_BODY = {"subscription_url": WEBHOOK_URL, "event_action": "*", "event_object": "activity", "name": "sample"}


def _a_webhook(app: Any) -> None:
    from pipedrive_mock.resources.webhooks.subscriptions import subscribe

    state = app.extensions["pipedrive_mock"]
    company = state.store.company(1)
    admin = next(u for u in company.users.values() if u.is_admin)
    subscribe(company, admin, WEBHOOK_BODY, state.clock.time(), state.deliveries.targets)


SAMPLES: dict[str, Sample] = {
    "getActivities": Sample("limit=500"),
    "getActivitiesCollection": Sample("limit=500"),
    "addActivity": Sample(body={"subject": "Written by the auth matrix"}),
    "updateActivity": Sample(body={"subject": "Changed by the auth matrix"}),
    "deleteActivities": Sample("ids={id}"),
    "addWebhook": Sample(body=WEBHOOK_BODY),
    "deleteWebhook": Sample(path_args={"id": "1"}, arrange=_a_webhook),
    "addActivityType": Sample(body={"name": "Written by the auth matrix", "icon_key": "camera"}),
    "updateActivityType": Sample(body={"name": "Changed by the auth matrix"}, path_args={"id": "2"}),
    "deleteActivityType": Sample(path_args={"id": "3"}),
    "getActivityField": Sample(path_args={"field_code": "priority"}),
    "getUser": Sample(path_args={"id": "2"}),
}


def canonical(operation: Operation) -> Operation:
    """The operation itself, or for a v1 operation at /api/v1/... the same one at /v1/... (one view serves both)."""
    if operation.path.startswith("/api/v1/"):
        return CONTRACT.operations[(operation.flask_rule[4:], operation.method)]
    return operation


def operations() -> list[Operation]:
    """Every operation of the contract, both prefixes of v1 included."""
    return list(CONTRACT)


def distinct_operations() -> list[Operation]:
    """Every operation once: a v1 operation served at two prefixes counts once."""
    return [op for op in CONTRACT if canonical(op) is op]


def sample(operation: Operation) -> Sample:
    return SAMPLES.get(canonical(operation).operation_id, Sample())


def arrange(operation: Operation, app: Any) -> None:
    """Make what a successful call of the operation needs in the app's company 1."""
    setup = sample(operation).arrange
    if setup is not None:
        setup(app)


def success_status(operation: Operation) -> int:
    """The status a successful call answers: the operation's documented 2xx (200, or 201 for a webhook)."""
    return min(int(status) for status in documented_statuses(operation) if status.startswith("2"))


def writes(operation: Operation) -> bool:
    return operation.method not in SAFE_METHODS


def documented_statuses(operation: Operation) -> set[str]:
    """The response statuses openapi.yaml documents for the operation."""
    item = load_spec()["paths"][operation.path][operation.method.lower()]
    return set(item["responses"])


def request_path(operation: Operation, object_id: int | str, query: str | None = None) -> str:
    """A concrete path of the operation: every path parameter is `object_id` unless the sample says otherwise."""
    spec = sample(operation)
    path = operation.path
    for parameter in operation.parameters:
        if parameter.location == "path":
            value = spec.path_args.get(parameter.name, str(object_id))
            path = path.replace("{" + parameter.name + "}", value)
    query = spec.query if query is None else query
    query = query.replace("{id}", str(object_id))
    return f"{path}?{query}" if query else path
