"""What a Pipedrive resource gives the app: its routes, and optionally a state of its own in every company.

A resource's per-company state (webhooks' subscriptions, OAuth's grants, ...) follows one protocol, so
that reset, snapshots and the state file handle every resource alike without knowing any by name.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Blueprint


class CompanyState(Protocol):
    """One company's part of a resource; thread-safe on its own (it takes its own lock)."""

    def mark_pristine(self) -> None:
        """Remember the current state as the seeded one, which `reset` returns to."""

    def reset(self) -> None:
        """Back to the state `mark_pristine` remembered."""

    def dump(self) -> Any:
        """The state as JSON-able data, for the snapshot (under the resource's name in each company)."""


# (company id, what `dump` gave, or None for a new company or a snapshot without it) -> the state
StateLoader = Callable[[int, Any], CompanyState]


@dataclass(frozen=True)
class Resource:
    """A Pipedrive resource: `name` keys its state in `Company.states` and in each snapshot company.

    `direct`: its views read the request only through `pipeline.current()` (no `flask.request`, no
    `flask.g`, no error handler of the blueprint's own), so the dispatcher serves its calls without Flask's
    request context (dispatch.py); otherwise they go through Flask."""
    name: str
    blueprints: tuple[Blueprint, ...] = ()
    company_state: StateLoader | None = None
    direct: bool = False
