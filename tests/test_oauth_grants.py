"""The OAuth domain without HTTP: codes, tokens, expiry on the mock clock, rotation, apps per company."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock import Clock, Store
from pipedrive_mock.constants import (ACCESS_TOKEN_LIFETIME_SECONDS, CODE_LIFETIME_SECONDS, OAUTH_CLIENT_ID,
                                      OAUTH_CLIENT_SECRET, REFRESH_TOKEN_IDLE_SECONDS)
from pipedrive_mock.errors import ApiError, OAuthError
from pipedrive_mock.resources.oauth import messages
from pipedrive_mock.resources.oauth.grants import Authority, Issued
from pipedrive_mock.resources.oauth.server import OAuthServer, looks_like_access_token

REDIRECT = "http://127.0.0.1:5000/callback"
DEFAULT = (OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET)


@pytest.fixture
def server(store: Store) -> OAuthServer:
    return OAuthServer(store)


def code_for(server: OAuthServer, now: float, user_id: int | None = None, client_id: str = OAUTH_CLIENT_ID,
             redirect: str = REDIRECT) -> str:
    return server.consent(client_id, redirect, user_id, now).value


def exchange(server: OAuthServer, code: str, now: float, credentials: tuple[str, str] = DEFAULT,
             redirect: str | None = REDIRECT) -> Issued:
    form = {"grant_type": "authorization_code", "code": code}
    if redirect is not None:
        form["redirect_uri"] = redirect
    return server.token(credentials, form, now)


def refresh(server: OAuthServer, token: str, now: float, credentials: tuple[str, str] = DEFAULT) -> Issued:
    return server.token(credentials, {"grant_type": "refresh_token", "refresh_token": token}, now)


def fails(message: str, call: Any, *args: Any, status: int = 400) -> None:
    with pytest.raises(OAuthError) as raised:
        call(*args)
    assert (raised.value.message, raised.value.status) == (message, status)


def test_consent_without_user_is_the_first_company_admins(server: OAuthServer, clock: Clock) -> None:
    now = clock.time()
    issued = exchange(server, code_for(server, now), now)
    company, user, grant = server.bearer(issued.access.value, now)
    assert (company.id, user.id, user.is_admin) == (1, 1, True)
    assert grant.scopes == ("activities:full", "users:read", "admin", "base")
    assert looks_like_access_token(issued.access.value) and issued.access.value.startswith("1:1:")


def test_consent_by_user_id_speaks_for_that_user(server: OAuthServer, store: Store, clock: Clock) -> None:
    now = clock.time()
    issued = exchange(server, code_for(server, now, user_id=2), now)
    assert server.bearer(issued.access.value, now)[1].id == 2


def test_code_is_single_use(server: OAuthServer, clock: Clock) -> None:
    now = clock.time()
    code = code_for(server, now)
    exchange(server, code, now)
    fails(messages.CODE_INVALID, exchange, server, code, now)


@pytest.mark.parametrize(("age", "valid"), [(CODE_LIFETIME_SECONDS - 1, True), (CODE_LIFETIME_SECONDS, False)])
def test_code_expires_after_five_minutes_on_the_clock(server: OAuthServer, clock: Clock, age: int,
                                                      valid: bool) -> None:
    code = code_for(server, clock.time())
    clock.advance(age)
    if valid:
        exchange(server, code, clock.time())
    else:
        fails(messages.CODE_EXPIRED, exchange, server, code, clock.time())


def test_code_given_to_another_app_is_invalid(server: OAuthServer, store: Store, clock: Clock) -> None:
    other = store.company(1).oauth.add_app("Other", (REDIRECT,), ("activities:read",))
    code = code_for(server, clock.time())
    fails(messages.CODE_INVALID, exchange, server, code, clock.time(), (other.client_id, other.client_secret))


@pytest.mark.parametrize(("redirect", "message"), [
    (None, messages.REDIRECT_URI_NOT_URI),
    ("not a uri", messages.REDIRECT_URI_NOT_URI),
    ("http://127.0.0.1:5000/other", messages.REDIRECT_URI_INVALID),
])
def test_token_request_must_name_the_consents_redirect_uri(server: OAuthServer, clock: Clock,
                                                           redirect: str | None, message: str) -> None:
    code = code_for(server, clock.time())
    fails(message, exchange, server, code, clock.time(), DEFAULT, redirect)


@pytest.mark.parametrize(("redirect", "message"), [
    (None, messages.REDIRECT_URI_NOT_URI),
    ("", messages.REDIRECT_URI_NOT_URI),
    ("ftp://127.0.0.1/x", messages.REDIRECT_URI_NOT_URI),
    ("http://127.0.0.1:port/x", messages.REDIRECT_URI_NOT_URI),
    ("https://example.com/callback", messages.REDIRECT_URI_INVALID),
])
def test_default_app_redirects_to_loopback_only(server: OAuthServer, clock: Clock, redirect: str | None,
                                                message: str) -> None:
    fails(message, server.consent, OAUTH_CLIENT_ID, redirect, None, clock.time())


@pytest.mark.parametrize("redirect", ["http://localhost/cb", "http://127.0.0.1:9/cb?x=1", "http://[::1]:8080/"])
def test_default_app_accepts_any_loopback_redirect(server: OAuthServer, clock: Clock, redirect: str) -> None:
    assert server.consent(OAUTH_CLIENT_ID, redirect, None, clock.time()).redirect_uri == redirect


def test_registered_app_redirects_only_to_its_uris(server: OAuthServer, store: Store, clock: Clock) -> None:
    app = store.company(1).oauth.add_app("Mine", ("https://app.example.com/cb",), ())
    assert server.consent(app.client_id, "https://app.example.com/cb", None, clock.time())
    fails(messages.REDIRECT_URI_INVALID, server.consent, app.client_id, REDIRECT, None, clock.time())


@pytest.mark.parametrize(("elapsed", "valid"), [(ACCESS_TOKEN_LIFETIME_SECONDS - 1, True),
                                                (ACCESS_TOKEN_LIFETIME_SECONDS, False)])
def test_access_token_expires_after_expires_in(server: OAuthServer, clock: Clock, elapsed: int,
                                               valid: bool) -> None:
    issued = exchange(server, code_for(server, clock.time()), clock.time())
    clock.advance(elapsed)
    if valid:
        server.bearer(issued.access.value, clock.time())
    else:
        fails(messages.TOKEN_EXPIRED, server.bearer, issued.access.value, clock.time(), status=401)


def test_clock_moved_back_before_expiry_makes_token_valid_again(server: OAuthServer, clock: Clock) -> None:
    issued = exchange(server, code_for(server, clock.time()), clock.time())
    clock.advance(ACCESS_TOKEN_LIFETIME_SECONDS + 10)
    fails(messages.TOKEN_EXPIRED, server.bearer, issued.access.value, clock.time(), status=401)
    clock.advance(-20)
    assert server.bearer(issued.access.value, clock.time())


def test_unknown_access_token_is_invalid(server: OAuthServer, clock: Clock) -> None:
    for value in ("1:1:" + "0" * 40, "99:1:" + "0" * 40, "junk"):
        fails(messages.TOKEN_INVALID, server.bearer, value, clock.time(), status=401)


def test_refresh_rotates_and_the_old_refresh_token_stops_working(server: OAuthServer, clock: Clock) -> None:
    first = exchange(server, code_for(server, clock.time()), clock.time())
    clock.advance(ACCESS_TOKEN_LIFETIME_SECONDS + 1)
    second = refresh(server, first.refresh.value, clock.time())
    assert second.access.value != first.access.value and second.refresh.value != first.refresh.value
    assert server.bearer(second.access.value, clock.time())[1].id == 1
    assert second.access.scopes == first.access.scopes
    fails(messages.REFRESH_TOKEN_INVALID, refresh, server, first.refresh.value, clock.time())


@pytest.mark.parametrize(("idle", "valid"), [(REFRESH_TOKEN_IDLE_SECONDS - 1, True),
                                             (REFRESH_TOKEN_IDLE_SECONDS, False)])
def test_refresh_token_expires_after_sixty_days_unused(server: OAuthServer, clock: Clock, idle: int,
                                                       valid: bool) -> None:
    issued = exchange(server, code_for(server, clock.time()), clock.time())
    clock.advance(idle)
    if valid:
        renewed = refresh(server, issued.refresh.value, clock.time())
        clock.advance(idle)  # a used refresh token's successor has 60 days of its own
        refresh(server, renewed.refresh.value, clock.time())
    else:
        fails(messages.REFRESH_TOKEN_INVALID, refresh, server, issued.refresh.value, clock.time())


def test_refresh_token_of_another_app_is_invalid(server: OAuthServer, store: Store, clock: Clock) -> None:
    other = store.company(1).oauth.add_app("Other", (REDIRECT,), ())
    issued = exchange(server, code_for(server, clock.time()), clock.time())
    fails(messages.REFRESH_TOKEN_INVALID, refresh, server, issued.refresh.value, clock.time(),
          (other.client_id, other.client_secret))


@pytest.mark.parametrize(("credentials", "form", "message"), [
    (None, {"grant_type": "authorization_code"}, messages.CLIENT_CREDENTIALS_MISSING),
    (("", "x"), {"grant_type": "authorization_code"}, messages.CLIENT_CREDENTIALS_MISSING),
    (("nobody", "x"), {"grant_type": "authorization_code"}, messages.CLIENT_INVALID),
    ((OAUTH_CLIENT_ID, "wrong"), {"grant_type": "authorization_code"}, messages.CLIENT_INVALID),
    (DEFAULT, {}, messages.MISSING_GRANT_TYPE),
    (DEFAULT, {"grant_type": ""}, messages.MISSING_GRANT_TYPE),
    (DEFAULT, {"grant_type": "password"}, messages.UNSUPPORTED_GRANT_TYPE),
    (DEFAULT, {"grant_type": "authorization_code"}, messages.CODE_INVALID),
    (DEFAULT, {"grant_type": "authorization_code", "code": "1.1.abc"}, messages.CODE_INVALID),
    (DEFAULT, {"grant_type": "refresh_token"}, messages.REFRESH_TOKEN_INVALID),
    (DEFAULT, {"grant_type": "refresh_token", "refresh_token": "7:1:abc"}, messages.REFRESH_TOKEN_INVALID),
])
def test_token_request_errors_in_pipedrives_words(server: OAuthServer, clock: Clock,
                                                  credentials: tuple[str, str] | None, form: dict[str, str],
                                                  message: str) -> None:
    fails(message, server.token, credentials, form, clock.time())


def test_errors_carry_a_hint(server: OAuthServer, clock: Clock) -> None:
    with pytest.raises(OAuthError) as raised:
        server.token(None, {}, clock.time())
    assert "Basic" in (raised.value.error_info or "")


def test_apps_are_per_company(server: OAuthServer, store: Store, clock: Clock) -> None:
    second = store.create_company(seed=2, activities=1)
    app = second.oauth.add_app("Second's", (), ("activities:read",))
    admin = next(u for u in second.users.values() if u.is_admin)
    issued = exchange(server, code_for(server, clock.time(), client_id=app.client_id), clock.time(),
                      (app.client_id, app.client_secret))
    company, user, grant = server.bearer(issued.access.value, clock.time())
    assert (company.id, user.id, grant.scopes) == (second.id, admin.id, ("activities:read", "base"))
    fails(messages.APP_NOT_INSTALLABLE, server.consent, app.client_id, REDIRECT, 1, clock.time())
    fails(messages.CLIENT_INVALID, server.consent, "nobody", REDIRECT, 1, clock.time())
    fails(messages.CLIENT_INVALID, server.consent, None, REDIRECT, None, clock.time())


def test_consent_by_unknown_user_is_a_400_naming_it(server: OAuthServer, clock: Clock) -> None:
    with pytest.raises(ApiError) as raised:
        server.consent(OAUTH_CLIENT_ID, REDIRECT, 999, clock.time())
    assert raised.value.status == 400 and "'user_id': 999" in raised.value.message


def test_reset_forgets_codes_tokens_and_added_apps(server: OAuthServer, store: Store, clock: Clock) -> None:
    app = store.company(1).oauth.add_app("Temp", (), ())
    issued = exchange(server, code_for(server, clock.time()), clock.time())
    store.reset()
    fails(messages.TOKEN_INVALID, server.bearer, issued.access.value, clock.time(), status=401)
    assert store.company(1).oauth.app(app.client_id) is None
    assert store.company(1).oauth.app(OAUTH_CLIENT_ID) is not None


def test_dump_and_load_keep_apps_codes_and_tokens(server: OAuthServer, store: Store, clock: Clock) -> None:
    authority = store.company(1).oauth
    authority.add_app("Kept", ("https://kept.example.com/cb",), ("activities:read",))
    issued = exchange(server, code_for(server, clock.time()), clock.time())
    code = code_for(server, clock.time())
    loaded = Authority.load(1, authority.dump())
    assert loaded.dump() == authority.dump()
    assert loaded.access(issued.access.value, clock.time()).user_id == 1
    assert code in loaded.codes


def test_load_refuses_a_token_of_another_company(server: OAuthServer, store: Store, clock: Clock) -> None:
    exchange(server, code_for(server, clock.time()), clock.time())
    with pytest.raises(ValueError, match="does not belong to company 2"):
        Authority.load(2, store.company(1).oauth.dump())


def test_add_app_refuses_a_taken_client_id(store: Store) -> None:
    with pytest.raises(ValueError, match="already exists"):
        store.company(1).oauth.add_app("Again", (), (), client_id=OAUTH_CLIENT_ID)
