"""The state file's log on disk: its segments' names and its records' lines, read back and checked.

A record is one line, `CRC SEQ JSON`: SEQ counts up by one across the segments, CRC is the CRC-32 of
`SEQ JSON` in 8 hex digits. A last line without its newline is a record a kill cut short (never
acknowledged): reading leaves it out. Any other line that does not check is corruption, told with the
file and the line. The log that writes them is statelog.py.
"""
from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from pathlib import Path


class LogCorrupt(Exception):
    """A line of a segment is not a record the log wrote."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path} line {line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


def segment_paths(target: Path) -> list[tuple[int, Path]]:
    """The log's segments beside `target`, in their order."""
    found = []
    prefix = f"{target.name}.log."
    for path in target.parent.glob(f"{target.name}.log.*"):
        number = path.name[len(prefix):]
        if number.isdigit():
            found.append((int(number), path))
    return sorted(found)


def segment_path(target: Path, number: int) -> Path:
    return target.with_name(f"{target.name}.log.{number}")


def line_of(seq: int, payload: bytes) -> bytes:
    body = b"%d %b" % (seq, payload)
    return b"%08x %b\n" % (zlib.crc32(body), body)


def records(path: Path, limit: int | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(line number, seq, JSON) of each whole record of the segment at `path` (its first `limit` bytes).
    A last line cut short is left out; raises LogCorrupt at any other line that does not check."""
    data = path.read_bytes()
    if limit is not None:
        data = data[:limit]
    lines = data.split(b"\n")
    lines.pop()  # what follows the last newline: nothing, or a record cut short
    for number, line in enumerate(lines, 1):
        crc, _, body = line.partition(b" ")
        seq, _, payload = body.partition(b" ")
        if len(crc) != 8 or not payload or not seq.isdigit():
            raise LogCorrupt(path, number, "not a record of the state file's log")
        try:
            expected = int(crc, 16)
        except ValueError:
            raise LogCorrupt(path, number, "not a record of the state file's log") from None
        if zlib.crc32(body) != expected:
            raise LogCorrupt(path, number, "the record does not match its checksum (the file was changed or damaged)")
        yield number, int(seq), payload


def fsync_directory(directory: Path) -> None:
    """Make a rename, a new file or a removal in `directory` durable (POSIX); skipped where a directory
    cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
