"""The dashboard driven the way a developer uses it: a real headless Chromium against `mockserver serve`."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from browser import VIEWPORT, chromium, chromium_path
from dashboard_screens import capture
from test_serve import serving

if chromium_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the dashboard's browser tests: .ci/run installs chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402 - only once a browser is known to exist

TOKEN = {"x-api-token": "admin-token"}
CONTROL_TOKEN = "s3cret-control"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture
def url(mock_url: str) -> str:
    """The served mock, back to its seeded state with an empty journal, no faults and a flowing clock."""
    for method, path, body in [("POST", "/_mock/reset", {}), ("DELETE", "/_mock/faults", None),
                               ("POST", "/_mock/rate-limit", {}), ("POST", "/_mock/clock", {"frozen": False}),
                               ("DELETE", "/_mock/requests", None)]:
        requests.request(method, mock_url + path, json=body, timeout=10).raise_for_status()
    return mock_url


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], errors


def open_view(page: Page, url: str, view: str) -> None:
    page.goto(f"{url}/_mock/ui/#{view}")
    expect(page.locator(f"#view-{view.split('?')[0]}")).to_have_attribute("data-loaded", "true")


def test_dashboard_shows_a_violating_request_with_its_explanation(page: Page, url: str) -> None:
    requests.post(f"{url}/api/v2/activities", json={"subject": "Call", "colour": "red"}, headers=TOKEN, timeout=10)
    open_view(page, url, "requests")
    row = page.locator("#requests-table tbody tr", has_text="/api/v2/activities")
    expect(row).to_contain_text("1 violation")
    expect(row).to_contain_text("400")
    row.click()
    violation = page.locator("#request-detail [data-testid=violation]")
    expect(violation).to_contain_text("Unknown field 'colour' in the request body")
    expect(violation).to_contain_text("allows only the fields the contract lists (additionalProperties: false)")
    expect(violation).to_contain_text("components > schemas > ActivityAddRequest")
    expect(violation.locator("pre.spec")).to_contain_text("additionalProperties: false")
    expect(page.locator("#request-detail .token")).to_have_text("adm***")


def test_dashboard_requests_view_is_live(page: Page, url: str) -> None:
    open_view(page, url, "requests")
    expect(page.locator("#requests-table")).to_contain_text("No requests.")
    requests.get(f"{url}/api/v2/activities/7", headers=TOKEN, timeout=10)
    expect(page.locator("#requests-table tbody tr", has_text="/api/v2/activities/7")).to_contain_text("200")


def test_dashboard_requests_filter_by_violations(page: Page, url: str) -> None:
    requests.get(f"{url}/api/v2/activities/3", headers=TOKEN, timeout=10)
    requests.get(f"{url}/api/v2/activities?limit=900", headers=TOKEN, timeout=10)
    open_view(page, url, "requests")
    expect(page.locator("#requests-table tbody tr")).to_have_count(2)
    page.locator("input[name=violations]").check()
    expect(page.locator("#requests-table tbody tr")).to_have_count(1)
    expect(page.locator("#requests-table tbody tr")).to_contain_text("getActivities")
    expect(page.locator("#requests-table tbody tr")).to_contain_text("1 violation")


def test_dashboard_data_view_shows_an_activity_added_through_the_api(page: Page, url: str) -> None:
    added = requests.post(f"{url}/api/v2/activities", json={"subject": "Demo for the browser", "type": "meeting"},
                          headers=TOKEN, timeout=10).json()["data"]
    requests.delete(f"{url}/api/v2/activities/2", headers=TOKEN, timeout=10)
    open_view(page, url, "data")
    page.locator("#activities-table th[data-sort=id]").click()  # id descending: the newest first
    row = page.locator(f"#activities-table tr[data-id='{added['id']}']")
    expect(row).to_contain_text("Demo for the browser")
    expect(row).to_contain_text("meeting")
    page.locator("select[name=deleted]").select_option("only")
    expect(page.locator("#activities-table tbody tr")).to_have_count(1)
    expect(page.locator("#activities-table tr[data-id='2']")).to_contain_text("deleted")
    page.locator("#activities-table tr[data-id='2']").click()
    page.locator("#activity-requests").click()
    expect(page.locator("#requests-table tbody tr", has_text="/api/v2/activities/2")).to_contain_text("DELETE")
    expect(page.locator("#requests-table tbody tr")).to_have_count(1)


def test_dashboard_clock_set_and_advanced_from_the_page_dates_the_next_write(page: Page, url: str) -> None:
    open_view(page, url, "controls")
    page.locator("#clock-set").fill("2030-01-01T00:00:00Z")
    page.locator("#clock-set-button").click()
    expect(page.locator("#clock-value")).to_have_text("2030-01-01T00:00:00Z")
    page.get_by_role("button", name="+1 day").click()
    expect(page.locator("#clock-value")).to_have_text("2030-01-02T00:00:00Z")
    added = requests.post(f"{url}/api/v2/activities", json={"subject": "After the jump"}, headers=TOKEN, timeout=10)
    assert added.json()["data"]["add_time"] == "2030-01-02T00:00:00Z"


def test_dashboard_fault_added_from_the_page_fails_the_next_api_call(page: Page, url: str) -> None:
    open_view(page, url, "controls")
    page.locator("#fault-method").select_option("GET")
    page.locator("#fault-path").fill("/api/v2/activities/*")
    page.locator("#fault-status").fill("503")
    page.locator("#fault-times").fill("1")
    page.locator("#fault-add").click()
    expect(page.locator("#faults-table tbody tr")).to_contain_text("/api/v2/activities/*")
    first = requests.get(f"{url}/api/v2/activities/1", headers=TOKEN, timeout=10)
    assert (first.status_code, first.json()["error"]) == (503, "Service temporarily unavailable")
    assert requests.get(f"{url}/api/v2/activities/1", headers=TOKEN, timeout=10).status_code == 200
    expect(page.locator("#faults-table")).to_contain_text("No faults")


def test_dashboard_rate_limit_gauges_show_the_remaining_tokens(page: Page, url: str) -> None:
    open_view(page, url, "controls")
    page.locator("#limit-budget").fill("100")
    page.locator("#limit-burst").fill("5")
    page.locator("#limits-apply").click()
    expect(page.locator("[data-testid=budget-1]")).to_contain_text("100 / 100 left")
    requests.get(f"{url}/api/v2/activities", headers=TOKEN, timeout=10)  # 10 tokens
    expect(page.locator("[data-testid=budget-1]")).to_contain_text("90 / 100 left")
    expect(page.locator("[data-testid=burst-1]")).to_contain_text("4 / 5 left")


def test_dashboard_with_a_control_token_works_after_entering_it_and_not_before(browser: Any) -> None:
    with serving("--control-token", CONTROL_TOKEN) as url:
        requests.get(f"{url}/api/v2/activities/1", headers=TOKEN, timeout=10)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(f"{url}/_mock/ui/#requests")
        overlay = page.locator("#token-overlay")
        expect(overlay).to_be_visible()
        expect(page.locator("#view-requests")).not_to_have_attribute("data-loaded", "true")
        expect(page.locator("#requests-table tbody tr")).to_have_count(0)
        page.locator("#token-input").fill("wrong")
        page.locator("#token-form button").click()
        expect(page.locator("#token-error")).to_contain_text("refused")
        page.locator("#token-input").fill(CONTROL_TOKEN)
        page.locator("#token-form button").click()
        expect(overlay).to_be_hidden()
        expect(page.locator("#requests-table tbody tr", has_text="/api/v2/activities/1")).to_contain_text("200")
        page.reload()  # kept for the tab: not asked again
        expect(page.locator("#view-requests")).to_have_attribute("data-loaded", "true")
        expect(overlay).to_be_hidden()
        other_tab = context.new_page()  # sessionStorage is the tab's own: another tab asks again
        other_tab.goto(f"{url}/_mock/ui/#requests")
        expect(other_tab.locator("#token-overlay")).to_be_visible()
        context.close()


def test_dashboard_screenshots_of_the_three_views(browser: Any, url: str, tmp_path: Path) -> None:
    shots = capture(browser, url, tmp_path)
    assert [shot.name for shot in shots] == ["dashboard-requests.png", "dashboard-data.png", "dashboard-controls.png"]
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_dashboard_webhook_panel_shows_subscriptions_and_the_delivery_timeline(page: Page, url: str) -> None:
    from pipedrive_mock.fixtures.receiver import Receiver

    with Receiver() as receiver:
        subscribed = requests.post(f"{url}/v1/webhooks", headers=TOKEN, timeout=10, json={
            "subscription_url": receiver.url, "event_action": "create", "event_object": "activity",
            "name": "Dashboard test"})
        assert subscribed.status_code == 201, subscribed.text
        receiver.fail_next(1)
        requests.post(f"{url}/api/v2/activities", json={"subject": "Hooked"}, headers=TOKEN, timeout=10)
        open_view(page, url, "controls")
        timeline = page.locator("#deliveries-table")
        expect(timeline.locator("tbody tr").first).to_contain_text("failed")
        expect(page.locator("#webhooks-table")).to_contain_text("1 of 10 failures before a ban")
        page.locator("#webhooks-flush").click()  # the retry, without waiting 3 s of the mock clock
        expect(timeline.locator("tbody tr").first).to_contain_text("delivered")
        expect(timeline.locator("tbody tr").first).to_contain_text("create activity")
        expect(page.locator("#webhooks-table")).to_contain_text("healthy")
    requests.delete(f"{url}/v1/webhooks/{subscribed.json()['data']['id']}", headers=TOKEN, timeout=10)


def test_dashboard_fresh_start_clears_faults_and_the_clock(page: Page, url: str) -> None:
    requests.post(f"{url}/_mock/faults", json={"status": 503}, timeout=10)
    requests.post(f"{url}/_mock/clock", json={"now": "2031-05-05T00:00:00Z"}, timeout=10)
    open_view(page, url, "controls")
    expect(page.locator("#faults-table tbody tr")).to_contain_text("503")
    page.locator("#reset-everything").click()
    expect(page.locator("#faults-table")).to_contain_text("No faults")
    expect(page.locator("#clock-now")).to_contain_text("flowing")
    assert requests.get(f"{url}/api/v2/activities/1", headers=TOKEN, timeout=10).status_code == 200


def test_dashboard_consent_chosen_on_the_page_authorizes_apps_as_that_user(page: Page, url: str) -> None:
    open_view(page, url, "controls")
    page.locator("#consent-1").select_option("2")
    expect(page.locator("#consent-table")).to_contain_text("admin again")
    authorized = requests.get(f"{url}/oauth/authorize", allow_redirects=False, timeout=10, params={
        "client_id": "mock-client-id", "redirect_uri": "http://127.0.0.1:5000/callback"})
    assert authorized.status_code == 302 and "code=1.2." in authorized.headers["Location"]
    page.get_by_role("button", name="admin again").click()
    expect(page.locator("#consent-table")).to_contain_text("the admin (default)")
    assert requests.get(f"{url}/_mock/oauth/consent", timeout=10).json()["consent"][0]["user_id"] == 1
