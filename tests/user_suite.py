"""A user's test file, run by pytester the way a user runs it: for the tests of the pytest plugin."""
from __future__ import annotations

import pytest

# Imported here so pytester's in-process runs find them loaded and do not import them afresh each
# time (libyaml's C loader does not survive being imported twice in one process).
import pipedrive_mock.fixtures.handle
import pipedrive_mock.fixtures.session

HEADERS = 'HEADERS = {"x-api-token": "admin-token"}\n'


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user="import pytest\nimport requests\n" + HEADERS + source)
    return pytester.runpytest("-p", "no:randomly", *args)
