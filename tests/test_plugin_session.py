"""The plugin's mock as a user's session sees it, through files run by pytester: served on loopback and in
process, reset before each test, one per xdist worker, a delay holding up only its own answer, the README's
example; and what its start leaves of the session (assertion rewriting, the garbage collector)."""
from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from user_suite import run

pytest_plugins = ["pytester"]
REPO_ROOT = Path(__file__).resolve().parents[1]


def test_plugin_with_requests_client_passes(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_list(pipedrive_mock):
    assert pipedrive_mock.url.startswith("http://127.0.0.1:")
    assert pipedrive_mock.v2_url == pipedrive_mock.url + "/api/v2"
    assert pipedrive_mock.v1_url == pipedrive_mock.url + "/v1"
    response = requests.get(pipedrive_mock.v2_url + "/activities", params={"limit": 2},
                            headers={"x-api-token": pipedrive_mock.user_token})
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["data"]] == [1, 2]
    entry = pipedrive_mock.requests.last
    assert (entry.method, entry.path, entry.query, entry.status, entry.violations) == (
        "GET", "/api/v2/activities", {"limit": "2"}, 200, [])
""")
    result.assert_outcomes(passed=1)


def test_plugin_writes_in_one_test_do_not_leak_into_the_next(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def seen(mock):
    return (len(mock.store.activities()), [u.id for u in mock.store.users()], mock.clock.frozen,
            len(mock.faults.list()), len(mock.requests), mock.store.activity(1).subject)

def test_write_everything(pipedrive_mock):
    before = seen(pipedrive_mock)
    url = pipedrive_mock.v2_url + "/activities"
    assert requests.post(url, json={"subject": "New"}, headers=HEADERS).status_code == 200
    assert requests.patch(url + "/1", json={"subject": "Changed"}, headers=HEADERS).status_code == 200
    assert requests.delete(url + "/2", headers=HEADERS).status_code == 200
    pipedrive_mock.store.add_user("Ann Lee")
    pipedrive_mock.store.add_activity_type("demo")
    pipedrive_mock.store.add_company(activities=1)
    pipedrive_mock.clock.freeze()
    pipedrive_mock.faults.add(status=503)
    pytest.before = before

@pytest.mark.parametrize("attempt", [1, 2])
def test_sees_the_seeded_state(pipedrive_mock, attempt):
    assert seen(pipedrive_mock) == pytest.before
    assert "demo" not in [t.key_string for t in pipedrive_mock.store.activity_types()]
    assert requests.get(pipedrive_mock.v2_url + "/activities/2", headers=HEADERS).status_code == 200
    assert requests.get(pipedrive_mock.v2_url + "/activities/1",
                        headers={"x-api-token": "ann-lee-token"}).status_code == 401
""")
    result.assert_outcomes(passed=3)


def test_plugin_in_process_app_serves_without_socket(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_app(pipedrive_mock_app):
    client = pipedrive_mock_app.test_client()
    created = client.post("/api/v2/activities", json={"subject": "In process"}, headers=HEADERS)
    assert created.status_code == 200
    fetched = client.get(f"/api/v2/activities/{created.get_json()['data']['id']}", headers=HEADERS)
    assert fetched.get_json()["data"]["subject"] == "In process"
""")
    result.assert_outcomes(passed=1)


def test_plugin_under_xdist_isolates_each_worker(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_user="""
import gc
import os
import pytest
import requests

@pytest.mark.parametrize("n", range(6))
def test_write_then_count(pipedrive_mock, n):
    headers = {"x-api-token": pipedrive_mock.admin_token}
    url = pipedrive_mock.v2_url + "/activities"
    before = len(pipedrive_mock.store.activities())
    assert requests.post(url, json={"subject": f"from {n}"}, headers=headers).status_code == 200
    assert len(pipedrive_mock.store.activities()) == before + 1 == 201
    with open(os.environ["PYTEST_XDIST_WORKER"] + ".url", "w") as out:
        out.write(pipedrive_mock.url)
""")
    # The workers import the plugin through its entry point, from this tree.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "2")
    result.assert_outcomes(passed=6)
    urls = {path.read_text() for path in pytester.path.glob("gw*.url")}
    assert len(urls) == 2  # one server per worker


def test_plugin_readme_example_file_passes(pytester: pytest.Pytester) -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    example = readme.split("Paste this into `test_pipedrive_client.py`:\n\n```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_pipedrive_client=example)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=example.count("\ndef test_"))


def test_plugin_fault_delay_holds_up_only_its_own_answer(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
import threading, time

def test_delay(pipedrive_mock):
    pipedrive_mock.faults.add(method="GET", path="/api/v2/activities/1", latency_ms=3000, times=4)
    delayed = [threading.Thread(target=requests.get, args=(pipedrive_mock.v2_url + "/activities/1",),
                                kwargs={"headers": HEADERS}) for _ in range(4)]
    for thread in delayed:
        thread.start()
    deadline = time.monotonic() + 30
    while len(pipedrive_mock.requests) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)   # the delayed requests take effect when they arrive; their answers wait
    assert len(pipedrive_mock.requests) == 4
    answered = requests.get(pipedrive_mock.v2_url + "/activities/2", headers=HEADERS)
    assert answered.status_code == 200
    assert all(thread.is_alive() for thread in delayed)   # still waiting: nothing waited for them
    pipedrive_mock.store.add_activity(subject="meanwhile")   # nor does the test's own arranging
    for thread in delayed:
        thread.join()
""")
    result.assert_outcomes(passed=1)


