"""Screenshots of the dashboard's three views, as the README shows them: the browser tests take them into a
temporary folder; run this file to take them again into docs/ (a mock is served for the purpose).

    python tests/dashboard_screens.py [--out docs]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
TOKEN = {"x-api-token": "admin-token"}
USER = {"x-api-token": "user-token"}
VIEWS = ("requests", "data", "controls")


def arrange(url: str) -> None:
    """A morning of a client's calls: some fine, some the contract refuses; a deleted activity, a fault, limits."""
    call = requests.Session()
    requests.post(f"{url}/_mock/rate-limit", json={"daily_budget": 500, "burst": 20}, timeout=10)
    call.get(f"{url}/api/v2/activities", params={"limit": 20, "sort_by": "update_time", "sort_direction": "desc"},
             headers=TOKEN, timeout=10)
    call.get(f"{url}/api/v2/activities/4", headers=USER, timeout=10)
    call.patch(f"{url}/api/v2/activities/4", json={"done": True}, headers=TOKEN, timeout=10)
    call.delete(f"{url}/api/v2/activities/5", headers=TOKEN, timeout=10)
    call.get(f"{url}/api/v2/activities", params={"limit": 900}, headers=TOKEN, timeout=10)
    call.put(f"{url}/api/v2/activities/4", json={"done": True}, headers=TOKEN, timeout=10)
    call.post(f"{url}/api/v2/activities", json={"subject": "Call Anna", "type": "call", "due_date": "2025-7-1",
                                                "colour": "red"}, headers=TOKEN, timeout=10)
    call.post(f"{url}/api/v2/activities", json={"subject": "Call Anna", "type": "call", "due_date": "2025-07-01"},
              headers=TOKEN, timeout=10)
    requests.post(f"{url}/_mock/faults", json={"method": "GET", "path": "/api/v2/activities/*", "status": 503,
                                               "times": 3}, timeout=10)


def capture(browser: Any, url: str, out: Path) -> list[Path]:
    """Arrange the mock, then one PNG per view (the Requests view with its violating entry open; the
    Controls view whole, with a webhook whose receiver failed once, then took the retry)."""
    from pipedrive_mock.fixtures.receiver import Receiver

    with Receiver() as receiver:
        hook = requests.post(f"{url}/v1/webhooks", headers=TOKEN, timeout=10, json={
            "subscription_url": receiver.url, "event_action": "*", "event_object": "activity", "name": "CRM sync"})
        receiver.fail_next(1)
        arrange(url)
        receiver.wait_for(count=1, timeout=10, failed=True)
        requests.post(f"{url}/_mock/webhooks/flush", json={}, timeout=10)
        receiver.wait_for(count=3, timeout=10)
        shots = _shoot(browser, url, out)
    requests.delete(f"{url}/v1/webhooks/{hook.json()['data']['id']}", headers=TOKEN, timeout=10)
    return shots


def _shoot(browser: Any, url: str, out: Path) -> list[Path]:
    from playwright.sync_api import expect

    from browser import VIEWPORT

    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    shots = []
    for view in VIEWS:
        page.goto(f"{url}/_mock/ui/#{view}")
        expect(page.locator(f"#view-{view}")).to_have_attribute("data-loaded", "true")
        if view == "requests":
            page.locator("#requests-table tbody tr", has_text="2 violations").first.click()
            expect(page.locator("#request-detail [data-testid=violation]").first).to_be_visible()
        elif view == "data":
            page.locator("#activities-table tr[data-id='5']").click()
            expect(page.locator("#activity-detail pre")).to_be_visible()
        else:
            expect(page.locator("[data-testid=budget-1]")).to_be_visible()
            expect(page.locator("#deliveries-table")).to_be_visible()
        shot = out / f"dashboard-{view}.png"
        page.screenshot(path=str(shot), full_page=view == "controls")
        shots.append(shot)
    context.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
    from browser import chromium
    from test_serve import serving

    with serving() as url, chromium() as browser:
        for shot in capture(browser, url, args.out):
            print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
