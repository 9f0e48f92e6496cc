"""The flow of a real activity integration, through the pytest plugin and plain HTTP: who am I, which types,
a custom type, an activity of it with a priority taken from activityFields, listed back."""
from __future__ import annotations

from typing import Any

import requests


def test_client_flow_reads_me_adds_a_type_and_an_activity_of_it_with_a_priority(pipedrive_mock: Any) -> None:
    session = requests.Session()
    session.headers["x-api-token"] = pipedrive_mock.admin_token
    me = session.get(f"{pipedrive_mock.v1_url}/users/me").json()["data"]
    assert me["is_you"] is True and pipedrive_mock.url.endswith(me["company_domain"])
    types = session.get(f"{pipedrive_mock.v1_url}/activityTypes").json()["data"]
    assert "video_call" not in [t["key_string"] for t in types]
    added = session.post(f"{pipedrive_mock.v1_url}/activityTypes",
                         json={"name": "Video call", "icon_key": "camera"}).json()["data"]
    priority = session.get(f"{pipedrive_mock.v2_url}/activityFields/priority").json()["data"]
    high = next(option["id"] for option in priority["options"] if option["label"] == "High")
    activity = session.post(f"{pipedrive_mock.v2_url}/activities",
                            json={"subject": "Demo by video", "type": added["key_string"], "priority": high})
    assert activity.status_code == 200
    listed = session.get(f"{pipedrive_mock.v2_url}/activities", params={"ids": activity.json()["data"]["id"]})
    assert [(a["subject"], a["type"], a["priority"]) for a in listed.json()["data"]] == \
        [("Demo by video", "video_call", high)]
    assert pipedrive_mock.store.activity_types()[-1].key_string == "video_call"
    assert [r.status for r in pipedrive_mock.requests] == [200] * 6


def test_client_flow_starts_from_the_six_default_types_again(pipedrive_mock: Any) -> None:
    types = requests.get(f"{pipedrive_mock.v1_url}/activityTypes",
                         headers={"x-api-token": pipedrive_mock.user_token}).json()["data"]
    assert [t["id"] for t in types] == [1, 2, 3, 4, 5, 6]
