"""The official Pipedrive Node client (the pinned 33.x) works against the served mock, changed only in its base path."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from envelope import assert_official_error
from pipedrive_mock.contracts import sdk

from .test_serve import START_TIMEOUT, start_server

NODE_DIR = Path(__file__).resolve().parent / "node"
INSTALL_TIMEOUT = 300
LEAD = "8c1b6a3e-2f64-4c1e-9d0a-5b7e1f2c3d4e"
# A value for every field of the client's AddActivityRequest, each different on update. A field the
# client adds and this table lacks fails test_every_request_field_has_a_sample by name.
ADD = {
    "subject": "Demo from Node", "type": "meeting", "owner_id": 2, "deal_id": 3, "lead_id": LEAD, "person_id": 7,
    "org_id": 4, "project_id": 2, "due_date": "2026-07-01", "due_time": "09:30", "duration": "01:15", "busy": True,
    "done": True,
    "location": {"value": "Tartu mnt 2, Tallinn", "country": "Estonia", "admin_area_level_1": "Harju maakond",
                 "admin_area_level_2": "Tallinn", "locality": "Tallinn", "sublocality": "Kesklinn",
                 "route": "Tartu mnt", "street_number": "2", "subpremise": "3", "postal_code": "10145"},
    "participants": [{"person_id": 7, "primary": True}, {"person_id": 8, "primary": False}],
    "attendees": [{"email": "anna@example.com", "name": "Anna", "status": "accepted", "is_organizer": True,
                   "person_id": 7, "user_id": None}],
    "public_description": "Product demo", "priority": 2, "outcome": 3, "note": "<p>bring slides</p>",
}
UPDATE = {
    "subject": "Demo, moved", "type": "call", "owner_id": 1, "deal_id": 5, "lead_id": None, "person_id": 9,
    "org_id": 6, "project_id": 3, "due_date": "2026-07-02", "due_time": "11:00", "duration": "00:30", "busy": False,
    "done": False,
    "location": {"value": "Narva mnt 5, Tallinn", "country": "Estonia", "admin_area_level_1": None,
                 "admin_area_level_2": None, "locality": "Tallinn", "sublocality": None, "route": "Narva mnt",
                 "street_number": "5", "subpremise": None, "postal_code": "10117"},
    "participants": [{"person_id": 9, "primary": True}, {"person_id": 10, "primary": False}],
    "attendees": [{"email": "ben@example.com", "name": "Ben", "status": "tentative", "is_organizer": False,
                   "person_id": None, "user_id": 2}],
    "public_description": "Moved demo", "priority": 1, "outcome": 1, "note": "<p>new room</p>",
}


@pytest.fixture(scope="module")
def node_dir() -> Path:
    """tests/node with the client its package.json pins installed."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the official Node client: .ci/run installs Node.js and npm")
        pytest.skip("Node.js and npm are needed to run the official client (apt-get install nodejs npm; "
                    ".ci/run installs them)")
    pinned = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]["pipedrive"]
    installed = NODE_DIR / "node_modules" / "pipedrive" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != pinned:
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True,
                       timeout=INSTALL_TIMEOUT)
    return NODE_DIR


@pytest.fixture(scope="module")
def client_models(node_dir: Path) -> sdk.Client:
    return sdk.load_client(node_dir)


@pytest.fixture
def base_url() -> Iterator[str]:
    process, url, _ = start_server()
    try:
        yield url
    finally:
        process.kill()
        process.wait(START_TIMEOUT)


