"""The application factory."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, Response

from . import errors, request as pipeline
from .clock import Clock
from .constants import DEFAULT_ACTIVITIES, DEFAULT_SEED, JOURNAL_SIZE, MAX_BODY_BYTES
from .contract import Contract, spec_text
from .faults import Faults
from .journal import Journal
from .ratelimit import RateLimiter
from .routes import v1_blueprint, v2_blueprint
from .store import Store


@dataclass
class MockState:
    """Everything one mock server holds, reachable from Python as `app.extensions["pipedrive_mock"]`."""
    store: Store
    contract: Contract
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)
    rate_limit: RateLimiter = field(default_factory=RateLimiter)

    @property
    def clock(self) -> Clock:
        return self.store.clock


def create_app(store: Store | None = None, *, seed: int = DEFAULT_SEED, activities: int = DEFAULT_ACTIVITIES,
               strict_links: bool = False, journal_size: int = JOURNAL_SIZE) -> Flask:
    """A mock server: the given store, or company 1 seeded with `seed` and `activities`."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if store is None:
        store = Store.default(seed=seed, activities=activities, strict_links=strict_links)
    app.extensions["pipedrive_mock"] = MockState(store, Contract(), Journal(journal_size))
    errors.register(app)
    app.before_request(pipeline.before_request)
    app.after_request(pipeline.after_request)
    app.register_blueprint(v2_blueprint)
    app.register_blueprint(v1_blueprint)
    app.add_url_rule("/openapi.yaml", "openapi", _openapi)
    return app


def _openapi() -> Response:
    return Response(spec_text(), mimetype="application/yaml")
