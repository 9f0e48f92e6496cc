"""The plugin's options, as a user's test files run by pytester give them: the `pipedrive_mock` marker and
the ini settings choose the seed, the number of activities, a data file and the API profile for a test
(the next test is back to the default), and an unknown option or value is a usage error."""
from __future__ import annotations

import pytest

from user_suite import run

pytest_plugins = ["pytester"]


def test_plugin_marker_and_ini_change_the_seeded_data(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npipedrive_mock_activities = 7\n")
    result = run(pytester, """
def subjects(mock):
    return [a.subject for a in mock.store.activities()]

def test_default_from_ini(pipedrive_mock):
    assert len(pipedrive_mock.store.activities()) == 7
    pytest.seed_1 = subjects(pipedrive_mock)

@pytest.mark.pipedrive_mock(seed=2, activities=3)
def test_marker(pipedrive_mock):
    assert len(pipedrive_mock.store.activities()) == 3
    assert subjects(pipedrive_mock) != pytest.seed_1[:3]

def test_default_again(pipedrive_mock):
    assert subjects(pipedrive_mock) == pytest.seed_1
""")
    result.assert_outcomes(passed=3)


SEED_DATA = """
users:
  - {name: Ann Lee, admin: true, token: ann-token}
  - {name: Bob Stone}
activities:
  - {subject: From the file, owner_id: 2}
"""


def test_plugin_data_from_ini_and_marker_seeds_company_1(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", seed=SEED_DATA, other="activities:\n  - {subject: Other file}\n  - {subject: Two}\n")
    pytester.makeini("[pytest]\npipedrive_mock_data = seed.yaml\n")
    result = run(pytester, """
def subjects(mock, token):
    response = requests.get(mock.v2_url + "/activities", headers={"x-api-token": token})
    return [a["subject"] for a in response.json()["data"]]

def test_from_ini(pipedrive_mock):
    assert subjects(pipedrive_mock, "ann-token") == ["From the file"]
    assert [u.token for u in pipedrive_mock.store.users()] == ["ann-token", "bob-stone-token"]
    requests.post(pipedrive_mock.v2_url + "/activities", json={"subject": "Mine"}, headers={"x-api-token": "ann-token"})

@pytest.mark.pipedrive_mock(data="other.yaml")
def test_from_marker(pipedrive_mock):
    assert subjects(pipedrive_mock, "admin-token") == ["Other file", "Two"]

def test_ini_again(pipedrive_mock):
    assert subjects(pipedrive_mock, "ann-token") == ["From the file"]
""")
    result.assert_outcomes(passed=3)


def test_plugin_bad_data_file_names_path_and_problem(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", seed="activities:\n  - {subject: X, owner_id: 9}\n")
    pytester.makeini("[pytest]\npipedrive_mock_data = seed.yaml\n")
    result = run(pytester, "def test_one(pipedrive_mock):\n    pass\n")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*seed.yaml: activities[[]0[]].owner_id 9 is not a user (users: 1, 2)*"])


def test_plugin_marker_api_profile_current_and_unknown_fields_ignore(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
@pytest.mark.pipedrive_mock(api_profile="current")
def test_current(pipedrive_mock):
    added = requests.post(pipedrive_mock.v2_url + "/activities", json={"person_id": 3}, headers=HEADERS)
    assert added.status_code == 400 and "read-only" in added.json()["error"]
    assert requests.get(pipedrive_mock.v1_url + "/activities/collection", headers=HEADERS).status_code == 410
    assert requests.get(pipedrive_mock.url + "/_mock/health").json()["api_profile"] == "current"

def test_back_to_seed(pipedrive_mock):
    assert requests.get(pipedrive_mock.v1_url + "/activities/collection", headers=HEADERS).status_code == 200

@pytest.mark.pipedrive_mock(unknown_fields="ignore", strict=False)
def test_ignore_warns(pipedrive_mock):
    added = requests.post(pipedrive_mock.v2_url + "/activities", json={"subject": "x", "mood": 1}, headers=HEADERS)
    assert added.status_code == 200
    assert any("'mood'" in v for v in pipedrive_mock.requests.last.violations)

@pytest.mark.pipedrive_mock(unknown_fields="ignore")
def test_ignore_strict_still_fails_on_the_violation(pipedrive_mock):
    added = requests.post(pipedrive_mock.v2_url + "/activities", json={"subject": "x", "mood": 1}, headers=HEADERS)
    assert added.status_code == 200
""")
    result.assert_outcomes(passed=3, failed=1, warnings=1)
    result.stdout.fnmatch_lines(["*Unknown field 'mood'*"])


def test_plugin_ini_api_profile_applies_to_every_test(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npipedrive_mock_api_profile = current\n")
    result = run(pytester, """
def test_gone(pipedrive_mock):
    assert requests.get(pipedrive_mock.v1_url + "/activities/collection", headers=HEADERS).status_code == 410
""")
    result.assert_outcomes(passed=1)


def test_plugin_marker_with_unknown_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
@pytest.mark.pipedrive_mock(sed=2)
def test_client(pipedrive_mock):
    pass
""")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*takes only the keyword arguments seed, activities, data, strict, api_profile, "
                                 "unknown_fields; got sed*"])


def test_plugin_marker_unknown_api_profile_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
@pytest.mark.pipedrive_mock(api_profile="future")
def test_x(pipedrive_mock):
    pass
""")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*api_profile must be one of seed, current, got 'future'*"])
