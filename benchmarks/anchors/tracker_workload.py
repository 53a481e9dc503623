"""The tracker workload, written against the Consist 0.3 public API; prints JSON.

The same script runs on the Consist 0.3.5 interpreter (the anchor side) and on ours
(the compatibility contract says 0.3 code runs unchanged), so both sides do exactly
the same work. Workload: a trivial function with one raw input, DuckDB metadata,
``tracker.run`` back to back in one process.

Modes::

    runs      --base DIR --input FILE --misses N --hits N
              -> {"miss": [s...], "hit": [s...], "init_s": s}
    serve     --base DIR --input FILE      one request per stdin line:
              {"op": "miss"} or {"op": "hit"} -> {"seconds": s, "cache_hit": bool}
              (the harness interleaves two workers, ours and 0.3.5, call by call)
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
import sys
import time
from pathlib import Path

DB_NAME = "provenance.duckdb"


def _tracker(base: Path):
    from consist import Tracker

    return Tracker(run_dir=base / "runs", db_path=str(base / DB_NAME), project_root=str(base))


class Workload:
    """A tracker plus a trivial step; ``miss()`` uses a new config, ``hit()`` a primed one."""

    HIT_CONFIG = {"x": -1}

    def __init__(self, base: Path, input_path: Path) -> None:
        base.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        self.tracker = _tracker(base)
        self.init_s = time.perf_counter() - start
        self.input_path = input_path
        self.out_dir = base / "fn_out"
        self.out_dir.mkdir(exist_ok=True)
        self.calls = 0
        self.misses = 0
        self._primed = False

    def step(self, raw: Path) -> dict[str, Path]:
        self.calls += 1
        out = self.out_dir / f"out_{self.calls}.txt"
        out.write_text("x")
        return {"out": out}

    def timed_run(self, config: dict[str, int]) -> tuple[float, bool, object]:
        from consist import ExecutionOptions

        start = time.perf_counter()
        result = self.tracker.run(
            fn=self.step,
            inputs={"raw": self.input_path},
            config=config,
            outputs=["out"],
            execution_options=ExecutionOptions(input_binding="paths"),
        )
        return time.perf_counter() - start, bool(result.cache_hit), result

    def miss(self) -> float:
        self.misses += 1
        return self._expect(self.timed_run({"x": 1000 + self.misses}), hit=False)

    def hit(self) -> float:
        if not self._primed:
            self._expect(self.timed_run(self.HIT_CONFIG), hit=False)
            self._primed = True
        return self._expect(self.timed_run(self.HIT_CONFIG), hit=True)

    @staticmethod
    def _expect(outcome: tuple[float, bool, object], *, hit: bool) -> float:
        seconds, cache_hit, result = outcome
        if cache_hit != hit:
            # The 0.3 API records why a lookup missed in run.meta; show it if present.
            meta = getattr(getattr(result, "run", None), "meta", None) or {}
            why = meta.get("cache_miss_explanation") if isinstance(meta, dict) else None
            raise SystemExit(f"expected cache_hit={hit}, got {cache_hit}; explanation: {why}")
        return seconds


def run_workload(base: Path, input_path: Path, misses: int, hits: int) -> dict[str, object]:
    """Time ``misses`` cache misses (new config each), then ``hits`` hits of one config."""
    work = Workload(base, input_path)
    miss = [work.miss() for _ in range(misses)]
    hit = [work.hit() for _ in range(hits)]
    return {"miss": miss, "hit": hit, "init_s": work.init_s}


def serve(base: Path, input_path: Path) -> None:
    """Answer {"op": "miss"|"hit"} lines with one timed ``tracker.run`` each."""
    work = Workload(base, input_path)
    for line in sys.stdin:
        op = json.loads(line)["op"]
        seconds = work.miss() if op == "miss" else work.hit()
        print(json.dumps({"seconds": seconds, "cache_hit": op == "hit"}), flush=True)


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
    serving = sub.add_parser("serve")
    serving.add_argument("--base", type=Path, required=True)
    serving.add_argument("--input", type=Path, required=True)
    cons = sub.add_parser("construct")
    cons.add_argument("--base", type=Path, required=True)
    cons.add_argument("--again", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.mode == "serve":
        serve(args.base, args.input.resolve())
        return
    if args.mode == "runs":
        report = run_workload(args.base, args.input.resolve(), args.misses, args.hits)
    else:
        report = construct(args.base, args.again)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
