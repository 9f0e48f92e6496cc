"""Your own seed data (mockserver/datafile.py): one format for --data, the plugin and POST /_mock/seed."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from pipedrive_mock import Store, create_app, datafile

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "seed-data.yaml"


def test_datafile_example_file_seeds_every_section() -> None:
    store = Store.default(activities=0)
    datafile.apply(store, datafile.read(EXAMPLE), source=str(EXAMPLE))
    company = store.company(1)
    assert [(u.id, u.token, u.is_admin) for u in sorted(company.users.values(), key=lambda u: u.id)] == [
        (1, "ann-token", True), (2, "bob-token", False), (3, "cleo-park-token", False)]
    assert company.users[1].email == "ann@example.com"
    assert [t.key_string for t in company.activity_types.values()] == ["call", "meeting", "demo", "fax"]
    assert company.entities["deal"][42].name == "Acme renewal" and company.entities["org"][1].name == "Acme Ltd"
    first, demo, follow_up = (company.get(i) for i in (1, 2, 3))
    assert (first.subject, first.deal_id, first.participants) == (
        "Kick-off call with Dana", 42, ({"person_id": 1, "primary": True},))
    assert demo.done and demo.marked_as_done_time == demo.update_time and demo.owner_id == 2
    assert (follow_up.type, follow_up.owner_id, follow_up.due_date) == ("call", 1, None)
    assert company.next_id == 4 and store.next_user_id == 4


def test_datafile_reset_returns_to_the_file_state() -> None:
    store = Store.default(activities=0)
    datafile.apply(store, datafile.read(EXAMPLE))
    company = store.company(1)
    company.delete(company.users[1], 1, store.clock.now())
    store.reset()
    assert sorted(a.id for a in store.company(1).activities.values() if not a.is_deleted) == [1, 2, 3]


@pytest.mark.parametrize(("document", "problem"), [
    ({"users": [{"name": "Ann"}]}, "at least one user must be an admin"),
    ({"users": [{"name": "A", "admin": True, "token": "t"}, {"name": "B", "token": "t"}]}, "users[1].token 't' is given twice"),
    ({"activities": [{"subject": "X", "type": "fax"}]}, "activities[0].type 'fax' is not an activity type"),
    ({"activities": [{"subject": "X", "id": 3}, {"subject": "Y", "id": 3}]}, "activities[1].id 3 is given twice"),
    ({"activity_types": [{"key": "call", "active": False}]}, "at least one type must be active"),
])
def test_datafile_inconsistent_document_is_refused_and_changes_nothing(document: dict, problem: str) -> None:
    store = Store.default(activities=5)
    before = sorted(store.company(1).activities)
    with pytest.raises(datafile.DataFileError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        datafile.apply(store, datafile.validate(document, "doc"), source="doc")
    assert sorted(store.company(1).activities) == before


@pytest.mark.parametrize(("text", "problem"), [
    ("", "is empty"),
    ("[1, 2]", "the document: [1,2] is not of type \"object\""),
    ("colour: red\n", "Additional properties are not allowed ('colour' was unexpected)"),
    ("activities:\n  - {subject: X, due_date: tomorrow}\n", "activities[0].due_date"),
    ('{"users": [', "is not YAML or JSON at line 2, column 1"),
])
def test_datafile_bad_file_names_path_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "data.json"
    path.write_text(text)
    with pytest.raises(datafile.DataFileError) as raised:
        datafile.read(path)
    assert str(raised.value).startswith(str(path)) and problem in str(raised.value)


def test_seed_control_with_data_replaces_company_and_refuses_bad_data() -> None:
    client: FlaskClient = create_app(activities=10).test_client()
    body = {"data": {"users": [{"name": "Ann", "admin": True, "token": "ann-token"}],
                     "activities": [{"subject": "Only one"}]}}
    assert client.post("/_mock/seed", json=body).get_json() == {"company_id": 1, "seed": 1, "activities": 1}
    listed = client.get("/api/v2/activities", headers={"x-api-token": "ann-token"}).get_json()["data"]
    assert [a["subject"] for a in listed] == ["Only one"]
    refused = client.post("/_mock/seed", json={"data": {"activities": [{"subject": "X", "owner_id": 7}]}})
    assert refused.status_code == 400 and "activities[0].owner_id 7 is not a user" in refused.get_json()["error"]
    assert len(client.get("/api/v2/activities", headers={"x-api-token": "ann-token"}).get_json()["data"]) == 1
