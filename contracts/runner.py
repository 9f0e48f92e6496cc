"""Runs openapi.yaml's checks against a live target with schemathesis' engine, and reports per operation.

Every phase runs (examples, fuzzing in positive and negative modes, the stateful phase built from the
spec's links, add -> get/update/delete, and in the thorough profile the coverage phase), with every check
in CHECKS and a fixed seed.
"""
from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import schemathesis
import yaml
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from pipedrive_mock.contract import load_spec, spec_path

from . import allowances
from .guard import CHANGING_METHODS, NOT_ACTIVITY_PATH, WriteGuard
from .profiles import DEFAULT_SEED, Profile, current_profile
from .report import Finding, Report

CHECKS = (
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
    "positive_data_acceptance", "missing_required_header", "unsupported_method", "ignored_auth",
    "use_after_free", "ensure_resource_availability",
)
TOKEN_HEADER = "x-api-token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REQUEST_TIMEOUT = 30
EXCERPT = 300  # bytes of a request or response body shown with a failure


@dataclass(frozen=True)
class Target:
    """Where the contract is checked, as whom, and whether it may write."""
    base_url: str
    api_token: str
    allow_writes: bool = False

    @property
    def headers(self) -> dict[str, str]:
        return {TOKEN_HEADER: self.api_token}


def build_config(target: Target, profile: Profile, seed: int, max_examples: int | None = None) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": seed,
        "base-url": target.base_url.rstrip("/"),
        "headers": target.headers,
        "workers": 1,
        "request-timeout": REQUEST_TIMEOUT,
        "generation": {"mode": "all", "max-examples": max_examples or profile.max_examples,
                       "deterministic": True, "database": "none"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        # A read-only run sends no add, so it has no links to follow. Only the links openapi.yaml states
        # are followed: inferred ones (e.g. from GET /v1/webhooks to every path with an id) would spend
        # the phase's steps away from the activity chains it is there for.
        "phases": {"coverage": {"enabled": profile.coverage},
                   "stateful": {"enabled": target.allow_writes, "max-steps": profile.stateful_steps,
                                "inference": {"algorithms": []}}},
    })


def load_schema(target: Target, *, profile: Profile | None = None, seed: int = DEFAULT_SEED,
                max_examples: int | None = None, spec: str | Path | None = None) -> Any:
    """The contract loaded for `target`: only its GET operations unless writes are allowed."""
    config = build_config(target, profile or current_profile(), seed, max_examples)
    schema: Any = schemathesis.openapi.from_path(str(spec or spec_path()), config=config)
    if not target.allow_writes:
        schema = schema.include(method="GET")
    schema.hook(allowances.filter_failure)
    return schema


def run(target: Target, *, profile: Profile | None = None, seed: int = DEFAULT_SEED,
        max_examples: int | None = None, spec: str | Path | None = None, confine_writes: bool = True) -> Report:
    """Check `target` against the contract; with writes, only activities the run created are touched.

    `confine_writes=False` lets writes reach any activity: only for a throwaway target, such as a mock
    made for the run, where updates and deletes of seeded activities are part of what is checked. With
    confined writes, only activities are written (no activity types).
    """
    schema = load_schema(target, profile=profile, seed=seed, max_examples=max_examples, spec=spec)
    if target.allow_writes and confine_writes:
        # The guard can only keep activity writes to what the run made: a live company's activity types
        # (which a DELETE only deactivates) and webhooks are not the run's to write.
        schema = schema.exclude(method=sorted(CHANGING_METHODS), path_regex=NOT_ACTIVITY_PATH)
    report = Report(skipped=[] if target.allow_writes else _writes(spec))
    with ExitStack() as stack:
        if target.allow_writes and confine_writes:
            stack.enter_context(WriteGuard(target.base_url, target.headers))
        return execute(schema, report)


def execute(schema: Any, report: Report | None = None) -> Report:
    """Run schemathesis' engine over a loaded `schema` (every phase and check its config enables), each case,
    failed check and error collected into `report` per operation."""
    report = Report() if report is None else report
    started = time.perf_counter()
    for event in from_schema(schema).execute():
        _collect(event, report)
    report.seconds = time.perf_counter() - started
    return report


def _writes(spec: str | Path | None) -> list[str]:
    """The labels of the contract's operations a read-only run leaves out, e.g. `POST /api/v2/activities`."""
    document = load_spec() if spec is None else yaml.safe_load(Path(spec).read_text(encoding="utf-8"))
    return sorted(f"{method.upper()} {path}" for path, item in document.get("paths", {}).items()
                  for method in item if method.upper() in WRITE_METHODS)


def _collect(event: Any, report: Report) -> None:
    if isinstance(event, events.ScenarioFinished):
        recorder = event.recorder
        phase = getattr(event.phase, "value", str(event.phase))
        for interaction in recorder.interactions.values():
            if interaction.response is not None:
                report.statuses[interaction.response.status_code] += 1
        for node in recorder.cases.values():
            report.cases[node.value.operation.label] += 1
            report.phases[phase] += 1
            parent = recorder.cases.get(node.parent_id) if node.parent_id else None
            if parent is not None and phase == "stateful":
                report.transitions[f"{parent.value.operation.label} -> {node.value.operation.label}"] += 1
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.failure_info is not None:
                    failure = check.failure_info.failure
                    message = f"{failure.message}\n{_exchange(recorder, case_id)}"
                    report.add_finding(Finding(failure.operation or recorder.label, check.name,
                                               failure.title, message))
    elif isinstance(event, events.NonFatalError):
        report.errors.append(f"{event.label}: {event.info.title}: {event.info.message}".strip())
    elif isinstance(event, events.FatalError):
        report.errors.append(f"fatal: {event.exception!r}")



def _exchange(recorder: Any, case_id: str) -> str:
    """The request and response behind a failure, shortened, for the summary."""
    interaction = recorder.interactions.get(case_id)
    if interaction is None:
        return ""
    request, response = interaction.request, interaction.response
    body = request.body[:EXCERPT].decode("utf-8", "replace") if request.body else ""
    lines = [f"Request: {request.method} {request.uri}" + (f" body {body}" if body else "")]
    if response is not None:
        answered = (response.content or b"")[:EXCERPT].decode("utf-8", "replace")
        lines.append(f"Response: {response.status_code} {answered}")
    return "\n".join(lines)
