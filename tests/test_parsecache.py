"""The parse cache of the specs (mockserver/parsecache.py): the spec's own parse, whatever the folder holds."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipedrive_mock import parsecache
from pipedrive_mock.contract import (CONTROL_SPEC_FILE, OAUTH_SPEC_FILE, SPEC_FILE, Contract, dereference,
                                     dereferenced_paths, load_spec, spec_text)

SPEC = b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"


class Parser:
    """yaml.safe_load, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: bytes) -> Any:
        self.calls += 1
        return yaml.safe_load(text)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(parsecache.ENV_VAR, str(folder))
    return folder


def test_parsecache_second_read_of_same_text_does_not_parse(cache_dir: Path) -> None:
    parse = Parser()
    first = parsecache.parsed(SPEC, "test", parse)
    second = parsecache.parsed(SPEC, "test", parse)
    assert first == second == yaml.safe_load(SPEC)
    assert parse.calls == 1
    assert len(list(cache_dir.iterdir())) == 1


def test_parsecache_edited_text_is_parsed_afresh(cache_dir: Path) -> None:
    parse = Parser()
    parsecache.parsed(SPEC, "test", parse)
    edited = SPEC.replace(b"version: '1'", b"version: '2'")
    assert parsecache.parsed(edited, "test", parse)["info"]["version"] == "2"
    assert parse.calls == 2


def test_parsecache_other_parser_label_is_parsed_afresh(cache_dir: Path) -> None:
    parse = Parser()
    parsecache.parsed(SPEC, "one", parse)
    parsecache.parsed(SPEC, "two", parse)
    assert parse.calls == 2


@pytest.mark.parametrize("garbage", [b"", b"\x00garbage", b"N"], ids=["empty", "not-marshal", "not-a-mapping"])
def test_parsecache_damaged_entry_falls_back_to_the_parse(cache_dir: Path, garbage: bytes) -> None:
    parsecache.parsed(SPEC, "test", Parser())
    (entry,) = cache_dir.iterdir()
    entry.write_bytes(garbage)
    parse = Parser()
    assert parsecache.parsed(SPEC, "test", parse) == yaml.safe_load(SPEC)
    assert parse.calls == 1


def test_parsecache_empty_env_var_turns_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parsecache.ENV_VAR, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parse = Parser()
    parsecache.parsed(SPEC, "test", parse)
    parsecache.parsed(SPEC, "test", parse)
    assert parse.calls == 2 and list(tmp_path.iterdir()) == []


def test_parsecache_unwritable_folder_still_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(parsecache.ENV_VAR, str(blocker / "cache"))
    assert parsecache.parsed(SPEC, "test", Parser()) == yaml.safe_load(SPEC)


def test_parsecache_value_marshal_cannot_hold_is_not_kept(cache_dir: Path) -> None:
    dated = b"when: 2025-05-01\n"  # a YAML date
    parse = Parser()
    assert str(parsecache.parsed(dated, "test", parse)["when"]) == "2025-05-01"
    assert not cache_dir.exists() or list(cache_dir.iterdir()) == []


def test_parsecache_contract_from_cache_equals_the_yaml(cache_dir: Path) -> None:
    load_spec.cache_clear()
    try:
        load_spec()  # written
        load_spec.cache_clear()
        assert load_spec() == yaml.load(spec_text(SPEC_FILE), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # read back
        assert len(list(cache_dir.iterdir())) == 1
    finally:
        load_spec.cache_clear()


@pytest.mark.parametrize("name", [SPEC_FILE, CONTROL_SPEC_FILE, OAUTH_SPEC_FILE])
def test_parsecache_dereferenced_paths_from_cache_equal_a_fresh_dereference(cache_dir: Path, name: str) -> None:
    document = load_spec(name)
    fresh = {path: dereference(item, document) for path, item in document["paths"].items()}
    assert dereferenced_paths(name) == fresh  # written
    kept = dereferenced_paths(name)  # read back: a copy of its own, not the one before
    assert kept == fresh and kept is not dereferenced_paths(name)
    assert any(entry.name.startswith(f"{Path(name).stem}-paths-") for entry in cache_dir.iterdir())
    by_name, by_document = Contract(name=name, costs=name != CONTROL_SPEC_FILE), Contract(
        document, costs=name != CONTROL_SPEC_FILE)
    assert [(op.operation_id, op.flask_rule, op.parameters, op.body_schema) for op in by_name] == [
        (op.operation_id, op.flask_rule, op.parameters, op.body_schema) for op in by_document]
