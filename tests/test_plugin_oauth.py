"""`pipedrive_mock.oauth` in a user's test: apps and tokens, and a real token exchange against the live mock."""
from __future__ import annotations

import pytest

import pipedrive_mock.fixtures.handle  # noqa: F401 - loaded once for pytester's in-process runs
import pipedrive_mock.fixtures.session  # noqa: F401

pytest_plugins = ["pytester"]


def test_plugin_oauth_gives_apps_tokens_and_the_default_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user='''
import requests

def test_reader_may_list_not_add(pipedrive_mock):
    oauth = pipedrive_mock.oauth
    reader = oauth.add_app("Reader", scopes=["activities:read"])
    token = oauth.access_token(reader)
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(pipedrive_mock.v2_url + "/activities", headers=headers).status_code == 200
    refused = requests.post(pipedrive_mock.v2_url + "/activities", json={"subject": "x"}, headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (403, "Scope and URL mismatch")

def test_default_app_through_http(pipedrive_mock):
    oauth = pipedrive_mock.oauth
    answer = oauth.tokens(user_id=2)
    assert answer["api_domain"] == pipedrive_mock.url and answer["expires_in"] == 3599
    renewed = requests.post(oauth.token_url, auth=(oauth.client_id, oauth.client_secret),
                            data={"grant_type": "refresh_token", "refresh_token": answer["refresh_token"]})
    assert renewed.status_code == 200
    pipedrive_mock.clock.advance(3600)
    expired = requests.get(pipedrive_mock.v2_url + "/activities",
                           headers={"Authorization": "Bearer " + renewed.json()["access_token"]})
    assert (expired.status_code, expired.json()["error"]) == (401, "Invalid token: access token has expired")

def test_apps_of_one_test_are_gone_in_the_next(pipedrive_mock):
    assert [a.name for a in pipedrive_mock.state.store.company(1).oauth.apps.values()] == ["Mock app"]
''')
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)