def _node(node_dir: Path, script: str, base_url: str, stdin: str = "") -> dict[str, Any]:
    result = subprocess.run(["node", str(node_dir / script), base_url, "admin-token"], input=stdin,
                            capture_output=True, text=True, timeout=START_TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    seen: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return seen


def test_official_node_client_adds_updates_pages_and_deletes(node_dir: Path, base_url: str) -> None:
    seen = _node(node_dir, "client.js", base_url)
    added_id = seen["first"][0]
    assert seen["added"] == "Call from Node" and seen["more"] is False
    assert seen["done"] is True and seen["got"] is True and seen["deleted"] is True
    assert seen["first"] == [added_id, added_id - 1]
    assert seen["second"] == [added_id - 2, added_id - 3]
    assert "'limit'" in seen["bad_limit_error"]


def test_every_request_field_has_a_sample(client_models: sdk.Client) -> None:
    for operation, sample in (("addActivity", ADD), ("updateActivity", UPDATE)):
        model = client_models.models[client_models.request_models[operation]]
        assert set(model) == set(sample), operation


@pytest.fixture(scope="module")
def every_field(node_dir: Path) -> dict[str, Any]:
    process, url, _ = start_server()
    try:
        return _node(node_dir, "fields.js", url, json.dumps({"add": ADD, "update": UPDATE}))
    finally:
        process.kill()
        process.wait(START_TIMEOUT)


@pytest.mark.parametrize("answer, sent", [("added", ADD), ("updated", UPDATE), ("got", UPDATE)])
def test_node_client_every_request_field_comes_back_as_sent(every_field: dict[str, Any], answer: str,
                                                            sent: dict[str, Any]) -> None:
    data = every_field[answer]
    assert {key: data.get(key) for key in sent} == sent


def test_node_client_done_toggles_marked_as_done_time(every_field: dict[str, Any]) -> None:
    assert every_field["added"]["marked_as_done_time"] is not None
    assert every_field["updated"]["marked_as_done_time"] is None


@pytest.mark.parametrize("answer", ["added", "updated", "got", "listed"])
def test_node_client_every_activity_item_key_is_defined(every_field: dict[str, Any], client_models: sdk.Client,
                                                       answer: str) -> None:
    data = every_field[answer]
    data = data[0] if isinstance(data, list) else data
    assert set(client_models.models["ActivityItem"]) <= set(data)


@pytest.mark.parametrize("answer", ["got_plain", "listed_plain"])
def test_node_client_attendees_only_with_include_fields(every_field: dict[str, Any], client_models: sdk.Client,
                                                       answer: str) -> None:
    data = every_field[answer]
    data = data[0] if isinstance(data, list) else data
    assert set(data) == set(client_models.models["ActivityItem"]) - {"attendees"}


README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_node_example_runs_as_pasted(node_dir: Path, base_url: str) -> None:
    text = README.read_text(encoding="utf-8")
    example = text.split("### The official Node client", 1)[1].split("```js\n", 1)[1].split("```", 1)[0]
    assert "http://127.0.0.1:8000" in example
    script = node_dir / ".readme-example.mjs"  # beside node_modules, so `import "pipedrive"` resolves
    script.write_text(example.replace("http://127.0.0.1:8000", base_url))  # only the base URL differs
    try:
        result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=START_TIMEOUT,
                                check=False)
    finally:
        script.unlink()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("added activity ")


@pytest.mark.parametrize("status", ["400", "404", "401"])
def test_node_client_errors_carry_the_official_keys(every_field: dict[str, Any], status: str) -> None:
    error = every_field["errors"][status]
    assert error is not None, f"the client did not reject the {status}"
    assert_official_error(error, int(status))
    if status == "400":
        assert "'limit'" in error["error"]


def test_node_client_under_current_profile_meets_the_live_person_id_400(node_dir: Path) -> None:
    process, url, _ = start_server(("serve", "--api-profile", "current"))
    try:
        seen = _node(node_dir, "profile.js", url)
    finally:
        process.kill()
        process.wait(START_TIMEOUT)
    assert_official_error(seen["rejected"], 400)
    assert seen["rejected"]["error"] == ("'person_id' is a read-only field. Add a primary participant to set "
                                         "'person_id' instead.")
    assert seen["person_id"] == 3
