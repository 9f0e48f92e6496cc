"""The application factory."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Request, Response, g, request
from werkzeug.routing import Rule

from . import errors, pipeline
from .dispatch import Dispatcher
from .constants import (ANSWER_DELAY, API_PROFILE_SEED, DEFAULT_ACTIVITIES, DEFAULT_SEED, JOURNAL_SIZE, MAX_BODY_BYTES,
                        SERVER_HOLDS_ANSWERS, UNKNOWN_FIELDS_REJECT, body_limit)
from .contract import Contract, spec_text
from .journal import Journal
from . import resources
from .origin import OriginPolicy
from .routes import control_blueprint, dashboard_blueprint
from .state import MockState
from .statefile import StateFile
from .store import Store
from .resources.webhooks import Deliveries, StoreRegistry, Targets


class MockRequest(Request):
    """A request whose body limit is the app's, or the snapshot PUT's own (constants.body_limit)."""

    @property
    def max_content_length(self) -> int | None:
        return body_limit(self.method, self.path, super().max_content_length)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)  # type: ignore[attr-defined]


class LazyRule(Rule):
    """A Werkzeug rule whose URL builders are compiled when `url_for` first needs them, not when it is added.

    Werkzeug compiles two builder functions per rule as it is added (Python source, parsed and compiled):
    half of `create_app`'s own time for the mock's ~70 rules, which matching never uses.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_builder = super()._compile_builder
        built: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, *args: Any, **values: Any) -> tuple[str, str]:
            if not built:
                built.append(compile_builder(append_unknown))
            return built[0](rule, *args, **values)
        return build


class MockFlask(Flask):
    """Flask, minus a per-call check, plus the delay of injected faults (POST /_mock/faults), and Pipedrive
    calls served without Flask's request context where they can be (dispatch.py; `direct = False`: never)."""

    request_class = MockRequest
    url_rule_class = LazyRule
    direct = True
    _dispatcher: Dispatcher | None = None

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        dispatcher = self._dispatcher if self.direct else None
        body = dispatcher(environ, start_response) if dispatcher is not None else None
        if body is None:
            body = super().wsgi_app(environ, start_response)
        delay = environ.get(ANSWER_DELAY)
        if delay and not environ.get(SERVER_HOLDS_ANSWERS):
            # On a threaded server (waitress, the test client) this thread waits and the others serve;
            # nothing is sent yet, as a server sends the headers with the first body bytes (PEP 3333).
            time.sleep(delay)
        return body

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # Flask inspects each hook and view on every request to find coroutines; the mock has none,
        # and the check costs about 1 us a call, three or more times a request.
        return func


def create_app(store: Store | None = None, *, seed: int = DEFAULT_SEED, activities: int = DEFAULT_ACTIVITIES,
               strict_links: bool = False, journal_size: int = JOURNAL_SIZE,
               state_file: StateFile | None = None, control_token: str | None = None,
               webhook_allow_hosts: tuple[str, ...] = (), api_profile: str = API_PROFILE_SEED,
               unknown_fields: str = UNKNOWN_FIELDS_REJECT, bind_host: str | None = None,
               allowed_hosts: Iterable[str] = ()) -> Flask:
    """A mock server: the given store, or company 1 seeded with `seed` and `activities`.

    With `state_file`, every acknowledged write is saved to it; with `control_token`, /_mock/ needs it.
    Webhooks deliver to loopback addresses and to `webhook_allow_hosts`. `api_profile` is `seed` or
    `current`; `unknown_fields` is `reject` or `ignore` (README, "Fidelity notes").
    Requests are served under loopback names, addresses, `bind_host` and `allowed_hosts` (origin.py).
    """
    if control_token is not None and not control_token:
        raise ValueError("control_token must not be empty: an empty token would let anyone in")
    app = MockFlask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if store is None:
        store = Store.default(seed=seed, activities=activities, strict_links=strict_links)
    deliveries = Deliveries(store.clock, StoreRegistry(store), Targets(webhook_allow_hosts))
    app.extensions["pipedrive_mock"] = MockState(store, Contract(), Journal(journal_size),
                                                 state_file=state_file, control_token=control_token,
                                                 deliveries=deliveries,
                                                 origin=OriginPolicy(bind_host, allowed_hosts))
    app.extensions["pipedrive_mock"].configure(api_profile=api_profile, unknown_fields=unknown_fields)
    errors.register(app)
    app.before_request(_check_origin)  # first: a refused request reaches nothing else
    app.before_request(_hold_state_file)
    app.teardown_request(_release_state_file)
    app.before_request(pipeline.before_request)
    app.after_request(pipeline.after_request)
    resources.register(app)
    app.register_blueprint(control_blueprint)
    app.register_blueprint(dashboard_blueprint)
    app.add_url_rule("/openapi.yaml", "openapi", _openapi)
    app._dispatcher = Dispatcher(app)  # last: it takes the steps of the hooks registered so far
    return app


def _hold_state_file() -> None:
    state_file = pipeline.state().state_file
    if state_file is not None and request.method not in pipeline.SAFE_METHODS:
        state_file.writing.acquire()
        g.holds_state_file = state_file


def _release_state_file(exc: BaseException | None) -> None:
    state_file = g.pop("holds_state_file", None)
    if state_file is not None:
        state_file.writing.release()


def _check_origin() -> None:
    pipeline.state().origin.check(request.environ, routed=request.routing_exception is None)


def _openapi() -> Response:
    return Response(spec_text(), mimetype="application/yaml")
