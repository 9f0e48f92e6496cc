"""Times in and out: the one validated way a text becomes an instant, and an instant becomes text.

Every time the mock reads (query parameters, cursors, the clock control, snapshots and state files)
goes through `parse` or `parse_v1`: a text that is not a date-time of the accepted form, or whose
instant cannot be represented once moved to UTC, is a 400 naming where it came from, never an
exception further in. The mock's own clock is kept to `CLOCK_EARLIEST`..`CLOCK_LATEST`
(`check_clock`), so that every date it derives from its now (seeded data, due dates, the 30-day
purge, a rate-limit day) stays representable.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from .errors import BadRequest

# RFC 3339 section 5.6 (`T` and `Z` may be lowercase, section 5.6 NOTE); a fraction of any length.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
_FRACTION = re.compile(r"(\.\d{6})\d+")
# Pipedrive v1's date-time form (facts page, "v1 collection"), always UTC; v1 `since`/`until` also take
# ISO 8601 as users send it: `T` (either case) with `Z` (either case), an offset or neither (UTC), a
# fraction of a second, or a date alone (its midnight UTC). README, "Fidelity notes".
V1_FORMAT = "%Y-%m-%d %H:%M:%S"
_V1 = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?")
EXAMPLE = "2030-01-01T00:00:00Z"
V1_EXAMPLE = "2022-11-01 08:55:59"

CLOCK_EARLIEST = 0.0
CLOCK_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc).timestamp()
# An offset from wall time that keeps the clock in its range from any wall time in that range.
CLOCK_MAX_OFFSET = CLOCK_LATEST - CLOCK_EARLIEST


def _invalid(where: str, value: object, why: str) -> BadRequest:
    shown = value if not isinstance(value, str) or len(value) <= 60 else value[:60] + "..."
    return BadRequest(f"Invalid value for {where}: {shown!r} {why}")


def parse(value: object, where: str) -> datetime:
    """An RFC 3339 date-time as an aware datetime in UTC; `where` names it in the 400, e.g.
    "parameter 'updated_since'" or "field 'now'"."""
    if not isinstance(value, str) or _RFC3339.fullmatch(value) is None:
        raise _invalid(where, value, f"is not an RFC 3339 date-time like {EXAMPLE}")
    text = _FRACTION.sub(r"\1", value.upper().replace("Z", "+00:00"))  # microseconds at most
    try:
        return datetime.fromisoformat(text).astimezone(timezone.utc)
    except ValueError:
        raise _invalid(where, value, "is not a calendar date and time") from None
    except OverflowError:
        raise _invalid(where, value, "is outside the years 0001 to 9999 once in UTC") from None


def seconds(value: object, where: str) -> float:
    """`parse`, as seconds since 1970 (negative before)."""
    return parse(value, where).timestamp()


def parse_v1(value: object, where: str) -> datetime:
    """A v1 date-time (`YYYY-MM-DD HH:MM:SS`, UTC, or the ISO 8601 forms above) as an aware datetime in UTC."""
    if not isinstance(value, str) or _V1.fullmatch(value) is None:
        raise _invalid(where, value, f"is not a date-time like {V1_EXAMPLE}, {EXAMPLE} or a date like "
                                     f"{V1_EXAMPLE[:10]}")
    text = _FRACTION.sub(r"\1", value.upper().replace("Z", "+00:00"))  # microseconds at most
    try:
        parsed = datetime.fromisoformat(text)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except ValueError:
        raise _invalid(where, value, "is not a calendar date and time") from None
    except OverflowError:
        raise _invalid(where, value, "is outside the years 0001 to 9999 once in UTC") from None


def check_clock(value: float, where: str = "the clock") -> float:
    """`value` (seconds since 1970) when the mock's clock may show it; a 400 otherwise."""
    if not CLOCK_EARLIEST <= value <= CLOCK_LATEST:
        raise BadRequest(f"Invalid value for {where}: {value:.0f} seconds since 1970 is outside the mock "
                         f"clock's range, {format_seconds(CLOCK_EARLIEST)} to {format_seconds(CLOCK_LATEST)}")
    return value


def clock_instant(value: object, where: str) -> float:
    """An RFC 3339 text the clock may be set to, as seconds since 1970."""
    return check_clock(seconds(value, where), where)


def format(value: datetime) -> str:
    """RFC 3339 in UTC with a `Z`; a fraction of a second only when there is one."""
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def format_seconds(value: float) -> str:
    return format(datetime.fromtimestamp(value, timezone.utc))


def format_whole(value: datetime) -> str:
    """RFC 3339 in UTC to the second, as Pipedrive's v2 timestamps are."""
    return format(value.replace(microsecond=0))
