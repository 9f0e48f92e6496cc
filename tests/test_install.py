"""The installed package in a user's project: no import name of theirs is taken (README, "Install").

A project with its own `fixtures/` and `contracts/` packages, and testing-cabal's `fixtures` library
installed, runs the README's pytest example unchanged, plainly and on two xdist workers.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE_FILE = "test_pipedrive_client.py"

OWN_PACKAGES_TEST = '''
from pathlib import Path

import contracts
import fixtures
from fixtures import make_account


def test_the_project_keeps_its_own_packages():
    here = Path(__file__).resolve().parent
    assert Path(fixtures.__file__).resolve().parent == here / "fixtures"
    assert Path(contracts.__file__).resolve().parent == here / "contracts"
    assert make_account()["plan"] == contracts.PLAN
'''

CABAL_FIXTURES_TEST = '''
import fixtures


class Counter(fixtures.Fixture):
    def _setUp(self):
        self.count = 1


def test_testing_cabal_fixtures_still_work(pipedrive_mock):
    with Counter() as counter:
        assert counter.count == 1
    assert pipedrive_mock.url.startswith("http://127.0.0.1:")
'''


def readme_example() -> str:
    """The code block the README asks users to paste into test_pipedrive_client.py."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"Paste this into `{EXAMPLE_FILE}`:\s*```python\n(.*?)```", text, re.S)
    assert match, f"README.md has no ```python block after 'Paste this into `{EXAMPLE_FILE}`'"
    return match.group(1)


def example_tests() -> int:
    return len(re.findall(r"^def test_", readme_example(), re.M))


@pytest.fixture
def user_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.mkpydir("fixtures").joinpath("__init__.py").write_text(
        "def make_account():\n    return {'plan': 'growth'}\n")
    pytester.mkpydir("contracts").joinpath("__init__.py").write_text("PLAN = 'growth'\n")
    pytester.makepyfile(**{EXAMPLE_FILE[:-3]: readme_example(), "test_own_packages": OWN_PACKAGES_TEST})
    return pytester


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["plain", "xdist"])
def test_install_with_own_fixtures_and_contracts_packages_runs_the_readme_example(
        user_project: pytest.Pytester, workers: list[str]) -> None:
    result = user_project.runpytest_subprocess("-p", "no:cacheprovider", *workers)
    result.assert_outcomes(passed=example_tests() + 1)
    assert "Error while loading plugin" not in result.stderr.str()


def test_install_beside_testing_cabal_fixtures_keeps_both_usable(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_cabal=CABAL_FIXTURES_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
