"""The control endpoints the dashboard reads: the paged journal, explanations, companies, activity pages, budgets."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from pipedrive_mock import create_app
from pipedrive_mock.contract import spec_text
from pipedrive_mock.explanation import describe_schema, explain
from pipedrive_mock.contract import Contract

from conftest import Call


def _get(client: FlaskClient, url: str, **params: Any) -> Any:
    response = client.get(url, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_journal_page_is_newest_first_numbered_and_pages_back(api: Call, client: FlaskClient) -> None:
    for activity_id in range(1, 8):
        api("GET", f"/api/v2/activities/{activity_id}")
    first = _get(client, "/_mock/journal", limit=3)
    assert [r["id"] for r in first["requests"]] == [7, 6, 5]
    assert [r["path"] for r in first["requests"]][0] == "/api/v2/activities/7"
    second = _get(client, "/_mock/journal", limit=3, before=first["next_before"])
    assert [r["id"] for r in second["requests"]] == [4, 3, 2]
    last = _get(client, "/_mock/journal", limit=3, before=second["next_before"])
    assert [r["id"] for r in last["requests"]] == [1] and last["next_before"] is None
    assert (first["held"], first["matching"], first["last_id"]) == (7, 7, 7)


def test_journal_after_gives_only_newer_entries_and_numbers_survive_a_clear(api: Call, client: FlaskClient) -> None:
    api("GET", "/api/v2/activities/1")
    api("GET", "/api/v2/activities/2")
    client.delete("/_mock/requests")
    api("GET", "/api/v2/activities/3")
    page = _get(client, "/_mock/journal", after=2)
    assert [(r["id"], r["path"]) for r in page["requests"]] == [(3, "/api/v2/activities/3")]
    assert _get(client, "/_mock/journal", after=3)["requests"] == []


@pytest.mark.parametrize(("params", "expected"), [
    ({"method": "post"}, ["/api/v2/activities"]),
    ({"status": "4xx"}, ["/api/v2/activities", "/api/v2/activities/999999"]),
    ({"status": "404"}, ["/api/v2/activities/999999"]),
    ({"violations": "true"}, ["/api/v2/activities"]),
    ({"path": "999"}, ["/api/v2/activities/999999"]),
    ({"activity_id": 5}, ["/api/v2/activities/5", "/v1/activities"]),
])
def test_journal_filters_select_matching_entries(api: Call, client: FlaskClient, params: dict[str, Any],
                                                  expected: list[str]) -> None:
    api("GET", "/api/v2/activities/5")
    api("POST", "/api/v2/activities", json={"subject": "x", "colour": "red"})
    api("GET", "/api/v2/activities/999999")
    api("DELETE", "/v1/activities?ids=4,5")
    rows = _get(client, "/_mock/journal", **params)["requests"]
    assert sorted(r["path"] for r in rows) == sorted(expected)


def test_journal_entry_explains_each_violation_with_the_spec_lines(api: Call, client: FlaskClient) -> None:
    api("POST", "/api/v2/activities", json={"subject": "x", "colour": "red", "due_date": "soon"})
    entry = _get(client, "/_mock/journal/1")
    assert entry["body"] == {"subject": "x", "colour": "red", "due_date": "soon"}
    assert entry["token"] == "adm***" and entry["company_id"] == 1
    by_message = {e["message"].split(":")[0]: e for e in entry["explanations"]}
    unknown = by_message["Unknown field 'colour' in the request body"]
    assert "additionalProperties: false" in unknown["explanation"] and "subject" in unknown["explanation"]
    assert unknown["spec_path"] == "components > schemas > ActivityAddRequest"
    lines = spec_text().decode().splitlines()
    assert lines[unknown["first_line"] - 1].strip() == "ActivityAddRequest:"
    assert "additionalProperties: false" in unknown["excerpt"]
    due = by_message["Invalid value for field 'due_date'"]
    assert due["explanation"].endswith("must be a date (YYYY-MM-DD), or null.")
    assert lines[due["first_line"] - 1].strip().startswith("due_date:")


def test_journal_entry_of_a_path_the_contract_lacks_names_the_methods_it_has(api: Call, client: FlaskClient) -> None:
    api("PUT", "/api/v2/activities/3", json={})
    (explanation,) = _get(client, "/_mock/journal/1")["explanations"]
    assert "GET, PATCH, DELETE, not PUT" in explanation["explanation"]
    assert explanation["spec_path"] == "paths > /api/v2/activities/{id}"


def test_journal_entry_no_longer_held_answers_404(client: FlaskClient) -> None:
    response = client.get("/_mock/journal/5")
    assert response.status_code == 404 and "not held" in response.get_json()["error"]


def test_every_parameter_violation_is_explained_with_its_component() -> None:
    contract = Contract()
    (item,) = explain(contract, "getActivities", "GET", "/api/v2/activities",
                      ["Invalid value for parameter 'limit': 900 is greater than the maximum of 500"])
    assert item.explanation.endswith("must be an integer from 1 to 500.")
    assert item.spec_path == "components > parameters > Limit" and "maximum: 500" in item.excerpt


@pytest.mark.parametrize(("schema", "words"), [
    ({"type": "string", "enum": ["asc", "desc"]}, "one of: asc, desc"),
    ({"type": ["integer", "null"], "minimum": 0}, "an integer of at least 0, or null"),
    ({"type": "string", "maxLength": 1000}, "a string of at most 1000 characters"),
    ({"type": "boolean"}, "true or false (JSON booleans, not 0/1 or strings)"),
])
def test_describe_schema_words_a_schema_plainly(schema: dict[str, Any], words: str) -> None:
    assert describe_schema(schema) == words


def test_companies_list_counts_live_and_deleted(api: Call, client: FlaskClient) -> None:
    api("DELETE", "/api/v2/activities/1")
    (company,) = _get(client, "/_mock/companies")["companies"]
    assert (company["id"], company["activity_count"], company["deleted_count"], company["user_count"]) == (1, 39, 1, 2)
    detail = _get(client, "/_mock/companies/1")
    assert [u["token"] for u in detail["users"]] == ["admin-token", "user-token"]
    assert detail["activity_types"][0] == {"id": 1, "key_string": "call", "name": "Call", "active_flag": True}
    assert client.get("/_mock/companies/9").status_code == 404


def _walk(client: FlaskClient, **params: Any) -> list[dict[str, Any]]:
    seen, cursor = [], None
    while True:
        page = _get(client, "/_mock/companies/1/activities", limit=7, **params, **({"cursor": cursor} if cursor else {}))
        seen += page["activities"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


@pytest.mark.parametrize("sort_by", ["id", "update_time", "add_time", "due_date"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_activity_pages_include_deleted_ones_once_in_sort_order(api: Call, client: FlaskClient, sort_by: str,
                                                                direction: str) -> None:
    for activity_id in (3, 17, 40):
        api("DELETE", f"/api/v2/activities/{activity_id}")
    seen = _walk(client, sort_by=sort_by, sort_direction=direction)
    assert sorted(a["id"] for a in seen) == list(range(1, 41))
    assert {a["id"] for a in seen if a["deleted_time"]} == {3, 17, 40}
    live = [a["id"] for a in seen if not a["deleted_time"]]
    api_order = [a["id"] for a in _api_walk(api, sort_by, direction)]
    assert live == api_order


def _api_walk(api: Call, sort_by: str, direction: str) -> list[dict[str, Any]]:
    from conftest import walk_pages
    return walk_pages(api, "/api/v2/activities", f"sort_by={sort_by}&sort_direction={direction}")


def test_activity_pages_filter_and_show_only_deleted(api: Call, client: FlaskClient) -> None:
    api("DELETE", "/api/v2/activities/2")
    only = _get(client, "/_mock/companies/1/activities", deleted="only")["activities"]
    assert [a["id"] for a in only] == [2]
    hidden = _walk(client, deleted="exclude", owner_id=2, done="false")
    assert hidden and all(a["owner_id"] == 2 and not a["done"] and a["id"] != 2 for a in hidden)
    subject = only[0]["subject"].split()[0].upper()
    assert all(subject.casefold() in a["subject"].casefold() for a in _walk(client, subject=subject))


def test_activity_page_cursor_for_another_sort_answers_400(client: FlaskClient) -> None:
    cursor = _get(client, "/_mock/companies/1/activities", limit=2)["next_cursor"]
    response = client.get("/_mock/companies/1/activities", query_string={"cursor": cursor, "sort_by": "add_time"})
    assert response.status_code == 400 and "cursor" in response.get_json()["error"]
    assert client.get("/_mock/companies/1/activities?cursor=bm9wZQ").status_code == 400


def test_rate_limit_usage_shows_what_is_left(api: Call, client: FlaskClient) -> None:
    client.post("/_mock/rate-limit", json={"daily_budget": 100, "burst": 5})
    api("GET", "/api/v2/activities")      # 10 tokens
    api("GET", "/api/v2/activities/1")    # 1 token
    usage = _get(client, "/_mock/rate-limit/usage")
    assert usage["companies"] == [{"company_id": 1, "name": "Company 1", "limit": 100, "spent": 11, "remaining": 89}]
    admin = next(t for t in usage["tokens"] if t["user_id"] == 1)
    assert (admin["token"], admin["limit"], admin["used"], admin["remaining"]) == ("adm***", 5, 2, 3)


def test_dashboard_page_is_served_with_its_assets(client: FlaskClient) -> None:
    page = client.get("/_mock/ui/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b'src="app.js"' in page.data
    for asset in ("app.js", "api.js", "dom.js", "requests.js", "data.js", "controls.js", "style.css"):
        assert client.get(f"/_mock/ui/{asset}").status_code == 200, asset
    assert client.get("/_mock/ui/missing.js").status_code == 404


def test_dashboard_assets_need_no_token_but_its_data_does() -> None:
    client = create_app(activities=3, control_token="s3cret").test_client()
    assert client.get("/_mock/ui/").status_code == 200
    assert client.get("/_mock/journal").status_code == 401
    assert client.get("/_mock/journal", headers={"x-mock-control-token": "s3cret"}).status_code == 200


def test_dashboard_without_token_is_for_loopback_clients_only() -> None:
    client = create_app(activities=3).test_client()
    assert client.get("/_mock/ui/", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    assert client.get("/_mock/ui/", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200


def test_dashboard_reads_add_nothing_to_the_journal(api: Call, client: FlaskClient) -> None:
    api("GET", "/api/v2/activities/1")
    for path in ("/_mock/ui/", "/_mock/journal", "/_mock/companies/1/activities", "/_mock/rate-limit/usage"):
        client.get(path)
    assert _get(client, "/_mock/journal")["held"] == 1


def test_deleted_counts_and_pages_follow_each_write(api: Call, client: FlaskClient) -> None:
    api("DELETE", "/api/v2/activities/1")
    assert _get(client, "/_mock/companies")["companies"][0]["deleted_count"] == 1
    api("DELETE", "/api/v2/activities/2")
    assert _get(client, "/_mock/companies")["companies"][0]["deleted_count"] == 2
    only = _get(client, "/_mock/companies/1/activities", deleted="only")["activities"]
    assert [a["id"] for a in only] == [1, 2]
    client.post("/_mock/reset", json={})
    assert _get(client, "/_mock/companies/1/activities", deleted="only")["activities"] == []
