"""The P13 workload, written against the Consist 0.3 public API; answers JSON requests.

A 20-step chained scenario: each step reads the previous step's output (the
first reads a small seed file) and writes a small text file. The same script
runs on the Consist 0.3.5 interpreter (the anchor) and on ours, so both sides
do the same work.

Serve mode reads one JSON request per stdin line and answers one line:

    {"op": "first"}  -> a fresh run directory and database (Tracker built untimed),
                        then the whole scenario timed: every step a cache miss
    {"op": "rerun"}  -> the same on a fresh directory, untimed, then the scenario
                        once more, timed: every step a cache hit

Each answer is ``{"seconds": s, "hits": n, "expected_hits": n}``; the harness
checks the counts (a side with the wrong count did different work).

Example::

    .bench/consist035/bin/python benchmarks/anchors/scenario_workload.py serve \
        --base /tmp/p13 --steps 20
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path


def step(src: Path, i: int) -> dict[str, Path]:
    """One chained step: the previous output plus this step's number."""
    import consist

    out = consist.output_path("out", "txt")
    out.write_text(f"{src.read_text().strip()},{i}\n")
    return {"out": out}


class Workload:
    """A fresh tracker (own folder and database) per request."""

    def __init__(self, base: Path, steps: int) -> None:
        self.base, self.steps, self.count = base, steps, 0
        self.tracker = None
        base.mkdir(parents=True, exist_ok=True)

    def first(self) -> dict[str, object]:
        from consist import Tracker

        self.count += 1
        root = self.base / f"rep_{self.count}"
        root.mkdir()
        (root / "seed.txt").write_text("0\n")
        self.tracker = Tracker(
            run_dir=root / "runs", db_path=str(root / "provenance.duckdb"), project_root=str(root)
        )
        return self._timed(expect_hits=0)

    def rerun(self) -> dict[str, object]:
        self.first()  # untimed: the run being repeated
        return self._timed(expect_hits=self.steps)

    def _timed(self, *, expect_hits: int) -> dict[str, object]:
        import consist
        from consist import ExecutionOptions

        options = ExecutionOptions(input_binding="paths")
        seed = Path(self.tracker.run_dir).parent / "seed.txt"
        hits = 0
        start = time.perf_counter()
        with consist.scenario("p13_chain", tracker=self.tracker) as sc:
            previous = seed
            for i in range(self.steps):
                result = sc.run(
                    fn=step,
                    name=f"step_{i}",
                    inputs={"src": previous},
                    config={"i": i},
                    outputs=["out"],
                    execution_options=options,
                )
                hits += bool(result.cache_hit)
                previous = consist.ref(result, "out")
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "hits": hits, "expected_hits": expect_hits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    serving = sub.add_parser("serve")
    serving.add_argument("--base", type=Path, required=True)
    serving.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    workload = Workload(args.base.resolve(), args.steps)
    for line in sys.stdin:
        op = json.loads(line)["op"]
        answer = workload.first() if op == "first" else workload.rerun()
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
