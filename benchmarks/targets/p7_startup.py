"""P7: ``import consist`` <= 150 ms and ``consist --help`` <= 200 ms, >= 6x faster than 0.3.5.

Wall clock of fresh subprocesses (spawn included, no ``-X importtime``), medians after a
warm-up round, ours and the anchors timed round-robin; bare ``python -c pass`` is shown
for scale.

Example::

    .venv/bin/python benchmarks/run.py --only P7
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.compare import Anchor, side_by_side
from harness.context import Context, Unavailable
from harness.row import Row, context_only, speedup_at_least, value_at_most
from harness.timing import Timing, command_once

ID = "P7"
TITLE = "startup: import and CLI help"
PAGE_CACHE = "warm (one untimed round of every command first)"
STARTUP_REPS = 10
STARTUP_REPS_QUICK = 5


def run(ctx: Context) -> list[Row]:
    """Import and ``--help`` wall clock for ours, Consist 0.3.5 and bare Python."""
    ours_py = ctx.ours_python
    ours_cli = ours_py.parent / "consist"
    try:
        ref_py = ctx.reference_python()
        ref_import = command_once([str(ref_py), "-c", "import consist"])
        ref_help = command_once([str(ref_py.parent / "consist"), "--help"])
    except Unavailable as exc:
        ref_import = ref_help = _raiser(str(exc))
    bare = command_once([str(ours_py), "-c", "pass"])
    help_problem = _cli_problem(ours_cli)
    cases = [  # (measure, our command, limit in s, limit label, 0.3.5 side, why ours can't run)
        ("python -c 'import consist'", [str(ours_py), "-c", "import consist"], 0.150, "150 ms",
         ref_import, None),
        ("consist --help", [str(ours_cli), "--help"], 0.200, "200 ms", ref_help, help_problem),
    ]  # fmt: skip
    reps = STARTUP_REPS_QUICK if ctx.quick else STARTUP_REPS
    rows = []
    for measure, ours_argv, limit_s, label, ref_once, problem in cases:
        anchors = [
            Anchor("limit", value_at_most(limit_s, label), timed=lambda s=limit_s: Timing((s,))),
            Anchor("python -c pass", context_only(ratio="time"), once=bare),
            Anchor("Consist 0.3.5", speedup_at_least(6), once=ref_once),
        ]
        ours = None if problem else command_once(ours_argv, cwd=ctx.bench_dir)
        missing = f"ours not available yet: {problem}" if problem else ""
        rows += side_by_side(
            ctx, ID, measure, ours=ours, ours_missing=missing, anchors=anchors, reps=reps
        )
    return rows


def _raiser(reason: str):
    def once() -> None:
        raise Unavailable(reason)

    return once


def _cli_problem(cli: Path) -> str | None:
    """Why our ``consist --help`` cannot be timed, or None when it runs cleanly."""
    if not cli.exists():
        return f"{cli} does not exist"
    done = subprocess.run([str(cli), "--help"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return f"`consist --help` exits {done.returncode}: {last}"
    return None
