"""The whole benchmark in one run: every figure, its ratio to a baseline measured alongside, and the targets.

    python -m benchmarks                 # everything (a few minutes)
    python -m benchmarks --only http     # one or more sections: http scale startup inprocess plugin suite statefile
                                         # dashboard webhooks
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from . import dashboard, inprocess, plugin, scale, startup, statefile, suite, throughput, webhooks  # noqa: E402
from .report import Target, at_least, at_most, print_targets, ratio  # noqa: E402

SECTIONS = ("http", "scale", "startup", "inprocess", "plugin", "suite", "statefile", "dashboard", "webhooks")
# Resident memory may move this much over the webhooks soak (allocator noise) and still be "not growing".
SOAK_GROWTH_MB = 5.0


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()} "
            f"{platform.release()}, load average {load:.2f} at start")


def _http_targets(rates: throughput.Rates) -> list[Target]:
    def rate(server: str, scenario: str) -> float | None:
        result = rates.get((server, scenario))
        return result.requests_per_second if result else None
    mock, floor, peer = throughput.MOCK, throughput.FLOOR, throughput.PEER
    get_one, listing = "get-one", "list (100 items)"
    targets = [
        Target("get-one throughput vs Prism", ratio(rate(mock, get_one), rate(peer, get_one)), 2.0, "x", at_least,
               "1. HTTP"),
        Target("get-one throughput vs bare-Flask floor", ratio(rate(mock, get_one), rate(floor, get_one)), 0.75, "x",
               at_least, "1. HTTP"),
        Target("list (100) throughput vs floor", ratio(rate(mock, listing), rate(floor, listing)), 0.75, "x",
               at_least, "1. HTTP"),
    ]
    for write in ("add", "update", "delete"):
        targets += [
            Target(f"{write} throughput vs Prism", ratio(rate(mock, write), rate(peer, write)), 1.5, "x", at_least,
                   "1. HTTP"),
            Target(f"{write} throughput vs floor", ratio(rate(mock, write), rate(floor, write)), 0.5, "x", at_least,
                   "1. HTTP"),
        ]
    latency = rates.get((mock, get_one))
    targets += [
        Target("get-one p99 latency vs its median (16 connections)",
               ratio(latency.p99_ms, latency.p50_ms) if latency else None, 3.0, "x", at_most, "1. HTTP"),
        Target("get-one throughput, --access-log on vs off",
               ratio(rate(throughput.MOCK_ACCESS_LOG, get_one), rate(mock, get_one)), 0.9, "x", at_least, "1. HTTP"),
    ]
    return targets


def _scale_targets(latencies: scale.Latencies) -> list[Target]:
    small, large = scale.SIZES[0], scale.SIZES[-1]
    return [Target(f"list latency {large:,} vs {small:,} ({name}, {page})",
                   ratio(latencies[(name, page, large)], latencies[(name, page, small)]), 1.5, "x", at_most,
                   "2. scale")
            for name in scale.QUERIES for page in scale.PAGES]


def _startup_targets(figures: dict[str, float]) -> list[Target]:
    seeding = figures.get("seed 100000")
    return [
        Target("seeding in-process, 100,000 activities", 100_000 / seeding if seeding else None, 150_000,
               "/s", at_least, "3. startup"),
        Target("ready with 10,000 activities", figures.get("ready 10000"), 2.0, "s", at_most, "3. startup"),
        Target("ready with 100,000 activities", figures.get("ready 100000"), 10.0, "s", at_most, "3. startup"),
        Target("ready with 1,000,000 activities", figures.get("ready 1000000"), 15.0, "s", at_most, "3. startup"),
        Target("memory at 100,000 (after serving all)",
               max(figures.get("rss 100000", 0), figures.get("rss 100000 served", 0)) or None, 250, "MB",
               at_most, "3. startup"),
        Target("memory at 1,000,000 (after serving all)",
               max(figures.get("rss 1000000", 0), figures.get("rss 1000000 served", 0)) or None, 2048, "MB",
               at_most, "3. startup"),
    ]


def _suite_targets(seconds: dict[str, float | None]) -> list[Target]:
    return [Target("contract suite, quick profile, 2 workers", seconds.get("quick"), 15.0, "s", at_most,
                   "5. suite")]


def _statefile_targets(figures: dict[str, float]) -> list[Target]:
    return [Target(f"adds/s with --state-file vs without, {size:,} activities", figures.get(f"ratio {size}"),
                   0.5, "x", at_least, "6. state file") for size in statefile.SECTION_SIZES]


def _inprocess_targets(figures: dict[str, float]) -> list[Target]:
    return [
        Target("in-process request vs bare Flask", ratio(figures["mock us"], figures["bare us"]), 2.0, "x",
               at_most, "4. in-process"),
        Target("reset with 1,000 activities", figures["reset ms"], 2.0, "ms", at_most, "4. in-process"),
    ]


def _webhook_targets(figures: dict[str, object]) -> list[Target]:
    growth = figures.get("growth_mb")
    return [
        Target("add throughput with 3 webhooks (1 dead) vs none", figures.get("ratio"), 0.7, "x",  # type: ignore[arg-type]
               at_least, "7. webhooks"),
        Target("RSS growth over the 60 s dead-receiver soak", growth, SOAK_GROWTH_MB, "MB",  # type: ignore[arg-type]
               at_most, "7. webhooks"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="sections to run")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"Machine: {machine()}", flush=True)
    targets: list[Target] = []
    if "http" in args.only:
        targets += _http_targets(throughput.run())
    if "scale" in args.only:
        targets += _scale_targets(scale.run())
    if "startup" in args.only:
        targets += _startup_targets(startup.run())
    if "inprocess" in args.only:
        targets += _inprocess_targets(inprocess.run())
    if "plugin" in args.only:
        print("\n== 4b. The pytest plugin (benchmarks/plugin.py) ==", flush=True)
        figures = plugin.run()
        targets += [Target("plugin session start-up", figures["start ms"], plugin.START_TARGET_MS, "ms", at_most,
                           "4b. plugin"),
                    Target("plugin per-test reset, median", figures["reset ms"], plugin.RESET_TARGET_MS, "ms", at_most,
                           "4b. plugin")]
    if "suite" in args.only:
        targets += _suite_targets(suite.run())
    if "statefile" in args.only:
        targets += _statefile_targets(statefile.run())
    if "dashboard" in args.only:
        targets += dashboard.targets(dashboard.run())
    if "webhooks" in args.only:
        targets += _webhook_targets(webhooks.run())
    missed = print_targets(targets)
    print(f"  benchmark took {time.perf_counter() - started:.0f} s", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
