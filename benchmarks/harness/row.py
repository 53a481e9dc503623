"""One line of the results table, and the goal arithmetic that decides PASS/FAIL.

Every target is a ratio measured in one run (ours against an anchor on the same data),
except absolute limits such as peak RSS. A ``Goal`` turns (ours, anchor) into a ratio
and a verdict, so the rule lives in one place and is unit-tested.

Example::

    row = make_row("P1", "hash 1 GiB file", ours=0.098, anchor="b3sum", anchor_value=0.097,
                   goal=throughput_at_least(0.95))
    row.status  # "PASS" (ratio 0.99x)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

PASS, FAIL, INFO, SKIP = "PASS", "FAIL", "INFO", "SKIP"


@dataclass(frozen=True)
class Goal:
    """How to compute the ratio for a row and what it must reach.

    ``ratio_of(ours, anchor)`` gives the number shown in the ratio column;
    ``passes(ratio)`` is None for context rows that have no target.
    """

    text: str
    ratio_of: Callable[[float, float], float]
    passes: Callable[[float], bool | None]


def speedup_at_least(factor: float) -> Goal:
    """Ours must be ``factor`` times faster: ratio = anchor time / our time.

    Example: ``speedup_at_least(6)`` for ">= 6x faster than Consist 0.3.5".
    """
    return Goal(f">= {factor:g}x faster", lambda o, a: a / o, lambda r: r >= factor)


def throughput_at_least(factor: float) -> Goal:
    """Our throughput must be >= ``factor`` x the anchor's on the same bytes (time-based).

    Example: ``throughput_at_least(0.95)`` for ">= 0.95x b3sum throughput".
    """
    return Goal(f">= {factor:g}x throughput", lambda o, a: a / o, lambda r: r >= factor)


def time_at_most(factor: float) -> Goal:
    """Our time must be <= ``factor`` x the anchor's: ratio = our time / anchor time.

    Example: ``time_at_most(1.5)`` for "<= 1.5x os.walk+stat time".
    """
    return Goal(f"<= {factor:g}x time", lambda o, a: o / a, lambda r: r <= factor)


def value_at_most(limit: float, label: str) -> Goal:
    """An absolute ceiling: ratio = ours / limit, passes when ours <= limit.

    Example: ``value_at_most(300, "300 MB")`` for peak RSS.
    """
    return Goal(f"<= {label}", lambda o, a: o / a, lambda r: r <= 1.0)


def context_only(*, ratio: str = "speedup") -> Goal:
    """A row shown for scale, with no target (status INFO).

    ``ratio="speedup"`` shows anchor/ours (how much faster we are); ``ratio="time"``
    shows ours/anchor (how many times the anchor's cost we pay).

    Example: ``context_only()`` for hashlib sha256 next to our BLAKE3 numbers.
    """
    if ratio == "speedup":
        return Goal("(context: speedup)", lambda o, a: a / o, lambda r: None)
    if ratio == "time":
        return Goal("(context: ours/anchor)", lambda o, a: o / a, lambda r: None)
    raise ValueError(f"ratio must be 'speedup' or 'time', got {ratio!r}")


@dataclass(frozen=True)
class Row:
    """A table row. ``ours``/``anchor_value`` are in ``unit`` (seconds unless stated)."""

    target: str
    measure: str
    ours: float | None
    anchor: str
    anchor_value: float | None
    ratio: float | None
    goal: str
    status: str
    unit: str = "s"
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        """Plain dict for ``--json`` output.

        Example: ``json.dumps(row.to_dict())``.
        """
        return asdict(self)


def make_row(
    target: str,
    measure: str,
    *,
    ours: float,
    anchor: str,
    anchor_value: float,
    goal: Goal,
    unit: str = "s",
    note: str = "",
) -> Row:
    """Build a measured row: compute the ratio and the verdict from ``goal``.

    Example::

        make_row("P2", "10k x 4 KiB", ours=0.05, anchor="b3sum", anchor_value=0.066,
                 goal=time_at_most(1.0)).status  # "PASS"
    """
    if ours <= 0 or anchor_value <= 0:
        raise ValueError(f"{target} {measure}: values must be positive, got {ours}, {anchor_value}")
    ratio = goal.ratio_of(ours, anchor_value)
    verdict = goal.passes(ratio)
    status = INFO if verdict is None else (PASS if verdict else FAIL)
    return Row(target, measure, ours, anchor, anchor_value, ratio, goal.text, status, unit, note)


def skip_row(target: str, measure: str, *, anchor: str, goal: Goal | str, reason: str) -> Row:
    """A row that could not be measured in this run, with the reason in ``note``.

    Example: ``skip_row("P7", "consist --help", anchor="0.3.5", goal=">= 6x", reason="no CLI")``.
    """
    text = goal if isinstance(goal, str) else goal.text
    return Row(target, measure, None, anchor, None, None, text, SKIP, note=reason)


def anchor_only_row(
    target: str, measure: str, *, anchor: str, anchor_value: float, goal: Goal, reason: str
) -> Row:
    """The anchor side was measured but ours cannot run yet: keep the anchor number visible.

    Example: the Consist 0.3.5 tracker latency before our tracker exists.
    """
    return Row(target, measure, None, anchor, anchor_value, None, goal.text, SKIP, note=reason)


def check_row(target: str, measure: str, *, ok: bool, expected: str, note: str = "") -> Row:
    """A correctness check shown in the table (no numbers): PASS when ``ok``.

    Example: ``check_row("P1", "digest equals b3sum", ok=a == b, expected="identical")``.
    """
    return Row(target, measure, None, "-", None, None, expected, PASS if ok else FAIL, note=note)
