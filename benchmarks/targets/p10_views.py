"""P10: a query on the hybrid view over 100 runs' Parquet outputs: within 1.3x of raw
DuckDB ``read_parquet`` over the same files.

Setup: 100 runs each log one Parquet output under the key ``trip``
(``consist.log_dataframe``, no ingestion), then the view ``v_trip`` is built. Each
query runs on the view (through the provenance database) and on
``read_parquet([the 100 files])`` in a plain in-memory DuckDB, round-robin.

Example::

    .venv/bin/python benchmarks/run.py --only P10
"""

from __future__ import annotations

import time
from pathlib import Path

from harness.context import Context, Unavailable, ours_api
from harness.row import Row, context_only, make_row, skip_row, time_at_most
from harness.timing import time_interleaved

ID = "P10"
TITLE = "query a view over 100 runs' Parquet outputs"
PAGE_CACHE = "warm (files written just before; one untimed round first)"
RUNS = 100
ROWS_PER_RUN, ROWS_PER_RUN_QUICK = 100_000, 10_000
QUERIES = {
    "count + sum": "SELECT count(*), sum(x) FROM {src}",
    "GROUP BY grp": "SELECT grp, count(*), avg(x) FROM {src} GROUP BY grp",
    "GROUP BY s": "SELECT s, count(*), sum(y) FROM {src} GROUP BY s",
}


def run(ctx: Context) -> list[Row]:
    """View queries against the same queries on raw ``read_parquet``."""
    try:
        ours_api("consist", "Tracker", "log_dataframe")
    except Unavailable as exc:
        return [
            skip_row(
                ID, "view query", anchor="raw read_parquet", goal=time_at_most(1.3), reason=str(exc)
            )
        ]
    import duckdb

    per_run = ROWS_PER_RUN_QUICK if ctx.quick else ROWS_PER_RUN
    tracker, files, build_s = _setup(ctx.scratch("p10-ours"), per_run)
    raw_con = duckdb.connect()
    listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    raw_src = f"read_parquet({listed})"
    db = tracker.db
    rows: list[Row] = []
    label = f"{RUNS} runs x {per_run:,} rows"

    def on_view(sql: str):
        def once() -> None:
            with db.session() as con:
                con.execute(sql.format(src="v_trip")).fetchall()

        return once

    def on_raw(sql: str):
        return lambda: raw_con.execute(sql.format(src=raw_src)).fetchall()

    for name, sql in QUERIES.items():
        timing = time_interleaved(
            {"view": on_view(sql), "raw": on_raw(sql)}, reps=ctx.reps, warmup=ctx.warmup
        )
        rows.append(
            make_row(
                ID,
                f"{name} on v_trip ({label})",
                ours=timing["view"].median,
                anchor="raw read_parquet",
                anchor_value=timing["raw"].median,
                goal=time_at_most(1.3),
            )
        )
    by_run = time_interleaved(
        {
            "view": on_view("SELECT consist_run_id, sum(x) FROM {src} GROUP BY 1"),
            "raw": lambda: raw_con.execute(
                f"SELECT filename, sum(x) FROM read_parquet({listed}, filename = true) GROUP BY 1"
            ).fetchall(),
        },
        reps=ctx.reps,
        warmup=ctx.warmup,
    )
    rows.append(
        make_row(
            ID,
            "sum per run (view: consist_run_id; raw: filename)",
            ours=by_run["view"].median,
            anchor="raw read_parquet + filename",
            anchor_value=by_run["raw"].median,
            goal=context_only(ratio="time"),
            note=f"view rebuild on access, {RUNS} artifacts: {build_s * 1000:.1f} ms",
        )
    )
    raw_con.close()
    tracker.close()
    return rows


def _setup(base: Path, per_run: int):
    """100 runs, one Parquet output each; return (tracker, file paths, view build seconds)."""
    import consist
    from anchors.dataframe_ingest import make_frame, make_project
    from consist.data.view_registry import registry_for

    make_project(base)
    tracker = consist.Tracker(
        run_dir=base / "runs", db_path=str(base / "provenance.duckdb"), project_root=str(base)
    )
    frame = make_frame(per_run, "arrow")
    files = []
    for i in range(RUNS):
        with tracker.start_run(f"sim_{i:03d}", model="sim", year=2020 + i % 5):
            artifact = consist.log_dataframe(frame, key="trip", tracker=tracker)
        files.append(str(artifact.path))
    registry = registry_for(tracker)
    registry["trip"]  # builds v_trip over the 100 files (first build reads their footers)
    start = time.perf_counter()
    registry["trip"]  # what every later access costs: list artifacts, stat files, CREATE VIEW
    return tracker, files, time.perf_counter() - start
