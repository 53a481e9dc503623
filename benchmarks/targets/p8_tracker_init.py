"""P8: ``Tracker()`` construction on an existing database: >= 10x faster than 0.3.5.

Each sample is a fresh process (``import consist`` done and timed separately), so the
first construction's one-time costs (engine, schema checks) are what is measured;
samples alternate between ours and 0.3.5.

Both sides load compiled bytecode, as an installed package does: ``pip install``
compiled Consist 0.3.5's ``__pycache__``, while this environment may set
``PYTHONDONTWRITEBYTECODE`` so our source tree would be recompiled in every
process (about half of our time). The samples therefore run with a shared
``PYTHONPYCACHEPREFIX`` (``.bench/pycache``), filled by the untimed first process.

Example::

    .venv/bin/python benchmarks/run.py --only P8
"""

from __future__ import annotations

import contextlib
import os
import statistics
from collections.abc import Iterator
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
    measure = "Tracker() on an existing DB (first in a fresh process)"
    goal = speedup_at_least(10)
    problem = tracker_sides.ours_problem()
    sides = {"Consist 0.3.5": ctx.reference_python()}
    if problem is None:
        sides["ours"] = ctx.ours_python
    samples: dict[str, list[dict]] = {name: [] for name in sides}
    with _bytecode_cache(ctx.bench_dir / "pycache"):
        commands = {name: _prepare(ctx, python, name) for name, python in sides.items()}
        for rep in range(ctx.warmup + ctx.reps):  # alternate sides, one fresh process each
            for name, (python, script, args) in commands.items():
                report = ctx.run_script(python, script, args)
                if rep >= ctx.warmup:
                    samples[name].append(report)
    ref = samples["Consist 0.3.5"]
    ref_first = statistics.median(s["first_s"] for s in ref)
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
    ours = samples["ours"]
    return [
        make_row(
            ID,
            measure,
            ours=statistics.median(s["first_s"] for s in ours),
            anchor="Consist 0.3.5",
            anchor_value=ref_first,
            goal=goal,
        ),
        make_row(
            ID,
            "Tracker() again in the same process",
            ours=statistics.median(t for s in ours for t in s["again"]),
            anchor="Consist 0.3.5",
            anchor_value=statistics.median(t for s in ref for t in s["again"]),
            goal=context_only(),
        ),
    ]


@contextlib.contextmanager
def _bytecode_cache(prefix: Path) -> Iterator[None]:
    """Child processes read and write bytecode under ``prefix`` (both sides alike)."""
    saved = {
        name: os.environ.get(name) for name in ("PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE")
    }
    os.environ["PYTHONPYCACHEPREFIX"] = str(prefix)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _prepare(ctx: Context, python: Path, side: str) -> tuple[Path, Path, list[str]]:
    """Create a database with a few runs; return the ``construct`` command for it."""
    script = ctx.isolated_copy(f"p8-{side.split()[0].lower()}", tracker_sides.WORKLOAD)
    base = script.parent / "project"
    tiny = str(ctx.data.tiny_file())
    setup = ["runs", "--base", str(base), "--input", tiny, "--misses", str(PRIOR_RUNS)]
    ctx.run_script(python, script, [*setup, "--hits", "0"])
    return python, script, ["construct", "--base", str(base), "--again", str(REPEATS_IN_PROCESS)]
