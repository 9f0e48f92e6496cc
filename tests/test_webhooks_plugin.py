"""`pipedrive_mock.webhooks` the way a user's tests see it: a receiver in one call, reset before each test."""
from __future__ import annotations

import pytest

import pipedrive_mock.fixtures.handle  # noqa: F401 - loaded once (see user_suite.py)
import pipedrive_mock.fixtures.session  # noqa: F401

pytest_plugins = ["pytester"]


def test_plugin_webhooks_receive_and_are_reset_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user='''
import requests

def test_first(pipedrive_mock):
    webhook = pipedrive_mock.webhooks.subscribe(event_action="create")
    assert webhook["subscription_url"] == pipedrive_mock.webhooks.url and webhook["version"] == "2.0"
    pipedrive_mock.webhooks.fail_next(5)
    requests.post(pipedrive_mock.v2_url + "/activities", json={"subject": "Hello"},
                  headers={"x-api-token": pipedrive_mock.admin_token})
    assert pipedrive_mock.webhooks.wait_for(failed=True)[0]["data"]["subject"] == "Hello"

def test_second_starts_clean(pipedrive_mock):
    assert pipedrive_mock.webhooks.received == [] and pipedrive_mock.webhooks.log == []
    listed = requests.get(pipedrive_mock.v1_url + "/webhooks", headers={"x-api-token": pipedrive_mock.admin_token})
    assert listed.json()["data"] == []
    pipedrive_mock.clock.advance(3)  # the first test's retry is gone with its webhook
    pipedrive_mock.webhooks.settle()
    assert pipedrive_mock.webhooks.deliveries == []
    pipedrive_mock.webhooks.subscribe()
    pipedrive_mock.store.add_activity(subject="Arranged")
    body = pipedrive_mock.webhooks.wait_for(action="create")[0]
    assert body["meta"]["change_source"] == "app" and body["meta"]["webhook_id"] == "1"
''')
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)
