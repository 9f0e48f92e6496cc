"""The official Node client's v1 WebhooksApi against the plugin's served mock and its receiver: subscribe, list,
a delivery of an activity added with the v2 ActivitiesApi, the webhooks 400 for a target outside loopback,
delete."""
from __future__ import annotations

import base64
import re
from pathlib import Path

from pipedrive_mock.fixtures import PipedriveMock
from pipedrive_mock.resources.webhooks import payload_errors

from .test_node_client import _node, node_dir  # noqa: F401 - the fixture shared with the activity checks


def test_node_client_webhooks_api_subscribes_lists_is_delivered_to_and_deletes(
        node_dir: Path, pipedrive_mock: PipedriveMock) -> None:  # noqa: F811
    seen = _node(node_dir, "webhooks.js", pipedrive_mock.url, stdin=pipedrive_mock.webhooks.url)
    added = seen["added"]
    assert added["status"] == "ok" and added["success"] is True
    webhook = added["data"]
    assert webhook["subscription_url"] == pipedrive_mock.webhooks.url
    assert (webhook["event_action"], webhook["event_object"], webhook["version"]) == ("create", "activity", "2.0")
    assert webhook["http_auth_user"] == "node" and webhook["name"] == "From Node"
    assert seen["listed"] == [webhook["id"]]
    assert set(webhook) == _model_keys(node_dir, "base-webhook")  # the client's BaseWebhook, key for key

    [delivered] = pipedrive_mock.webhooks.wait_for(action="create", count=1)
    assert payload_errors(delivered) == []
    assert delivered["meta"]["entity_id"] == str(seen["activity"])
    assert delivered["meta"]["webhook_id"] == str(webhook["id"])
    assert delivered["data"]["subject"] == "Delivered to Node's hook"
    [delivery] = pipedrive_mock.webhooks.deliveries
    assert delivery.headers["authorization"] == "Basic " + base64.b64encode(b"node:secret").decode()

    refused = seen["refused"]
    assert refused["success"] is False and refused["status"] == "error"
    assert "subscription_url" in refused["errors"]

    assert seen["deleted"] == [True] and seen["after"] == []


def _model_keys(node_dir: Path, model: str) -> set[str]:  # noqa: F811 - a parameter, not the fixture
    """The keys of one of the client's v1 models, read from its TypeScript declaration."""
    declared = node_dir / "node_modules" / "pipedrive" / "dist" / "versions" / "v1" / "models" / f"{model}.d.ts"
    return set(re.findall(r"^\s+'(\w+)'\??:", declared.read_text(), re.MULTILINE))
