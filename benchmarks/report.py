"""Figures, ratios and targets, printed as plain aligned tables."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One target of the issue: `value` compared with `limit` by `holds`."""
    name: str
    value: float | None
    limit: float
    unit: str
    holds: Callable[[float, float], bool]
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "not measured"
        return "held" if self.holds(self.value, self.limit) else "NOT held"


def at_least(value: float, limit: float) -> bool:
    return value >= limit


def at_most(value: float, limit: float) -> bool:
    return value <= limit


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return value / baseline


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def heading(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(flush=True)


def print_targets(targets: list[Target]) -> int:
    """The targets table; returns how many were not held."""
    heading("Targets")
    rows = [[t.name, f"{fmt(t.value)} {t.unit}".strip(), f"{'>=' if t.holds is at_least else '<='} "
             f"{fmt(t.limit)} {t.unit}".strip(), t.verdict, t.detail] for t in targets]
    table(["target", "measured", "required", "verdict", "from"], rows)
    missed = sum(t.verdict != "held" for t in targets)
    print(f"  {len(targets) - missed} of {len(targets)} targets held", flush=True)
    return missed
