"""P13: a 20-step chained scenario, first run >= 15x and unchanged re-run >= 20x faster.

Both sides run ``anchors/scenario_workload.py`` (Consist 0.3 public API) as long-lived
workers; every timed scenario gets a fresh run directory and DuckDB file. The harness
alternates the sides, one timed scenario at a time. "first": every step a cache miss;
"re-run": the scenario repeated right after an untimed first run, every step a cache
hit (metadata only). Each side reports its hit count: ours must match exactly; a
deviation of the anchor is shown in the row's note.

Example::

    .venv/bin/python benchmarks/run.py --only P13
"""

from __future__ import annotations

import dataclasses
import statistics
from contextlib import ExitStack

from harness.context import ANCHOR_SCRIPTS, Context, ScriptFailed, Unavailable, ours_api
from harness.json_worker import JsonWorker
from harness.row import Row, anchor_only_row, make_row, speedup_at_least
from harness.timing import SelfTimed, time_interleaved

ID = "P13"
TITLE = "20-step chained scenario: first run and unchanged re-run"
PAGE_CACHE = "warm (tiny files; fresh run directory and DuckDB file per timed scenario)"
WORKLOAD = "scenario_workload.py"
STEPS = 20
OURS, REFERENCE = "ours", "Consist 0.3.5"
CASES = (
    ("first", f"{STEPS}-step scenario, first run (all misses)", speedup_at_least(15)),
    ("rerun", f"{STEPS}-step scenario, unchanged re-run (all hits)", speedup_at_least(20)),
)


def run(ctx: Context) -> list[Row]:
    """Median scenario wall time per case, ours against Consist 0.3.5."""
    try:
        ours_api("consist", "scenario", "ref", "Tracker", "ExecutionOptions")
        problem = None
    except Unavailable as exc:
        problem = str(exc)
    sides = {REFERENCE: ctx.reference_python()}
    if problem is None:
        sides[OURS] = ctx.ours_python
    reps = 3 if ctx.quick else 5
    with ExitStack() as stack:
        workers = {}
        for name, python in sides.items():
            base = ctx.scratch(f"p13-{name.split()[0].lower()}")
            argv = [python, ANCHOR_SCRIPTS / WORKLOAD, "serve", "--base", base, "--steps", STEPS]
            workers[name] = stack.enter_context(JsonWorker(argv, cwd=str(ctx.bench_dir)))
        return [_case(workers, op, measure, goal, reps, problem) for op, measure, goal in CASES]


def _case(workers: dict, op: str, measure: str, goal, reps: int, problem: str | None) -> Row:
    """Time ``op`` on every side; medians use only repetitions with the expected hits."""
    valid: dict[str, list[float]] = {name: [] for name in workers}
    wrong: dict[str, set[int]] = {name: set() for name in workers}
    calls = dict.fromkeys(workers, 0)

    def once(name: str) -> float:
        answer = workers[name].request({"op": op})
        seconds = float(answer["seconds"])
        calls[name] += 1
        if answer["hits"] != answer["expected_hits"]:
            wrong[name].add(int(answer["hits"]))
        elif calls[name] > 1:  # the first call is the warm-up
            valid[name].append(seconds)
        return seconds

    # Interleaved so load on the shared machine hits both sides alike.
    fns = {name: SelfTimed(lambda n=name: once(n)) for name in workers}
    time_interleaved(fns, reps=reps, warmup=1)
    expected = 0 if op == "first" else STEPS
    if wrong.get(OURS):
        raise ScriptFailed(f"ours: {op} had {sorted(wrong[OURS])} cache hits, expected {expected}")
    note = ""
    if wrong[REFERENCE]:
        note = (
            f"Consist 0.3.5 had {sorted(wrong[REFERENCE])} hits instead of {expected} in "
            "some repetitions (left out of its median)"
        )
    if not valid[REFERENCE]:
        raise ScriptFailed(f"Consist 0.3.5 never produced {expected} hits for {op}: {note}")
    ref_s = statistics.median(valid[REFERENCE])
    if OURS not in workers:
        return anchor_only_row(
            ID, measure, anchor=REFERENCE, anchor_value=ref_s, goal=goal, reason=problem or ""
        )
    row = make_row(
        ID,
        measure,
        ours=statistics.median(valid[OURS]),
        anchor=REFERENCE,
        anchor_value=ref_s,
        goal=goal,
    )
    return dataclasses.replace(row, note=note) if note else row
