"""Many clients at once over real HTTP: the short version of benchmarks/soak.py."""
from __future__ import annotations

from benchmarks.clients import WEIGHTS
from benchmarks.soak import mock_server, run_workload

SECONDS = 2.0
THREADS = 6
MAX_OPERATIONS = 3000


def test_concurrent_clients_over_http_lose_no_write_and_page_consistently() -> None:
    with mock_server(activities=50, threads=4) as url:
        assert url.startswith("http://127.0.0.1:")
        report = run_workload(url, SECONDS, THREADS, MAX_OPERATIONS)
    assert report.errors == [] and report.error_count == 0
    assert report.duplicate_ids == 0
    assert report.walk_violations == []
    assert report.lost == [] and report.lost_writes == 0
    assert set(report.by_kind) == set(WEIGHTS), report.summary()  # every kind of call really ran
