"""The parsed contracts, kept between processes: a start reads a file of marshalled data, not the YAML.

Parsing openapi.yaml and the control API's spec with libyaml takes about 50 ms of every start (each pytest
session that uses the plugin pays it); reading back what the parse gave, with `marshal`, takes 2 ms. An entry
is named by a hash of the spec's bytes, of the interpreter's marshal format and of a label of how it is parsed,
so an edited spec is parsed afresh and never meets an old entry: the parsed form is always the spec's own.

The entries live in `$PIPEDRIVE_MOCK_CACHE_DIR`, else `$XDG_CACHE_HOME/pipedrive-mock`, else
`~/.cache/pipedrive-mock`; `PIPEDRIVE_MOCK_CACHE_DIR=""` turns the cache off. Nothing here ever fails a
start: a folder that cannot be made, a file that cannot be read or written, or one that does not unmarshal
to a mapping, and the spec is parsed as if there were no cache. marshal (not pickle) runs no code when read,
and a document the parse gives with a value marshal cannot hold (a YAML date) is simply not kept.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV_VAR = "PIPEDRIVE_MOCK_CACHE_DIR"
FOLDER = "pipedrive-mock"
# marshal's format is the interpreter's own: an entry is only read by the Python that wrote it.
_FORMAT = f"{sys.implementation.cache_tag}-marshal{marshal.version}"


def folder() -> Path | None:
    """Where entries live; None when the cache is off."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / FOLDER


def parsed(text: bytes, parser: str, parse: Callable[[bytes], Any], label: str = "spec") -> Any:
    """`parse(text)`, from the cache when an earlier process kept it; `parser` labels how it parses."""
    where = folder()
    if where is None:
        return parse(text)
    digest = hashlib.sha256(b"\0".join((_FORMAT.encode(), parser.encode(), text))).hexdigest()[:32]
    entry = where / f"{label}-{digest}.marshal"
    try:
        document = marshal.loads(entry.read_bytes())
        if isinstance(document, dict):
            return document
    except (OSError, EOFError, ValueError, TypeError):
        pass
    document = parse(text)
    _keep(entry, document)
    return document


def _keep(entry: Path, document: Any) -> None:
    try:
        data = marshal.dumps(document)
    except ValueError:  # a value marshal cannot hold
        return
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, entry)  # whole or not at all, whoever else writes the same entry
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
