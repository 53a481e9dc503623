"""The tracker workload, written against the Consist 0.3 public API; prints JSON.

The same script runs on the Consist 0.3.5 interpreter (the anchor side) and on ours
(the compatibility contract says 0.3 code runs unchanged), so both sides do exactly
the same work. Workload: a trivial function with one raw input, DuckDB metadata,
``tracker.run`` back to back in one process.

Modes::

    runs      --base DIR --input FILE --misses N --hits N
              -> {"miss": [s...], "hit": [s...], "init_s": s}
    construct --base DIR      (after ``runs`` created DIR/provenance.duckdb)
              -> {"import_s": s, "first_s": s, "again": [s...]}

Example::

    .bench/consist035/bin/python benchmarks/anchors/tracker_workload.py runs \
        --base /tmp/w --input .bench/data/tiny_input_4KiB.bin --misses 20 --hits 20
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

DB_NAME = "provenance.duckdb"


def _tracker(base: Path):
    from consist import Tracker

    return Tracker(run_dir=base / "runs", db_path=str(base / DB_NAME), project_root=str(base))


def run_workload(base: Path, input_path: Path, misses: int, hits: int) -> dict[str, object]:
    """Time ``misses`` cache misses (new config each), then ``hits`` hits of one config."""
    from consist import ExecutionOptions

    base.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    tracker = _tracker(base)
    init_s = time.perf_counter() - start
    out_dir = base / "fn_out"
    out_dir.mkdir(exist_ok=True)
    calls = {"n": 0}

    def trivial_step(raw: Path) -> dict[str, Path]:
        calls["n"] += 1
        out = out_dir / f"out_{calls['n']}.txt"
        out.write_text("x")
        return {"out": out}

    options = ExecutionOptions(input_binding="paths")

    def one(config: dict[str, int], expect_hit: bool) -> float:
        t0 = time.perf_counter()
        result = tracker.run(
            fn=trivial_step,
            inputs={"raw": input_path},
            config=config,
            outputs=["out"],
            execution_options=options,
        )
        elapsed = time.perf_counter() - t0
        if bool(result.cache_hit) != expect_hit:
            raise SystemExit(f"expected cache_hit={expect_hit} for config {config}")
        return elapsed

    miss = [one({"x": 1000 + i}, expect_hit=False) for i in range(misses)]
    one({"x": -1}, expect_hit=False)  # prime the hit
    hit = [one({"x": -1}, expect_hit=True) for _ in range(hits)]
    return {"miss": miss, "hit": hit, "init_s": init_s}


def construct(base: Path, again: int) -> dict[str, object]:
    """Time ``Tracker()`` on an existing DB: first in this process, then ``again`` more."""
    if not (base / DB_NAME).exists():
        raise SystemExit(f"no database at {base / DB_NAME}: run the 'runs' mode first")
    t0 = time.perf_counter()
    import consist  # noqa: F401  (import is timed separately from construction)

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    _tracker(base)
    first_s = time.perf_counter() - t0
    repeats = []
    for _ in range(again):
        t0 = time.perf_counter()
        _tracker(base)
        repeats.append(time.perf_counter() - t0)
    return {"import_s": import_s, "first_s": first_s, "again": repeats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    runs = sub.add_parser("runs")
    runs.add_argument("--base", type=Path, required=True)
    runs.add_argument("--input", type=Path, required=True)
    runs.add_argument("--misses", type=int, default=20)
    runs.add_argument("--hits", type=int, default=20)
    cons = sub.add_parser("construct")
    cons.add_argument("--base", type=Path, required=True)
    cons.add_argument("--again", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.mode == "runs":
        report = run_workload(args.base, args.input.resolve(), args.misses, args.hits)
    else:
        report = construct(args.base, args.again)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
