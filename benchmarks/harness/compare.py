"""Measure ours and its anchors side by side and turn the medians into rows.

Anchors that can run in this process (``once``: one repetition) are timed round-robin
with ours, so load spikes on a shared machine hit both sides alike. Anchors that time
themselves elsewhere (``timed``: e.g. a script in the Consist 0.3.5 venv) run after.
An anchor that cannot run here becomes a SKIP row; if ours cannot run yet, the anchors
are still measured and shown.

Example::

    rows = side_by_side(ctx, "P2", "digest 10,000 x 4 KiB", ours=lambda: digest(tree),
                        anchors=[Anchor("b3sum", time_at_most(1.0), once=b3sum_tree_once(ctx, tree))])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.context import Context, Unavailable
from harness.row import Goal, Row, anchor_only_row, make_row, skip_row
from harness.timing import Timing, time_interleaved

OURS = "ours"


@dataclass(frozen=True)
class Anchor:
    """A named anchor with the goal ours must reach; give ``once`` or ``timed``."""

    name: str
    goal: Goal
    once: Callable[[], object] | None = None
    timed: Callable[[], Timing] | None = None
    note: str = ""


def ours_callable(
    make: Callable[[], Callable[[], object]],
) -> tuple[Callable[[], object] | None, str]:
    """Build our side's one-repetition callable; (None, reason) while it does not exist.

    Example: ``ours, missing = ours_callable(lambda: partial(hash_file, path))``.
    """
    try:
        return make(), ""
    except Unavailable as exc:
        return None, str(exc)


def side_by_side(
    ctx: Context,
    target: str,
    measure: str,
    *,
    ours: Callable[[], object] | None,
    anchors: Sequence[Anchor],
    ours_missing: str = "",
    describe: Callable[[str, float, float], str] | None = None,
    reps: int | None = None,
) -> list[Row]:
    """Time everything (medians of ``reps or ctx.reps`` after warm-up), one row per anchor.

    ``describe(name, ours_s, anchor_s)`` may add a note (e.g. GB/s) to measured rows.
    """
    local = {a.name: a.once for a in anchors if a.once is not None}
    if ours is not None:
        local = {OURS: ours, **local}
    skipped: dict[str, str] = {}
    for name, fn in list(local.items()):
        try:  # the first warm-up run doubles as an availability probe
            fn()
        except (Unavailable, ImportError) as exc:
            skipped[name] = str(exc)
            del local[name]
    timings = time_interleaved(local, reps=reps or ctx.reps, warmup=ctx.warmup - 1)
    medians = {name: timing.median for name, timing in timings.items()}
    for anchor in anchors:
        if anchor.timed is not None:
            try:
                medians[anchor.name] = anchor.timed().median
            except (Unavailable, ImportError) as exc:
                skipped[anchor.name] = str(exc)
    ours_s = medians.get(OURS)
    missing = ours_missing or skipped.get(OURS, "")
    return [_row(target, measure, a, ours_s, medians, skipped, missing, describe) for a in anchors]


def _row(
    target: str,
    measure: str,
    anchor: Anchor,
    ours_s: float | None,
    medians: dict[str, float],
    skipped: dict[str, str],
    missing: str,
    describe: Callable[[str, float, float], str] | None,
) -> Row:
    if anchor.name in skipped:
        return skip_row(
            target, measure, anchor=anchor.name, goal=anchor.goal, reason=skipped[anchor.name]
        )
    value = medians[anchor.name]
    if ours_s is None:
        return anchor_only_row(
            target,
            measure,
            anchor=anchor.name,
            anchor_value=value,
            goal=anchor.goal,
            reason=missing,
        )
    notes = [describe(anchor.name, ours_s, value)] if describe else []
    notes += [anchor.note] if anchor.note else []
    return make_row(
        target,
        measure,
        ours=ours_s,
        anchor=anchor.name,
        anchor_value=value,
        goal=anchor.goal,
        note="; ".join(n for n in notes if n),
    )
