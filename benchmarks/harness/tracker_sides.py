"""Run ``anchors/tracker_workload.py`` on both interpreters and compare the medians.

Each side is a long-lived worker (``serve`` mode) holding its own Tracker and DuckDB
file, in a temp directory outside any git repository (see ``Context.isolated_copy``); the harness asks them for one timed ``tracker.run`` at a time, alternating
ours and 0.3.5, so load on the shared machine hits both alike. Our side runs only once
``consist.Tracker`` and ``consist.ExecutionOptions`` exist; until then the Consist 0.3.5
numbers still appear (SKIP rows carrying the anchor value).

Example::

    rows = compare_workload(ctx, "P5", "p5", tiny, calls=20,
                            cases=[("hit", "tracker.run cache hit", speedup_at_least(20))])
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from harness.context import Context, Unavailable, ours_api
from harness.json_worker import JsonWorker
from harness.row import Goal, Row, anchor_only_row, make_row
from harness.timing import SelfTimed, time_interleaved

WORKLOAD = "tracker_workload.py"
OURS_API = ("Tracker", "ExecutionOptions")
OURS, REFERENCE = "ours", "Consist 0.3.5"


def ours_problem() -> str | None:
    """Why our side cannot run the 0.3 workload yet, or None.

    Example: ``ours_problem()`` -> "ours not available yet: consist lacks Tracker".
    """
    try:
        ours_api("consist", *OURS_API)
    except Unavailable as exc:
        return str(exc)
    return None


def compare_workload(
    ctx: Context,
    target: str,
    scratch: str,
    input_path: Path,
    *,
    calls: int,
    cases: Sequence[tuple[str, str, Goal]],
) -> list[Row]:
    """Rows for ``cases`` = (op "hit"/"miss", measure, goal): median of ``calls`` each.

    One untimed call of each op per side first (the warm-up, and the hit's priming).
    """
    problem = ours_problem()
    sides = {REFERENCE: ctx.reference_python()}
    if problem is None:
        sides[OURS] = ctx.ours_python
    with ExitStack() as stack:
        workers = {
            name: stack.enter_context(
                _start(ctx, python, f"{scratch}-{name.split()[0].lower()}", input_path)
            )
            for name, python in sides.items()
        }
        rows = []
        for op, measure, goal in cases:
            fns = {name: _one_call(worker, op) for name, worker in workers.items()}
            medians = {n: t.median for n, t in time_interleaved(fns, reps=calls, warmup=1).items()}
            rows.append(_row(target, measure, goal, medians, problem))
    return rows


def _start(ctx: Context, python: Path, scratch: str, input_path: Path) -> JsonWorker:
    script = ctx.isolated_copy(scratch, WORKLOAD)  # outside our git repo: stable identity
    base = script.parent / "project"
    argv = [python, script, "serve", "--base", base, "--input", input_path]
    return JsonWorker(argv, cwd=str(script.parent))


def _one_call(worker: JsonWorker, op: str) -> SelfTimed:
    return SelfTimed(lambda: float(worker.request({"op": op})["seconds"]))


def _row(
    target: str, measure: str, goal: Goal, medians: dict[str, float], problem: str | None
) -> Row:
    ref_s = medians[REFERENCE]
    if OURS not in medians:
        return anchor_only_row(
            target, measure, anchor=REFERENCE, anchor_value=ref_s, goal=goal, reason=problem or ""
        )
    return make_row(
        target, measure, ours=medians[OURS], anchor=REFERENCE, anchor_value=ref_s, goal=goal
    )
