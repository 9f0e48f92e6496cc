"""One company's OAuth authorization server: its apps, codes and tokens, every expiry on the mock clock.

The flow and its rules are the facts page's ("The living API", OAuth): a code is single use and lives
5 minutes, an access token `expires_in` seconds, a refresh token 60 days from its last use. A refresh
rotates: it answers a new refresh token and the one it used stops working (Pipedrive's docs call a
refresh token that "was already exchanged" invalid). Every expiry is an instant on the mock clock, so
moving the clock forward expires things and moving it back before that instant makes them valid again.
"""
from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from ...constants import (ACCESS_TOKEN_LIFETIME_SECONDS, CODE_LIFETIME_SECONDS, OAUTH_CLIENT_ID,
                         OAUTH_CLIENT_SECRET, REFRESH_TOKEN_IDLE_SECONDS)
from .messages import (CODE_EXPIRED, CODE_INVALID, REDIRECT_URI_INVALID, REDIRECT_URI_NOT_URI,
                       REFRESH_TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_INVALID, oauth_error)

# Every grant holds `base` ("Read settings of the authorized user"): Pipedrive's token answer shows it
# after the app's own scopes ("..scopes..,base").
BASE_SCOPE = "base"
# The default app may do everything the mock serves.
DEFAULT_SCOPES = ("activities:full", "users:read", "admin")
DEFAULT_APP_NAME = "Mock app"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SECRET_BYTES = 20  # 40 hex digits, as Pipedrive's tokens end


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """A registered app; no redirect URIs means any loopback URI (the default app)."""
    client_id: str
    client_secret: str
    name: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]

    @property
    def granted(self) -> tuple[str, ...]:
        """The scopes a grant to this app holds: its own, then `base`."""
        return tuple(dict.fromkeys((*self.scopes, BASE_SCOPE)))


@dataclass(frozen=True, slots=True)
class Grant:
    """A code, access token or refresh token: who granted what to which app, valid until `expires_at`."""
    value: str
    client_id: str
    user_id: int
    scopes: tuple[str, ...]
    expires_at: float  # seconds since the epoch on the mock clock
    redirect_uri: str | None = None  # codes only: the token request must name the same URI

    def expired(self, now: float) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True, slots=True)
class Issued:
    """What a token request answers."""
    access: Grant
    refresh: Grant

    def response(self, api_domain: str) -> dict[str, Any]:
        """The official token answer (facts page): `expires_in` whole seconds, scopes comma-joined."""
        return {"access_token": self.access.value, "token_type": "Bearer", "refresh_token": self.refresh.value,
                "scope": ",".join(self.access.scopes), "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
                "api_domain": api_domain}


def default_app() -> OAuthApp:
    return OAuthApp(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, DEFAULT_APP_NAME, (), DEFAULT_SCOPES)


def is_uri(value: str | None) -> bool:
    """An absolute http(s) URI with a host: what a redirect can go to."""
    if not value:
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_loopback(uri: str) -> bool:
    return urlsplit(uri).hostname in LOOPBACK_HOSTS


def company_of(value: str) -> int | None:
    """The company a code or token belongs to, from its first part (`53:179:...`, `53.179....`)."""
    head = value.replace(".", ":").split(":", 1)[0]
    return int(head) if head.isdigit() and len(head) < 12 else None


