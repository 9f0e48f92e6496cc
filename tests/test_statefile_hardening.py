"""What is acknowledged survives, and what is refused did not happen: the state file's hard cases."""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipedrive_mock import ADMIN_TOKEN, Store, create_app
from pipedrive_mock.statefile import StateFile

HEADERS = {"x-api-token": ADMIN_TOKEN}


def _subjects(client: Any) -> list[str]:
    return [a["subject"] for a in client.get("/api/v2/activities?limit=500", headers=HEADERS).get_json()["data"]]


def test_write_that_cannot_be_saved_answers_500_and_did_not_happen(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.json"
    state_file = StateFile(path)
    store = Store.default(seed=1, activities=3)
    state_file.save(store)
    client = create_app(store, state_file=state_file).test_client()
    assert client.post("/api/v2/activities", json={"subject": "Saved"}, headers=HEADERS).status_code == 200

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", disk_full)
        refused = client.post("/api/v2/activities", json={"subject": "Not saved"}, headers=HEADERS)
        assert refused.status_code == 500 and "not applied" in refused.get_json()["error"]
        assert client.delete("/api/v2/activities/1", headers=HEADERS).status_code == 500
    assert "Not saved" not in _subjects(client) and "Saved" in _subjects(client)
    assert client.get("/api/v2/activities/1", headers=HEADERS).get_json()["data"]["is_deleted"] is False
    assert client.post("/api/v2/activities", json={"subject": "Later"}, headers=HEADERS).status_code == 200
    saved = [a["subject"] for c in StateFile(path).read()[0]["companies"] for a in c["activities"]]
    assert "Not saved" not in saved and {"Saved", "Later"} <= set(saved)


def test_start_removes_temporary_files_a_killed_save_left(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    StateFile(path).save(Store.default(seed=1, activities=2))
    leftover = tmp_path / ".state.json.k1ll3d.tmp"
    leftover.write_bytes(b'{"half": ')
    other = tmp_path / ".other.json.x.tmp"
    other.write_bytes(b"not ours")
    assert StateFile(path).load(Store.default(seed=1, activities=0))
    assert not leftover.exists() and other.exists()


def test_symlinked_state_file_keeps_its_link(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.json"
    real.parent.mkdir()
    link = tmp_path / "state.json"
    link.symlink_to(real)
    state_file = StateFile(link)
    store = Store.default(seed=1, activities=2)
    state_file.save(store)
    client = create_app(store, state_file=state_file).test_client()
    client.post("/api/v2/activities", json={"subject": "Through the link"}, headers=HEADERS)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "Through the link" in [a["subject"] for a in StateFile(real).read()[0]["companies"][0]["activities"]]
    assert (real.parent / "real.json.log.1").exists() and not (tmp_path / "state.json.log.1").exists()
    assert not list(tmp_path.glob(".*.tmp")) and not list(real.parent.glob(".*.tmp"))


def test_extremes_every_call_can_reach_round_trip_through_the_state_file(tmp_path: Path) -> None:
    from pipedrive_mock.limits import MAX_COMPANIES, MAX_ID, MAX_TOKEN_CHARS

    store = Store.default(seed=1, activities=2)
    client = create_app(store).test_client()
    document = orjson.loads(client.get("/_mock/snapshot").data)
    document["companies"][0]["next_id"] = MAX_ID
    assert client.put("/_mock/snapshot", json=document).status_code == 200
    assert client.post("/api/v2/activities", json={"subject": "Last"}, headers=HEADERS).get_json()["data"]["id"] == MAX_ID
    refused = client.post("/api/v2/activities", json={"subject": "Past"}, headers=HEADERS)
    assert refused.status_code == 400 and str(MAX_ID) in refused.get_json()["error"]
    for _ in range(MAX_COMPANIES - 1):
        assert client.post("/_mock/companies", json={"activities": 0}).status_code == 201
    over = client.post("/_mock/companies", json={"activities": 0})
    assert over.status_code == 400 and str(MAX_COMPANIES) in over.get_json()["error"]
    with pytest.raises(ValueError):
        store.add_user(store.company(1), "Long", "t" * (MAX_TOKEN_CHARS + 1))
    store.add_user(store.company(1), "Longest", "t" * MAX_TOKEN_CHARS)
    assert client.post("/_mock/clock", json={"now": "8999-06-01T00:00:00Z", "frozen": False}).status_code == 200
    path = tmp_path / "state.json"
    StateFile(path).save(store)
    restarted = Store.default(seed=1, activities=0)
    assert StateFile(path).load(restarted)
    assert len(list(restarted.companies())) == MAX_COMPANIES
    assert restarted.company(1).get(MAX_ID).subject == "Last" and restarted.clock.now().year == 8999
