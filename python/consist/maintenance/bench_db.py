"""Database side of ``consist bench``: open latency and the cost of recording one run.

Everything goes through the store (``open_database`` / ``MetadataStore``),
so the numbers are what a Tracker pays. The user's database, if given, is
only opened read-only; writes go to a scratch database.

Example:
    >>> import tempfile, pathlib
    >>> rows = measure_database(pathlib.Path(tempfile.mkdtemp()), None, repeats=1)
    >>> rows[0].unit
    'ms'
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from consist.maintenance.bench import BenchRow

__all__ = ["measure_database"]


def _median_ms(func: Callable[[], Any], count: int) -> float:
    func()
    samples = []
    for _ in range(max(1, count)):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def _open_query_release(path: Path, count: int) -> float:
    # idle_release_seconds=0: every session attaches, queries and detaches the file,
    # which is what a short-lived process (or one after an idle pause) pays.
    from consist.store import MetadataStore, open_database

    db = open_database(path, read_only=True)
    previous = db.idle_release_seconds
    db.idle_release_seconds = 0
    try:
        return _median_ms(lambda: MetadataStore(db).count_runs(), count)
    finally:
        db.idle_release_seconds = previous
        db.release()


def _record_one_run(store: Any, counter: list[int]) -> None:
    from consist.models import Artifact, Run

    counter[0] += 1
    n = counter[0]
    run = Run(id=f"bench_{n}", model_name="bench", signature=f"blake3:{n:064x}")
    store.insert_run(run)
    run.status = "completed"
    inp = Artifact(key="input", container_uri=f"./in_{n}.csv", driver="csv", hash="blake3:00")
    out = Artifact(key="output", container_uri=f"./out_{n}.csv", driver="csv", run_id=run.id)
    store.finish_run(run, inputs={"input": inp}, outputs={"output": out})


def measure_database(scratch: Path, user_db: Path | None, repeats: int) -> list[BenchRow]:
    """Rows: open+query of the user's DB, scratch open, one-run write (kept open / reopened),
    and a cache lookup by signature."""
    from consist.store import MetadataStore, open_database

    rows: list[BenchRow] = []
    count = max(5, repeats * 4)
    if user_db is not None:
        rows.append(
            BenchRow(
                "open + query + release (your database)",
                _open_query_release(user_db, count),
                "ms",
                note=str(user_db),
            )
        )
    path = scratch / "bench.duckdb"
    start = time.perf_counter()
    store = MetadataStore(open_database(path, idle_release_seconds=60))
    store.count_runs()
    rows.append(BenchRow("create + open a new database", (time.perf_counter() - start) * 1e3, "ms"))
    counter = [0]
    kept = _median_ms(lambda: _record_one_run(store, counter), count)
    rows.append(BenchRow("record one run (connection kept open)", kept, "ms"))
    store.db.idle_release_seconds = 0
    reopened = _median_ms(lambda: _record_one_run(store, counter), count)
    rows.append(
        BenchRow(
            "record one run (open and release each time)",
            reopened,
            "ms",
            "connection kept open",
            kept,
        )
    )
    store.db.idle_release_seconds = 60
    target = f"blake3:{1:064x}"
    lookup = _median_ms(lambda: store.find_completed_run_by_signature(target), count)
    rows.append(BenchRow("cache lookup by signature", lookup, "ms", note=f"{counter[0]} runs"))
    store.db.close()
    return rows