class Authority:
    """One company's apps and the codes and tokens its users granted them; thread-safe."""

    def __init__(self, company_id: int) -> None:
        self.company_id = company_id
        self._lock = threading.Lock()
        self.apps: dict[str, OAuthApp] = {OAUTH_CLIENT_ID: default_app()}
        self.codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        # Who consents when authorize names no user (POST /_mock/oauth/consent, the dashboard); None: the admin.
        self.consenter: int | None = None
        self._pristine: tuple[dict[str, OAuthApp], dict[str, Grant], dict[str, Grant], dict[str, Grant],
                              int | None] = (dict(self.apps), {}, {}, {}, None)

    # -- apps -------------------------------------------------------------------------------------
    def add_app(self, name: str, redirect_uris: tuple[str, ...], scopes: tuple[str, ...],
                client_id: str | None = None, client_secret: str | None = None) -> OAuthApp:
        """A new app of this company; its client id and secret are made up unless given."""
        app = OAuthApp(client_id or f"mock-{secrets.token_hex(8)}", client_secret or secrets.token_hex(SECRET_BYTES),
                       name, tuple(redirect_uris), tuple(dict.fromkeys(scopes)))
        with self._lock:
            if app.client_id in self.apps:
                raise ValueError(f"an app with client_id {app.client_id!r} already exists in company "
                                 f"{self.company_id}")
            self.apps = {**self.apps, app.client_id: app}
        return app

    def app(self, client_id: str | None) -> OAuthApp | None:
        return self.apps.get(client_id) if client_id else None

    @staticmethod
    def check_redirect(app: OAuthApp, redirect_uri: str | None) -> str:
        """`redirect_uri` if the app may be sent to it, else the facts page's 400."""
        if not is_uri(redirect_uri):
            raise oauth_error(REDIRECT_URI_NOT_URI)
        assert redirect_uri is not None
        allowed = redirect_uri in app.redirect_uris if app.redirect_uris else is_loopback(redirect_uri)
        if not allowed:
            raise oauth_error(REDIRECT_URI_INVALID)
        return redirect_uri

    # -- the grants -------------------------------------------------------------------------------
    def authorize(self, app: OAuthApp, user_id: int, redirect_uri: str, now: float) -> Grant:
        """The code a user's consent gives the app (redirect_uri already checked)."""
        code = Grant(self._new_value(user_id, "."), app.client_id, user_id, app.granted,
                     now + CODE_LIFETIME_SECONDS, redirect_uri)
        with self._lock:
            self.codes[code.value] = code
        return code

    def exchange_code(self, app: OAuthApp, value: str | None, redirect_uri: str | None, now: float) -> Issued:
        """Tokens for a code: once only, within 5 minutes, to the app it was given to, same redirect URI."""
        with self._lock:
            code = self.codes.get(value or "")
            if code is None or code.client_id != app.client_id:
                raise oauth_error(CODE_INVALID)
            if code.expired(now):
                raise oauth_error(CODE_EXPIRED)
            if not is_uri(redirect_uri):
                raise oauth_error(REDIRECT_URI_NOT_URI)
            if redirect_uri != code.redirect_uri:
                raise oauth_error(REDIRECT_URI_INVALID)
            del self.codes[code.value]
            return self._issue(code.client_id, code.user_id, code.scopes, now)

    def refresh(self, app: OAuthApp, value: str | None, now: float) -> Issued:
        """A new access token and a new refresh token; the refresh token used stops working."""
        with self._lock:
            token = self.refresh_tokens.get(value or "")
            if token is None or token.client_id != app.client_id or token.expired(now):
                raise oauth_error(REFRESH_TOKEN_INVALID)
            del self.refresh_tokens[token.value]
            return self._issue(token.client_id, token.user_id, token.scopes, now)

    def access(self, value: str, now: float) -> Grant:
        """The grant behind a bearer access token; 401 when unknown or expired (facts page)."""
        token = self.access_tokens.get(value)
        if token is None:
            raise oauth_error(TOKEN_INVALID, status=401)
        if token.expired(now):
            raise oauth_error(TOKEN_EXPIRED, status=401)
        return token

    def _issue(self, client_id: str, user_id: int, scopes: tuple[str, ...], now: float) -> Issued:
        access = Grant(self._new_value(user_id, ":"), client_id, user_id, scopes, now + ACCESS_TOKEN_LIFETIME_SECONDS)
        refresh = Grant(self._new_value(user_id, ":"), client_id, user_id, scopes, now + REFRESH_TOKEN_IDLE_SECONDS)
        self.access_tokens[access.value] = access
        self.refresh_tokens[refresh.value] = refresh
        return Issued(access, refresh)

    def _new_value(self, user_id: int, separator: str) -> str:
        # Pipedrive's codes and tokens start with the company and user ids (`53:179:6317ef...`).
        return separator.join((str(self.company_id), str(user_id), secrets.token_hex(SECRET_BYTES)))

    # -- seeded state, reset and snapshots ------------------------------------------------------------
    def mark_pristine(self) -> None:
        with self._lock:
            self._pristine = (dict(self.apps), dict(self.codes), dict(self.access_tokens), dict(self.refresh_tokens),
                              self.consenter)

    def reset(self) -> None:
        with self._lock:
            apps, codes, access, refresh, self.consenter = self._pristine
            self.apps, self.codes = dict(apps), dict(codes)
            self.access_tokens, self.refresh_tokens = dict(access), dict(refresh)

    def dump(self) -> dict[str, Any]:
        with self._lock:
            return {"apps": [plain(a, APP_FIELDS) for a in self.apps.values()],
                    "codes": [plain(g, GRANT_FIELDS) for g in self.codes.values()],
                    "access_tokens": [plain(g, GRANT_FIELDS) for g in self.access_tokens.values()],
                    "refresh_tokens": [plain(g, GRANT_FIELDS) for g in self.refresh_tokens.values()],
                    "consenter": self.consenter}

    @classmethod
    def load(cls, company_id: int, data: dict[str, Any] | None) -> Authority:
        """An authority from `dump`'s output; None (a snapshot made before OAuth) gives the default app."""
        authority = cls(company_id)
        if data is None:
            return authority
        apps = [OAuthApp(a["client_id"], a["client_secret"], a["name"], tuple(a["redirect_uris"]),
                         tuple(a["scopes"])) for a in data.get("apps", ())]
        authority.apps = {app.client_id: app for app in apps}
        for key, grants in (("codes", authority.codes), ("access_tokens", authority.access_tokens),
                            ("refresh_tokens", authority.refresh_tokens)):
            for g in data.get(key, ()):
                grant = Grant(g["value"], g["client_id"], g["user_id"], tuple(g["scopes"]), float(g["expires_at"]),
                              g.get("redirect_uri"))
                if company_of(grant.value) != company_id:
                    raise ValueError(f"OAuth {key[:-1].replace('_', ' ')} {grant.value[:8]}... does not belong "
                                     f"to company {company_id}")
                grants[grant.value] = grant
        authority.consenter = data.get("consenter")
        authority.mark_pristine()
        return authority


# The fields of the (flat) records a dump holds. Read here once: the state file compares each company's
# resource states after every write (changes.py), and dataclasses.asdict costs ~10 us a call.
APP_FIELDS = tuple(f.name for f in fields(OAuthApp))
GRANT_FIELDS = tuple(f.name for f in fields(Grant))


def plain(item: OAuthApp | Grant, names: tuple[str, ...]) -> dict[str, Any]:
    """`item` as JSON values: what `dataclasses.asdict` gives for these flat records, tuples as lists."""
    return {name: list(value) if isinstance(value := getattr(item, name), tuple) else value for name in names}


__all__ = ["Authority", "Grant", "Issued", "OAuthApp", "company_of", "default_app", "is_uri"]
