"""Turn one measurement of ours plus several anchors into rows, skipping missing anchors.

Example::

    rows = compare_rows("P2", "digest 10,000 x 4 KiB", ours=0.05, anchors=[
        Anchor("b3sum", time_at_most(1.0), lambda: anchor_sides.b3sum_tree(ctx, tree)),
    ])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.context import Unavailable
from harness.row import Goal, Row, anchor_only_row, make_row, skip_row
from harness.timing import Timing


def measure_ours(measure: Callable[[], float]) -> tuple[float | None, str]:
    """Run our side; (seconds, "") or (None, why it cannot run yet).

    Example: ``ours, missing = measure_ours(lambda: time_call(f, reps=5).median)``.
    """
    try:
        return measure(), ""
    except Unavailable as exc:
        return None, str(exc)


@dataclass(frozen=True)
class Anchor:
    """A named anchor measurement with the goal ours must reach against it."""

    name: str
    goal: Goal
    measure: Callable[[], Timing]
    note: str = ""


def compare_rows(
    target: str,
    measure: str,
    *,
    ours: float | None,
    anchors: Sequence[Anchor],
    describe: Callable[[str, float, float], str] | None = None,
    ours_missing: str = "",
) -> list[Row]:
    """One row per anchor; an anchor that cannot run here becomes a SKIP row.

    With ``ours=None`` (our side not available yet, reason in ``ours_missing``) the
    anchors are still measured, so their numbers stay visible as SKIP rows.
    ``describe(name, ours, anchor)`` may add a note (e.g. GB/s) to each measured row.
    """
    rows = []
    for anchor in anchors:
        try:
            value = anchor.measure().median
        except (Unavailable, ImportError) as exc:
            rows.append(
                skip_row(target, measure, anchor=anchor.name, goal=anchor.goal, reason=str(exc))
            )
            continue
        if ours is None:
            rows.append(
                anchor_only_row(
                    target,
                    measure,
                    anchor=anchor.name,
                    anchor_value=value,
                    goal=anchor.goal,
                    reason=ours_missing,
                )
            )
            continue
        notes = [describe(anchor.name, ours, value)] if describe else []
        notes += [anchor.note] if anchor.note else []
        rows.append(
            make_row(
                target,
                measure,
                ours=ours,
                anchor=anchor.name,
                anchor_value=value,
                goal=anchor.goal,
                note="; ".join(n for n in notes if n),
            )
        )
    return rows
