"""Run ``anchors/tracker_workload.py`` on both interpreters and compare the medians.

Our side runs only once ``consist.Tracker`` and ``consist.ExecutionOptions`` exist;
until then the Consist 0.3.5 numbers still appear (SKIP rows carrying the anchor value).

Example::

    rows = compare_workload(ctx, "P5", "p5", ["--input", tiny, "--misses", "5", "--hits", "5"],
                            [("hit", "tracker.run cache hit", speedup_at_least(20))])
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from harness.context import Context, Unavailable, ours_api
from harness.row import Goal, Row, anchor_only_row, make_row

WORKLOAD = "tracker_workload.py"
OURS_API = ("Tracker", "ExecutionOptions")


def ours_problem() -> str | None:
    """Why our side cannot run the 0.3 workload yet, or None.

    Example: ``ours_problem()`` -> "ours not available yet: consist lacks Tracker".
    """
    try:
        ours_api("consist", *OURS_API)
    except Unavailable as exc:
        return str(exc)
    return None


def run_both(
    ctx: Context, scratch: str, mode_args: Sequence[str], *, mode: str = "runs"
) -> tuple[dict[str, object], dict[str, object] | None, str | None]:
    """(reference report, our report or None, why ours did not run).

    Each side gets a fresh ``.bench/work/<scratch>-<side>`` directory.
    """
    ref_base = ctx.scratch(f"{scratch}-consist035")
    reference = ctx.run_script(
        ctx.reference_python(), WORKLOAD, [mode, "--base", str(ref_base), *mode_args]
    )
    problem = ours_problem()
    if problem is not None:
        return reference, None, problem
    ours_base = ctx.scratch(f"{scratch}-ours")
    ours = ctx.run_script(ctx.ours_python, WORKLOAD, [mode, "--base", str(ours_base), *mode_args])
    return reference, ours, None


def compare_workload(
    ctx: Context,
    target: str,
    scratch: str,
    args: Sequence[str],
    cases: Sequence[tuple[str, str, Goal]],
) -> list[Row]:
    """Rows for ``cases`` = (report key, measure, goal), comparing median latencies."""
    reference, ours, problem = run_both(ctx, scratch, args)
    rows = []
    for key, measure, goal in cases:
        ref_s = statistics.median(reference[key])
        if ours is None:
            rows.append(
                anchor_only_row(
                    target,
                    measure,
                    anchor="Consist 0.3.5",
                    anchor_value=ref_s,
                    goal=goal,
                    reason=problem or "",
                )
            )
            continue
        ours_s = statistics.median(ours[key])
        rows.append(
            make_row(
                target, measure, ours=ours_s, anchor="Consist 0.3.5", anchor_value=ref_s, goal=goal
            )
        )
    return rows
