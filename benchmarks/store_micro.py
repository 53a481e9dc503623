"""Store micro-benchmark: cost of one cache-hit bookkeeping round, and how it scales (P11).

One round = what the tracker does on a cache hit: signature lookup, read the
cached run's outputs, insert the new run row and link the two outputs to it
(one transaction), optionally preceded by the atomic JSON snapshot.

Rows (median and minimum over ``--reps`` rounds after a warm-up, page cache warm):
  kept-open      file attached across rounds (back-to-back runs)
  + snapshot     the same with the JSON snapshot written first (temp + fsync + rename)
  attach/detach  idle release after every round (``CONSIST_DB_IDLE_RELEASE_SECONDS=0``)
  connect/close  a fresh ``duckdb.connect(file)`` per round (Consist 0.3's pattern), lookup +
                 insert + links + close, for reference
Each at 100 runs and at 100,000 runs (two outputs per run) in the database.

Example::

    .venv/bin/python benchmarks/store_micro.py            # 100 and 100,000 runs
    .venv/bin/python benchmarks/store_micro.py --quick    # 100 and 10,000 runs, fewer reps
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from consist.models import ConsistRecord, Run
from consist.store import MetadataStore, open_database
from consist.store.snapshots import write_snapshot

SIGNATURE = "blake3:" + "5" * 64


def populate(path: Path, n_runs: int) -> None:
    """N completed runs with two output artifacts each; the last one has SIGNATURE."""
    db = open_database(path)
    with db.transaction() as con:
        con.execute(
            """
            INSERT INTO run (id, status, model_name, tags, signature, config_hash, input_hash,
                             git_hash, cache_hit, meta, started_at, ended_at, created_at)
            SELECT 'run_' || i, 'completed', 'model_' || (i % 20), ['bench'],
                   CASE WHEN i = ? - 1 THEN ? ELSE 'blake3:' || md5(i::VARCHAR) END,
                   'c', 'i', 'g', false, '{}',
                   TIMESTAMP '2030-01-01' + INTERVAL (i) SECOND,
                   TIMESTAMP '2030-01-01' + INTERVAL (i) SECOND,
                   TIMESTAMP '2030-01-01' + INTERVAL (i) SECOND
            FROM range(?) t(i)
            """,
            [n_runs, SIGNATURE, n_runs],
        )
        con.execute(
            """
            INSERT INTO artifact (id, key, container_uri, driver, hash, run_id, meta, created_at)
            SELECT 'art_' || i || '_' || j, 'out' || j, './run_' || i || '/out' || j || '.parquet',
                   'parquet', 'blake3:' || md5(i || '_' || j), 'run_' || i, '{}',
                   TIMESTAMP '2030-01-01' + INTERVAL (i) SECOND
            FROM range(?) t(i), range(2) u(j)
            """,
            [n_runs],
        )
        con.execute(
            """
            INSERT INTO run_artifact_link (run_id, artifact_id, direction, key)
            SELECT 'run_' || i, 'art_' || i || '_' || j, 'output', 'out' || j
            FROM range(?) t(i), range(2) u(j)
            """,
            [n_runs],
        )
    db.release()


def store_round(store: MetadataStore, i: int, run_dir: Path | None) -> None:
    cached = store.find_completed_run_by_signature(SIGNATURE)
    assert cached is not None
    outputs = store.get_artifacts_for_run(cached.id).outputs
    assert len(outputs) == 2
    hit = Run(
        id=f"hit_{i}",
        model_name=cached.model_name,
        status="completed",
        signature=SIGNATURE,
        cache_hit=True,
        meta={"cache_source": cached.id},
    )
    if run_dir is not None:
        write_snapshot(run_dir, ConsistRecord(run=hit, outputs=list(outputs.values())))
    store.record_cache_hit(hit, outputs)


def connect_round(path: Path, i: int) -> None:
    con = duckdb.connect(str(path))
    try:
        row = con.execute(
            "SELECT id FROM run WHERE signature = ? AND status = 'completed' "
            "ORDER BY created_at DESC LIMIT 1",
            [SIGNATURE],
        ).fetchone()
        links = con.execute(
            "SELECT artifact_id, key FROM run_artifact_link WHERE run_id = ?", [row[0]]
        ).fetchall()
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO run (id, status, model_name, signature, created_at) "
            "VALUES (?, 'completed', 'm', ?, now())",
            [f"conn_{i}", SIGNATURE],
        )
        for artifact_id, key in links:
            con.execute(
                "INSERT INTO run_artifact_link (run_id, artifact_id, direction, key) "
                "VALUES (?, ?, 'output', ?)",
                [f"conn_{i}", artifact_id, key],
            )
        con.execute("COMMIT")
    finally:
        con.close()


def timings_ms(fn: Callable[[int], None], reps: int, offset: int) -> tuple[float, float]:
    """(median, minimum) milliseconds; the minimum is the least disturbed by a busy machine."""
    for i in range(3):  # warm-up
        fn(offset + i)
    samples = []
    for i in range(reps):
        start = time.perf_counter()
        fn(offset + 100 + i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def measure(n_runs: int, reps: int, workdir: Path) -> dict[str, tuple[float, float]]:
    path = workdir / f"p{n_runs}.duckdb"
    populate(path, n_runs)
    run_dir = workdir / f"runs{n_runs}"
    results: dict[str, tuple[float, float]] = {}
    kept = MetadataStore(open_database(path, idle_release_seconds=5.0))
    results["kept-open"] = timings_ms(lambda i: store_round(kept, i, None), reps, 0)
    results["+ snapshot"] = timings_ms(lambda i: store_round(kept, i, run_dir), reps, 10_000)
    kept.db.release()
    kept.db.idle_release_seconds = 0
    results["attach/detach"] = timings_ms(lambda i: store_round(kept, i, None), reps, 20_000)
    kept.db.close()
    results["connect/close"] = timings_ms(lambda i: connect_round(path, i), reps, 30_000)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 runs instead of 100,000")
    parser.add_argument("--reps", type=int, default=None)
    args = parser.parse_args()
    reps = args.reps or (30 if args.quick else 100)
    sizes = (100, 10_000 if args.quick else 100_000)
    with tempfile.TemporaryDirectory(prefix="consist-store-bench-") as tmp:
        table = {n: measure(n, reps, Path(tmp)) for n in sizes}
    small, large = sizes
    print(f"cache-hit bookkeeping round, ms over {reps} rounds (duckdb {duckdb.__version__})")
    print(f"{'measure':<16}{'runs':>10}{'median':>10}{'min':>10}")
    for name in table[small]:
        for n in sizes:
            median, least = table[n][name]
            print(f"{name:<16}{n:>10,}{median:>10.2f}{least:>10.2f}")
    ratio = table[large]["kept-open"][0] / table[small]["kept-open"][0]
    print(f"P11 (kept-open median, {large:,} vs {small:,} runs): {ratio:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
