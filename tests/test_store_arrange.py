"""The small store and company methods the pytest plugin arranges data with."""
from __future__ import annotations

import pytest
from flask import got_request_exception

from pipedrive_mock import ADMIN_TOKEN, Store, create_app
from pipedrive_mock.resources.activities import listing


def test_store_reset_dropping_added_drops_new_companies_and_reuses_user_ids() -> None:
    store = Store.default(activities=3)
    first = store.add_user(store.company(1), "Ann", "ann-token-1")
    extra = store.create_company(activities=1)
    store.reset(drop_added=True)
    assert [c.id for c in store.companies()] == [1]
    assert store.authenticate(extra.users[min(extra.users)].token) is None
    assert store.authenticate("ann-token-1") is None
    assert store.add_user(store.company(1), "Bob", "bob-token-1").id == first.id


def test_store_reset_of_data_only_keeps_new_companies() -> None:
    store = Store.default(activities=3)
    store.create_company(activities=1)
    store.reset()
    assert [c.id for c in store.companies()] == [1, 2]


def test_company_add_activity_type_is_gone_after_reset() -> None:
    store = Store.default(activities=3)
    company = store.company(1)
    added = company.add_activity_type("demo", "Demo")
    assert company.activity_types["demo"] is added and added.id == 7
    store.reset()
    assert "demo" not in company.activity_types


def test_company_add_activity_type_with_taken_key_raises() -> None:
    with pytest.raises(ValueError, match="'call' already exists"):
        Store.default(activities=1).company(1).add_activity_type("call", "Call again")


@pytest.mark.parametrize("operator, accepted", [("eq", True), ("gte", True), ("like", False)])
def test_company_add_filter_checks_operator(operator: str, accepted: bool) -> None:
    company = Store.default(activities=1).company(1)
    if accepted:
        saved = company.add_filter("Mine", [("owner_id", operator, 1)])
        assert company.filters[saved.id].conditions == (("owner_id", operator, 1),)
    else:
        with pytest.raises(ValueError, match="'like' on 'owner_id' is not one of: eq, lt, gte"):
            company.add_filter("Mine", [("owner_id", operator, 1)])


def test_unexpected_error_is_announced_through_got_request_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(activities=1)
    seen: list[BaseException] = []

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    def record(sender: object, exception: BaseException, **extra: object) -> None:
        seen.append(exception)

    monkeypatch.setattr(listing, "list_v2", broken)
    with got_request_exception.connected_to(record, app):
        response = app.test_client().get("/api/v2/activities", headers={"x-api-token": ADMIN_TOKEN})
    assert response.status_code == 500 and response.get_json()["error"] == "Internal server error"
    assert [str(e) for e in seen] == ["boom"]


@pytest.mark.parametrize("query, expected", [
    ("limit=lots", "Invalid value for parameter 'limit': 'lots' is not an integer"),
    ("done=maybe", "Invalid value for parameter 'done': 'maybe' is not a boolean"),
])
def test_parameter_of_wrong_type_is_named_with_its_type(query: str, expected: str) -> None:
    response = create_app(activities=1).test_client().get(f"/api/v2/activities?{query}",
                                                          headers={"x-api-token": ADMIN_TOKEN})
    assert response.status_code == 400 and response.get_json()["error"] == expected
