"""2. List latency as the store grows: first page and a deep cursor, in-process through the whole pipeline.

Each timed request renders its page anew (the rendered-page cache is emptied before it), so this measures
the keyset walk; a page served again unchanged is timed on its own row."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from flask.testing import FlaskClient

from pipedrive_mock import ADMIN_TOKEN, Store, create_app
from pipedrive_mock.company import Company
from pipedrive_mock.pagination import encode_v2

from .report import fmt, heading, ratio, table

SIZES = (1_000, 10_000, 100_000, 1_000_000)
REPEATS = 30
LIMIT = 100
DEEP_FRACTION = 0.9
QUERY = f"/api/v2/activities?limit={LIMIT}&sort_by=update_time&sort_direction=desc"
OWNER_ID = 1
QUERIES = {"all": QUERY, "owner_id=1": f"{QUERY}&owner_id={OWNER_ID}"}

PAGES = ("first page", "deep page")
HEADERS = {"x-api-token": ADMIN_TOKEN}
Latencies = dict[tuple[str, str, int], float]  # (query, page, size) -> ms


@dataclass(frozen=True)
class Probe:
    client: FlaskClient
    path: str
    company: Company
    cached: bool = False

    def prime(self) -> None:
        """The first render of these records, not timed."""
        response = self.client.get(self.path, headers=HEADERS)
        assert response.status_code == 200, response.data

    def seconds(self) -> float:
        if not self.cached:
            self.company.forget_pages()
        started = time.perf_counter()
        self.client.get(self.path, headers=HEADERS)
        return time.perf_counter() - started


def deep_cursor(store: Store, owner_id: int | None) -> str:
    """The cursor a client holds ~90% of the way through the list, made as the API makes it; nearer the
    start when fewer than a full page would follow (with owner_id at 1,000, 90% leaves 50), so that every
    size is timed on a page of 100."""
    company = store.company(1)
    walked = [a for a in company.walk("update_time", True, None) if owner_id is None or a.owner_id == owner_id]
    last = walked[min(int(len(walked) * DEEP_FRACTION), len(walked) - LIMIT - 1)]
    return encode_v2("update_time", last.update_time.strftime("%Y-%m-%dT%H:%M:%SZ"), "desc", last.id)


def run() -> Latencies:
    heading(f"2. List latency by store size, ms (in-process, median of {REPEATS} interleaved, limit=100, "
            f"sort_by=update_time desc; deep = cursor {DEEP_FRACTION:.0%} of the way through)")
    # Every size's store is built first, then the probes run interleaved, size after size in each
    # round: load from elsewhere on the machine then hits every size alike (about 2 GB in all).
    probes: dict[tuple[str, str, int], Probe] = {}
    for size in SIZES:
        store = Store.default(activities=size)
        client = create_app(store).test_client()
        company = store.company(1)
        for name, path in QUERIES.items():
            cursor = deep_cursor(store, OWNER_ID if "owner_id" in name else None)
            probes[(name, "first page", size)] = Probe(client, path, company)
            probes[(name, "deep page", size)] = Probe(client, f"{path}&cursor={cursor}", company)
        probes[("all", "first page served again", size)] = Probe(client, QUERY, company, cached=True)
    for probe in probes.values():
        probe.prime()
    times: dict[tuple[str, str, int], list[float]] = {key: [] for key in probes}
    for _ in range(REPEATS):
        for key, probe in probes.items():
            times[key].append(probe.seconds())
    latencies: Latencies = {key: statistics.median(values) * 1000 for key, values in times.items()}
    rows = [[f"{name}, {page}", *(fmt(latencies[(name, page, size)], 3) for size in SIZES),
             fmt(ratio(latencies[(name, page, SIZES[-1])], latencies[(name, page, SIZES[0])]))]
            for name, page in [*((n, p) for n in QUERIES for p in PAGES), ("all", "first page served again")]]
    table(["query", *(f"{size:,}" for size in SIZES), f"{SIZES[-1]:,}/{SIZES[0]:,}"], rows)
    return latencies
