"""P8: ``Tracker()`` construction on an existing database: >= 10x faster than 0.3.5.

Each sample is a fresh process (``import consist`` done and timed separately), so the
first construction's one-time costs (engine, schema checks) are what is measured.

Example::

    .venv/bin/python benchmarks/run.py --only P8
"""

from __future__ import annotations

import statistics
from pathlib import Path

from harness import tracker_sides
from harness.context import Context
from harness.row import Row, anchor_only_row, context_only, make_row, speedup_at_least

ID = "P8"
TITLE = "Tracker() on an existing database"
PAGE_CACHE = "warm (database file created just before; one untimed process first)"
PRIOR_RUNS = 3  # a database with a few runs in it, not an empty one
REPEATS_IN_PROCESS = 2


def run(ctx: Context) -> list[Row]:
    """Median first ``Tracker()`` per fresh process, ours against Consist 0.3.5."""
    reference = _construct_samples(ctx, ctx.reference_python(), "p8-consist035")
    measure = "Tracker() on an existing DB (first in a fresh process)"
    goal = speedup_at_least(10)
    ref_first = statistics.median(s["first_s"] for s in reference)
    problem = tracker_sides.ours_problem()
    if problem is not None:
        return [
            anchor_only_row(
                ID,
                measure,
                anchor="Consist 0.3.5",
                anchor_value=ref_first,
                goal=goal,
                reason=problem,
            )
        ]
    ours = _construct_samples(ctx, ctx.ours_python, "p8-ours")
    ours_first = statistics.median(s["first_s"] for s in ours)
    ours_again = statistics.median(t for s in ours for t in s["again"])
    ref_again = statistics.median(t for s in reference for t in s["again"])
    return [
        make_row(
            ID, measure, ours=ours_first, anchor="Consist 0.3.5", anchor_value=ref_first, goal=goal
        ),
        make_row(
            ID,
            "Tracker() again in the same process",
            ours=ours_again,
            anchor="Consist 0.3.5",
            anchor_value=ref_again,
            goal=context_only(),
        ),
    ]


def _construct_samples(ctx: Context, python: Path, scratch: str) -> list[dict]:
    """Create a DB with a few runs, then time ``Tracker()`` in ``ctx.reps`` fresh processes."""
    base = ctx.scratch(scratch)
    tiny = str(ctx.data.tiny_file())
    setup = ["runs", "--base", str(base), "--input", tiny, "--misses", str(PRIOR_RUNS)]
    ctx.run_script(python, tracker_sides.WORKLOAD, [*setup, "--hits", "0"])
    construct = ["construct", "--base", str(base), "--again", str(REPEATS_IN_PROCESS)]
    for _ in range(ctx.warmup):
        ctx.run_script(python, tracker_sides.WORKLOAD, construct)
    return [ctx.run_script(python, tracker_sides.WORKLOAD, construct) for _ in range(ctx.reps)]
