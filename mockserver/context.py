"""What one Pipedrive call carries through the pipeline (`RequestContext`), and where it is found (`current`).
The WSGI environ keys by which the servers, the app and the access log hand each other a call's parts are
in constants.py."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import current_app, g

from .constants import API_PROFILE_SEED

if TYPE_CHECKING:
    from .company import Company
    from .contract import Operation
    from .model import User
    from .ratelimit import Headers
    from .state import MockState


@dataclass(slots=True, eq=False)
class RequestContext:
    """Everything one Pipedrive call carries, filled in as the pipeline goes.

    Views run only once the caller is known and the request is valid, so `company`, `user` and
    `now` are set for them; the journal reads whatever the pipeline got to.
    """
    operation: Operation | None = None      # None: no operation of the contract matches
    token: str | None = None
    oauth: bool = False                     # the token is an OAuth access token
    wrote: bool = False                     # a safe request that changed state (GET /oauth/authorize)
    company: Company = field(default=None)  # type: ignore[assignment]
    user: User = field(default=None)  # type: ignore[assignment]
    now: datetime = field(default=None)  # type: ignore[assignment]
    strict_links: bool = False
    rate_headers: Headers | None = None
    query: dict[str, list[str]] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    violations: list[str] | None = None     # None: not validated yet
    ignored: list[str] = field(default_factory=list)  # unknown fields dropped (`--unknown-fields ignore`)
    api_profile: str = API_PROFILE_SEED

    @property
    def company_id(self) -> int | None:
        return self.company.id if self.company is not None else None


# The context of a call served without Flask's request context (dispatch.py); None under Flask.
DIRECT: ContextVar[RequestContext | None] = ContextVar("pipedrive_mock_call", default=None)


def state() -> MockState:
    return real(current_app).extensions["pipedrive_mock"]


def current() -> RequestContext:
    """The context of the request being served."""
    ctx = DIRECT.get()
    return ctx if ctx is not None else g.ctx


def serving_direct() -> bool:
    """Whether a Pipedrive call is being served by the dispatcher, without Flask's request context."""
    return DIRECT.get() is not None


def real(proxy: Any) -> Any:
    """The object behind a Flask context proxy: one lookup per hook instead of one per attribute."""
    return proxy._get_current_object()