def test_plugin_mock_package_is_unmarked_for_assertion_rewriting(pytester: pytest.Pytester) -> None:
    # Installed from a wheel, pytest marks the whole distribution (`pipedrive_mock`) for assertion rewriting,
    # so ~100 modules would be parsed and compiled anew in each session that cannot keep bytecode. An editable
    # install is never rewritten (pytest cannot find its modules), so the mark is made here as pytest makes it;
    # the plugin's pytest_configure drops it. A user's own marks stay.
    pytester.makeconftest('import pytest\npytest.register_assert_rewrite("pipedrive_mock", "helpers")\n')
    pytester.makepyfile("""
def test_marks(request):
    marked = request.config.pluginmanager.rewrite_hook._must_rewrite
    assert "pipedrive_mock" not in marked and "helpers" in marked, marked
""")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-W", "ignore::pytest.PytestAssertRewriteWarning")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("collecting", [True, False])
def test_plugin_start_leaves_the_garbage_collector_as_the_session_set_it(pytester: pytest.Pytester,
                                                                        collecting: bool) -> None:
    # The collector is off while the mock starts (plugin.collection_paused), then as it was: on, or off
    # when the user's session turned it off.
    pytester.makeconftest(f"import gc\n\ndef pytest_configure(config):\n    gc.enable() if {collecting} else gc.disable()\n")
    try:
        result = run(pytester, f"""
import gc

def test_first(pipedrive_mock):
    requests.get(pipedrive_mock.v2_url + "/activities/1", headers=HEADERS).raise_for_status()
    assert gc.isenabled() is {collecting}

def test_in_process(pipedrive_mock_app):
    assert gc.isenabled() is {collecting}
""")
    finally:
        gc.enable()
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("frozen", [False, True])
def test_plugin_start_keeps_a_users_garbage_collectable_and_frozen_objects_frozen(pytester: pytest.Pytester,
                                                                                  frozen: bool) -> None:
    # What the start made is moved to the collector's oldest generation (heap.promote): a garbage cycle
    # the session made before is still collected by the next full collection, and what the user froze
    # out of the collector (gc.freeze) stays frozen (the frozen count itself falls as frozen objects die).
    pytester.makeconftest(f"""
import gc, weakref

class Node:
    pass

def pytest_configure(config):
    node = Node()
    node.itself = node
    config.cycle = weakref.ref(node)
    del node
    config.kept = [Node]  # frozen out of the collector when the session freezes its heap
    if {frozen}:
        gc.freeze()
""")
    try:
        result = run(pytester, f"""
import gc

def test_first(pipedrive_mock, pytestconfig):
    requests.get(pipedrive_mock.v2_url + "/activities/1", headers=HEADERS).raise_for_status()
    frozen = {frozen}
    tracked = {{id(o) for o in gc.get_objects()}}  # every generation but the frozen objects
    assert (id(pytestconfig.kept) not in tracked) is frozen
    if not frozen:
        gc.collect()
        assert pytestconfig.cycle() is None
""")
    finally:
        gc.unfreeze()
    result.assert_outcomes(passed=1)
