"""Random draws made in C, for the seed (seed.py): a table of 256 values read at a random byte is a choice
with the shares the table gives; a table by a parent's position and a byte is a choice that depends on
another field; times are an hour's datetime plus a second's timedelta."""
from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

HOUR = 3600


def spread(items: Sequence[Any], slots: int = 256, rest: Any = None, size: int = 256) -> list[Any]:
    """A table of `size` values of a random byte: `slots` of them spread over `items` (each item gets
    `slots // len(items)` of them or one more), the others `rest`. `table[byte]` is a choice made in C
    (a list: `list.__getitem__` is a method, two to three times as fast as a tuple's slot wrapper)."""
    k, table = len(items), []
    for j, item in enumerate(items):  # value i is item i * k // slots: item j from ceil(j * slots / k) on
        table += [item] * (-(-(j + 1) * slots // k) + (-j * slots // k))  # ceil((j+1)s/k) - ceil(js/k)
    return table + [rest] * (size - slots)


def flat(tables: Iterable[Sequence[Any]]) -> list[Any]:
    """Tables of 256 values each, end to end: the table at position p starts at p * 256."""
    flat = [value for table in tables for value in table]
    if len(flat) % 256:
        raise ValueError("each table of a field holds 256 values")
    return flat


# Where the low byte of a 16-bit value lies in memory (`pairs`).
_LOW = 0 if sys.byteorder == "little" else 1


def pairs(high: bytes, low: bytes) -> memoryview:
    """`high[i] * 256 + low[i]` for each i, as 16-bit values: the position of a parent's table and a
    random byte in it, made in C (a record's parent position and its byte interleaved in one buffer)."""
    pairs = bytearray(2 * len(low))
    pairs[_LOW::2], pairs[1 - _LOW::2] = low, high
    return memoryview(pairs).cast("H")


def share(p: float) -> int:
    """How many of a byte's 256 values stand for something that happens with probability `p`."""
    return round(p * 256)


class Hours(dict[int, datetime]):
    """The datetime (UTC) of each whole hour since the epoch, made on first use."""

    def __missing__(self, hour: int) -> datetime:
        made = self[hour] = datetime.fromtimestamp(hour * HOUR, timezone.utc)
        return made


@cache
def second_deltas() -> tuple[timedelta, ...]:
    """The timedelta of each second of an hour: a time is its hour's datetime plus one of these, a
    tenth of the cost of `datetime.fromtimestamp`."""
    return tuple(timedelta(seconds=s) for s in range(HOUR))
