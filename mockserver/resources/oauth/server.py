"""The authorization server at the mock's root, over every company's Authority.

A code or token names its company in its first part, so each request finds the one company it
concerns; an app is registered per company, and the default app is in every company.
"""
from __future__ import annotations

import hmac
import re
from typing import TYPE_CHECKING

from ...errors import BadRequest, NotFound
from .grants import Grant, Issued, OAuthApp, company_of
from .messages import (APP_NOT_INSTALLABLE, CLIENT_CREDENTIALS_MISSING, CLIENT_INVALID, CODE_INVALID,
                       MISSING_GRANT_TYPE, REFRESH_TOKEN_INVALID, TOKEN_INVALID, UNSUPPORTED_GRANT_TYPE,
                       oauth_error)

if TYPE_CHECKING:
    from ...company import Company
    from ...model import User
    from ...store import Store

GRANT_TYPES = ("authorization_code", "refresh_token")
# What the mock's access tokens look like: company id, user id, 40 hex digits.
_ACCESS_TOKEN = re.compile(r"\d{1,11}:\d{1,11}:[0-9a-f]{40}")


def looks_like_access_token(value: str) -> bool:
    return _ACCESS_TOKEN.fullmatch(value) is not None


class OAuthServer:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- GET /oauth/authorize ---------------------------------------------------------------------------
    def consent(self, client_id: str | None, redirect_uri: str | None, user_id: int | None, now: float) -> Grant:
        """The code of a consent given at once: by `user_id`, else in the first company with the app by the user
        chosen to consent there (`choose_consenter`), else by its admin."""
        if user_id is not None:
            user = self._user(user_id)
            company = self.store.company(user.company_id)
            app = company.oauth.app(client_id)
            if app is None:
                raise oauth_error(APP_NOT_INSTALLABLE if self._apps(client_id) else CLIENT_INVALID)
        else:
            found = self._apps(client_id)
            if not found:
                raise oauth_error(CLIENT_INVALID)
            company, app = found[0]
            user = self.consenter(company)
        company.oauth.check_redirect(app, redirect_uri)
        assert redirect_uri is not None
        return company.oauth.authorize(app, user.id, redirect_uri, now)

    @staticmethod
    def consenter(company: Company) -> User:
        """Who consents in `company` when authorize names no user: the chosen user while it exists, else the admin."""
        chosen = company.users.get(company.oauth.consenter) if company.oauth.consenter is not None else None
        return chosen or next(u for u in company.users.values() if u.is_admin)

    @staticmethod
    def choose_consenter(company: Company, user_id: int | None) -> None:
        """Have `user_id` (a user of `company`) consent there from now on; None: its admin again."""
        if user_id is not None and user_id not in company.users:
            raise BadRequest(f"Invalid value for field 'user_id': {user_id} is not a user of company {company.id} "
                             f"(GET /_mock/users lists them)")
        company.oauth.consenter = user_id

    # -- POST /oauth/token ------------------------------------------------------------------------------
    def token(self, credentials: tuple[str, str] | None, form: dict[str, str], now: float) -> Issued:
        """Tokens for a code or a refresh token; the client is checked first, then the grant."""
        if credentials is None or not credentials[0]:
            raise oauth_error(CLIENT_CREDENTIALS_MISSING)
        client_id, secret = credentials
        if not any(_secret_matches(app, secret) for _, app in self._apps(client_id)):
            raise oauth_error(CLIENT_INVALID)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise oauth_error(MISSING_GRANT_TYPE)
        if grant_type not in GRANT_TYPES:
            raise oauth_error(UNSUPPORTED_GRANT_TYPE)
        if grant_type == "authorization_code":
            value, invalid = form.get("code") or "", CODE_INVALID
        else:
            value, invalid = form.get("refresh_token") or "", REFRESH_TOKEN_INVALID
        company = self._company_of(value)
        app = company.oauth.app(client_id) if company is not None else None
        if company is None or app is None or not _secret_matches(app, secret):
            raise oauth_error(invalid)
        if grant_type == "authorization_code":
            return company.oauth.exchange_code(app, value, form.get("redirect_uri"), now)
        return company.oauth.refresh(app, value, now)

    # -- the API, called with a bearer access token ----------------------------------------------------
    def bearer(self, value: str, now: float) -> tuple[Company, User, Grant]:
        """Who an access token speaks for, and its grant; 401 when unknown or expired."""
        company = self._company_of(value)
        if company is None:
            raise oauth_error(TOKEN_INVALID, status=401)
        grant = company.oauth.access(value, now)
        user = company.users.get(grant.user_id)
        if user is None:
            raise oauth_error(TOKEN_INVALID, status=401)
        return company, user, grant

    # -- lookups ------------------------------------------------------------------------------------------
    def _apps(self, client_id: str | None) -> list[tuple[Company, OAuthApp]]:
        """Every company with an app of this client id, lowest company id first."""
        found = []
        for company in sorted(self.store.companies(), key=lambda c: c.id):
            app = company.oauth.app(client_id)
            if app is not None:
                found.append((company, app))
        return found

    def _company_of(self, value: str) -> Company | None:
        company_id = company_of(value)
        if company_id is None:
            return None
        try:
            return self.store.company(company_id)
        except NotFound:  # a value naming a company that does not exist is simply invalid
            return None

    def _user(self, user_id: int) -> User:
        for user in self.store.users():
            if user.id == user_id:
                return user
        raise BadRequest(f"Invalid value for parameter 'user_id': {user_id} is not a user of any company "
                         f"(GET /_mock/users lists them)")


def _secret_matches(app: OAuthApp, secret: str) -> bool:
    return hmac.compare_digest(app.client_secret.encode(), secret.encode())
