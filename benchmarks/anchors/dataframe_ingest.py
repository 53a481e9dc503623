"""P9 workload: log + ingest a 1M-row frame, written against the Consist 0.3 public API.

The same call runs on both interpreters: ``consist.log_dataframe(df, key=..., schema=Tbl,
tracker=...)`` inside ``tracker.start_run(...)`` writes the Parquet file, records the
artifact with its digest, and (schema given) ingests the rows into the database.
Only that call is timed (run begin/end belong to P5). The frame is the anchors'
table: id int64 (key), grp int32 (1,000 values), x uniform, y normal, s string
(``cat_<k>``, 10,000 values), generated from a fixed seed on both sides.

Modes::

    log      --base DIR --rows N --reps R [--kind pandas|arrow|polars]
             -> {"samples": [s...]}                       (either interpreter)
    compare  --base DIR --rows N --reps R --kind KIND     (ours only)
             -> {"ours": [s...], "raw": [s...], "ours_cpu": [s...], "raw_cpu": [s...]}
             interleaved: ours, raw, ours, raw, ...; *_cpu is the process CPU time (all
             threads) of the same timed calls, which a busy machine inflates less
    serve    --base DIR --rows N --kind KIND [--raw]      (either interpreter)
             one JSON request per stdin line, {"side": "ours"} (or "raw" with --raw),
             answered by one timed call: {"seconds": s, "cpu": s}. The harness keeps
             one worker per interpreter and alternates them, so a load spike on the
             shared machine hits ours, the raw floor and Consist 0.3.5 alike.

``raw`` is the floor the target compares with: convert the frame to Arrow (nothing
for Arrow input), ``pyarrow.parquet.write_table``, then ``duckdb.connect(file)`` +
``INSERT INTO t SELECT * FROM arrow`` + close, on a table that grows like ours.

Example::

    .venv/bin/python benchmarks/anchors/dataframe_ingest.py compare --base /tmp/p9 \
        --rows 1000000 --reps 5 --kind pandas
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import time
import warnings
from pathlib import Path
from typing import Optional

SEED = 20240611
DB_NAME = "provenance.duckdb"


def make_frame(rows: int, kind: str):
    """The anchors' 5-column table as a pandas, Arrow or Polars frame."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(SEED)
    categories = pa.array([f"cat_{k}" for k in range(10_000)])
    table = pa.table(
        {
            "id": np.arange(rows, dtype=np.int64),
            "grp": rng.integers(0, 1000, rows).astype(np.int32),
            "x": rng.random(rows),
            "y": rng.normal(size=rows),
            "s": categories.take(pa.array(rng.integers(0, 10_000, rows))),
        }
    )
    if kind == "arrow":
        return table
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table.to_pandas()


def schema_class():
    """The SQLModel schema of the table (id is the primary key)."""
    from sqlmodel import Field, SQLModel

    class BenchRow(SQLModel, table=True):
        __tablename__ = "bench_rows"
        id: Optional[int] = Field(default=None, primary_key=True)  # noqa: UP045 (0.3 style)
        grp: int
        x: float
        y: float
        s: str

    return BenchRow


def make_project(base: Path) -> None:
    """A one-commit git repository: the default code identity (repo_git) needs one."""
    base.mkdir(parents=True, exist_ok=True)
    if (base / ".git").exists():
        return
    git = ["git", "-C", str(base), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "init", "-q", str(base)], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "bench"], check=True)


class OursSide:
    """A tracker and the timed call; one run per sample."""

    def __init__(self, base: Path, frame) -> None:
        from consist import Tracker

        make_project(base)
        self.frame = frame
        self.schema = schema_class()
        self.tracker = Tracker(
            run_dir=base / "runs", db_path=str(base / DB_NAME), project_root=str(base)
        )
        self.count = 0

    def __call__(self) -> tuple[float, float]:
        import consist

        self.count += 1
        with self.tracker.start_run(f"ingest_{self.count}", model="bench"):
            start, cpu = time.perf_counter(), _cpu_seconds()
            consist.log_dataframe(
                self.frame, key=f"rows_{self.count}", schema=self.schema, tracker=self.tracker
            )
            return time.perf_counter() - start, _cpu_seconds() - cpu


class RawSide:
    """The floor: Arrow conversion, Parquet write, DuckDB file insert."""

    def __init__(self, base: Path, frame) -> None:
        base.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.frame = frame
        self.count = 0

    def __call__(self) -> tuple[float, float]:
        import duckdb
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.count += 1
        start, cpu = time.perf_counter(), _cpu_seconds()
        frame = self.frame
        if isinstance(frame, pa.Table):
            table = frame
        elif type(frame).__module__.startswith("polars"):
            table = frame.to_arrow()
        else:
            table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, self.base / f"rows_{self.count}.parquet")
        con = duckdb.connect(str(self.base / "raw.duckdb"))
        try:
            con.register("incoming", table)
            con.execute("CREATE TABLE IF NOT EXISTS t AS SELECT * FROM incoming LIMIT 0")
            con.execute("INSERT INTO t SELECT * FROM incoming")
        finally:
            con.close()
        return time.perf_counter() - start, _cpu_seconds() - cpu


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def serve(args: argparse.Namespace) -> None:
    """Answer timed calls until stdin closes (see the ``serve`` mode above)."""
    import os
    import sys

    # Replies get the real stdout; anything the libraries print goes to stderr.
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    frame = make_frame(args.rows, args.kind)
    sides = {"ours": OursSide(args.base / "ours", frame)}
    if args.raw:
        sides["raw"] = RawSide(args.base / "raw", frame)
    for line in sys.stdin:
        elapsed, cpu_seconds = sides[json.loads(line)["side"]]()
        replies.write(json.dumps({"seconds": elapsed, "cpu": cpu_seconds}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["log", "compare", "serve"])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--kind", choices=["pandas", "arrow", "polars"], default="pandas")
    parser.add_argument("--raw", action="store_true", help="serve: also time the raw floor")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    if args.mode == "serve":
        serve(args)
        return
    frame = make_frame(args.rows, args.kind)
    sides = {"ours": OursSide(args.base / "ours", frame)}
    if args.mode == "compare":
        sides["raw"] = RawSide(args.base / "raw", frame)
    samples: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {f"{name}_cpu": [] for name in sides}
    for rep in range(args.warmup + args.reps):
        for name, side in sides.items():
            elapsed, cpu_seconds = side()
            if rep >= args.warmup:
                samples[name].append(elapsed)
                cpu[f"{name}_cpu"].append(cpu_seconds)
    report = {"samples": samples["ours"]} if args.mode == "log" else {**samples, **cpu}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
