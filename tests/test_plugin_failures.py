"""How the plugin fails a user's test, through files run by pytester: a request the contract does not allow
fails the test with the request shown (a warning with strict=False), an error inside the mock fails the test
that caused it, and a failing test's report carries the mock's calls."""
from __future__ import annotations

import pytest

from user_suite import run

pytest_plugins = ["pytester"]


@pytest.mark.parametrize("body, problem", [
    ('{"subject": "Call", "colour": "red"}', "Unknown field 'colour' in the request body"),
    ('{"subject": "Call", "done": 1}', "Invalid value for field 'done': 1 is not of type \"boolean\""),
])
def test_plugin_client_body_breaking_contract_fails_test_with_request_shown(
        pytester: pytest.Pytester, body: str, problem: str) -> None:
    result = run(pytester, f"""
def test_client(pipedrive_mock):
    requests.post(pipedrive_mock.v2_url + "/activities", json={body}, headers=HEADERS)
""")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "The client sent 1 request that openapi.yaml does not allow:",
        "POST /api/v2/activities -> 400",
        f"  body: {body}",
        "  token: adm***",
        f"  contract: {problem}",
    ])
    assert "admin-token" not in result.stdout.str()


def test_plugin_not_strict_warns_instead_of_failing(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
@pytest.mark.pipedrive_mock(strict=False)
def test_client(pipedrive_mock):
    requests.get(pipedrive_mock.v2_url + "/activities", params={"limit": "lots"}, headers=HEADERS)

def test_client_sets_strict(pipedrive_mock):
    pipedrive_mock.strict = False
    requests.get(pipedrive_mock.url + "/api/v2/activitiez", headers=HEADERS)
""")
    result.assert_outcomes(passed=2, warnings=2)
    result.stdout.fnmatch_lines(["*PipedriveContractWarning*", "*'lots' is not an integer*",
                                 "*No operation of the contract matches GET /api/v2/activitiez*"])


def test_plugin_error_inside_server_fails_the_test_that_caused_it(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
from pipedrive_mock.resources.activities import listing

def test_client(pipedrive_mock, monkeypatch):
    def broken(*args):
        raise RuntimeError("the store broke")
    monkeypatch.setattr(listing, "list_v2", broken)
    assert requests.get(pipedrive_mock.v2_url + "/activities", headers=HEADERS).status_code == 500

def test_next_is_clean(pipedrive_mock):
    assert requests.get(pipedrive_mock.v2_url + "/activities", headers=HEADERS).status_code == 200
""")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*The Pipedrive mock raised 1 unexpected error while serving:",
                                 "GET /api/v2/activities -> 500", "*RuntimeError: the store broke"])


def test_plugin_failing_test_gets_the_mock_problems_in_its_report(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_client(pipedrive_mock):
    response = requests.patch(pipedrive_mock.v2_url + "/activities/1", json={"due_date": "soon"},
                              headers=HEADERS)
    assert response.status_code == 200
""")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Captured pipedrive_mock call*", "PATCH /api/v2/activities/1 -> 400",
                                 "  contract: Invalid value for field 'due_date'*"])
