"""P7: ``import consist`` <= 150 ms and ``consist --help`` <= 200 ms, >= 6x faster than 0.3.5.

Wall clock of fresh subprocesses (spawn included, no ``-X importtime``), medians after a
warm-up run; bare ``python -c pass`` is shown for scale.

Example::

    .venv/bin/python benchmarks/run.py --only P7
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.context import Context, Unavailable
from harness.row import (
    Row,
    anchor_only_row,
    context_only,
    make_row,
    skip_row,
    speedup_at_least,
    value_at_most,
)
from harness.timing import time_command

ID = "P7"
TITLE = "startup: import and CLI help"
PAGE_CACHE = "warm (one untimed run of each command first)"
STARTUP_REPS = 10
STARTUP_REPS_QUICK = 5
# (measure, limit in seconds, limit label, argv suffix after the interpreter or CLI)
IMPORT_CASE = ("python -c 'import consist'", 0.150, "150 ms")
HELP_CASE = ("consist --help", 0.200, "200 ms")


def run(ctx: Context) -> list[Row]:
    """Import and ``--help`` wall clock for ours, Consist 0.3.5 and bare Python."""
    reps = STARTUP_REPS_QUICK if ctx.quick else STARTUP_REPS

    def timed(argv: list[str]) -> float:
        return time_command(argv, reps=reps, warmup=1, cwd=ctx.bench_dir).median

    ours_py = ctx.ours_python
    try:
        ref_py, ref_problem = ctx.reference_python(), ""
    except Unavailable as exc:
        ref_py, ref_problem = None, str(exc)
    bare = timed([str(ours_py), "-c", "pass"])

    def ref_time(argv: list[str]) -> float | None:
        return timed(argv) if ref_py is not None else None

    ours_cli = ours_py.parent / "consist"
    cases = [
        (IMPORT_CASE, [str(ours_py), "-c", "import consist"], None),
        (HELP_CASE, [str(ours_cli), "--help"], _cli_problem(ours_cli)),
    ]
    ref_argvs = []
    if ref_py is not None:
        ref_argvs = [
            [str(ref_py), "-c", "import consist"],
            [str(ref_py.parent / "consist"), "--help"],
        ]
    rows = []
    for i, ((measure, limit, label), ours_argv, problem) in enumerate(cases):
        ref = ref_time(ref_argvs[i]) if ref_argvs else None
        rows += _case_rows(measure, limit, label, ours_argv, problem, ref, ref_problem, bare, timed)
    return rows


def _case_rows(measure, limit, label, ours_argv, problem, ref, ref_problem, bare, timed):
    limit_goal = value_at_most(limit, label)
    ref_goal = speedup_at_least(6)
    if problem is not None:
        reason = f"ours not available yet: {problem}"
        rows = [skip_row(ID, measure, anchor="limit", goal=limit_goal, reason=reason)]
        if ref is not None:
            rows.append(
                anchor_only_row(
                    ID,
                    measure,
                    anchor="Consist 0.3.5",
                    anchor_value=ref,
                    goal=ref_goal,
                    reason=reason,
                )
            )
        return rows
    ours = timed(ours_argv)
    rows = [
        make_row(ID, measure, ours=ours, anchor="limit", anchor_value=limit, goal=limit_goal),
        make_row(
            ID,
            measure,
            ours=ours,
            anchor="python -c pass",
            anchor_value=bare,
            goal=context_only(ratio="time"),
        ),
    ]
    if ref is None:
        rows.append(
            skip_row(ID, measure, anchor="Consist 0.3.5", goal=ref_goal, reason=ref_problem)
        )
    else:
        rows.append(
            make_row(
                ID, measure, ours=ours, anchor="Consist 0.3.5", anchor_value=ref, goal=ref_goal
            )
        )
    return rows


def _cli_problem(cli: Path) -> str | None:
    """Why our ``consist --help`` cannot be timed, or None when it runs cleanly."""
    if not cli.exists():
        return f"{cli} does not exist"
    done = subprocess.run([str(cli), "--help"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return f"`consist --help` exits {done.returncode}: {last}"
    return None
