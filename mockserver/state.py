"""MockState: everything one mock server holds, and the one `reset` the plugin and `POST /_mock/reset` share."""
from __future__ import annotations

from dataclasses import dataclass, field

from .clock import Clock
from .constants import API_PROFILE_SEED, API_PROFILES, UNKNOWN_FIELDS_MODES, UNKNOWN_FIELDS_REJECT
from .contract import CONTROL_SPEC_FILE, OAUTH_SPEC_FILE, Contract
from .faults import Faults
from .journal import Journal
from .origin import OriginPolicy
from .resources.oauth import OAuthServer
from .ratelimit import RateLimiter
from .statefile import StateFile
from .store import Store
from .resources.webhooks import ActivityEvents, Deliveries, StoreRegistry


@dataclass
class MockState:
    """Everything one mock server holds, reachable from Python as `app.extensions["pipedrive_mock"]`."""
    store: Store
    contract: Contract
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)
    rate_limit: RateLimiter = field(default_factory=RateLimiter)
    # Where every acknowledged write is saved (`--state-file`), and the control API's token.
    state_file: StateFile | None = None
    control_token: str | None = None
    # Which Host names are served, and the checks against web pages (origin.py).
    origin: OriginPolicy = field(default_factory=OriginPolicy)
    control: Contract = field(default_factory=lambda: Contract(name=CONTROL_SPEC_FILE, costs=False))
    # Webhook deliveries of every activity change (webhooks/); made for the store when not given.
    deliveries: Deliveries = None  # type: ignore[assignment]
    # The authorization server's own contract: its two endpoints are not Pipedrive API operations.
    oauth_contract: Contract = field(default_factory=lambda: Contract(name=OAUTH_SPEC_FILE))
    # Server settings a reset leaves alone (`--api-profile`, `--unknown-fields`; the plugin sets them per test).
    api_profile: str = API_PROFILE_SEED
    unknown_fields: str = UNKNOWN_FIELDS_REJECT

    def __post_init__(self) -> None:
        if self.deliveries is None:
            self.deliveries = Deliveries(self.store.clock, StoreRegistry(self.store))
        self.store.listen(ActivityEvents(self.store.clock, self.deliveries))

    def configure(self, *, api_profile: str | None = None, unknown_fields: str | None = None) -> None:
        """Change the API profile or what an unknown body field gets; ValueError names a value not allowed."""
        if api_profile is not None and api_profile not in API_PROFILES:
            raise ValueError(f"api_profile must be one of {', '.join(API_PROFILES)}, got {api_profile!r}")
        if unknown_fields is not None and unknown_fields not in UNKNOWN_FIELDS_MODES:
            raise ValueError(f"unknown_fields must be one of {', '.join(UNKNOWN_FIELDS_MODES)}, "
                             f"got {unknown_fields!r}")
        self.api_profile = api_profile or self.api_profile
        self.unknown_fields = unknown_fields or self.unknown_fields

    @property
    def oauth(self) -> OAuthServer:
        """The authorization server over the store's companies (each holds its own apps and tokens)."""
        return OAuthServer(self.store)

    @property
    def clock(self) -> Clock:
        return self.store.clock

    def reset(self, company_id: int | None = None, *, everything: bool = False) -> list[int]:
        """Back to the seeded state; the ids of the companies reset.

        By default only data: every company (or `company_id`) returns to the state its last seed,
        creation or snapshot restore left; companies added since stay, at their own seeded state. The
        clock, the journal, faults, rate limits and the webhook delivery log are left as they are (the
        deliveries still waiting are dropped, as their webhooks were reset too): each has its own control, and a
        test that froze the clock or armed a fault before resetting the data means to keep them.

        `everything=True` is a fresh start, what the pytest plugin does before each test: the data as
        above, companies added since the seeded state dropped (with their users and tokens), the clock
        back to wall time, the journal and the webhook delivery log emptied, every fault cleared and rate
        limits off.
        """
        if everything and company_id is not None:
            raise ValueError("a reset of everything is of every company; give no company_id")
        ids = [company_id] if company_id is not None else [c.id for c in self.store.companies()]
        # Deliveries still waiting belong to the state that is gone (first: before the clock moves).
        self.deliveries.reset(company_id, log=everything)
        self.store.reset(company_id, drop_added=everything)
        if everything:
            ids = [c.id for c in self.store.companies()]
            self.clock.reset()
            self.journal.clear()
            self.faults.reset()
            self.rate_limit.reset()
        return ids
