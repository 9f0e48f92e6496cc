"""The official Pipedrive Node client works against the served mock, changed only in its base path."""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .test_serve import START_TIMEOUT, start_server

NODE_DIR = Path(__file__).resolve().parent / "node"
INSTALL_TIMEOUT = 300


@pytest.fixture(scope="module")
def node_client() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed to run the official client")
    if not (NODE_DIR / "node_modules" / "pipedrive").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True,
                       timeout=INSTALL_TIMEOUT)
    return NODE_DIR / "client.js"


@pytest.fixture
def base_url() -> Iterator[str]:
    process, url, _ = start_server()
    try:
        yield url
    finally:
        process.kill()
        process.wait(START_TIMEOUT)


def test_official_node_client_adds_updates_pages_and_deletes(node_client: Path, base_url: str) -> None:
    result = subprocess.run(["node", str(node_client), base_url, "admin-token"], capture_output=True, text=True,
                            timeout=START_TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    added_id = seen["first"][0]
    assert seen["added"] == "Call from Node" and seen["more"] is False
    assert seen["done"] is True and seen["got"] is True and seen["deleted"] is True
    assert seen["first"] == [added_id, added_id - 1]
    assert seen["second"] == [added_id - 2, added_id - 3]
    assert seen["bad_limit_status"] == 400 and "'limit'" in seen["bad_limit_error"]
