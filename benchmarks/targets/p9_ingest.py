"""P9: log + ingest 1M rows (Parquet written, digest, DB rows): >= 4x faster than 0.3.5,
and within 1.3x of a raw pyarrow Parquet write plus a DuckDB insert of the same table.

Both sides run ``anchors/dataframe_ingest.py`` (Consist 0.3 public API:
``consist.log_dataframe(df, key=..., schema=..., tracker=...)`` in a run). The raw floor
runs in our interpreter, interleaved with ours (ours, raw, ours, raw, ...), for pandas,
Arrow and Polars input. The 0.3.5 side ingests through dlt, so its venv gets
``consist[ingest]==0.3.5`` (and GitPython for its repo_git code identity) on first use.

Example::

    .venv/bin/python benchmarks/run.py --only P9
"""

from __future__ import annotations

import statistics
import subprocess

from harness.context import Context, ScriptFailed, Unavailable, ours_api
from harness.row import (
    Row,
    anchor_only_row,
    context_only,
    make_row,
    skip_row,
    speedup_at_least,
    time_at_most,
)

ID = "P9"
TITLE = "log + ingest 1M rows"
PAGE_CACHE = "in memory (the frame is built in the process; files written fresh)"
ROWS, ROWS_QUICK = 1_000_000, 200_000
SCRIPT = "dataframe_ingest.py"
REFERENCE_EXTRAS = ["consist[ingest]==0.3.5", "gitpython>=3.1.50"]


def run(ctx: Context) -> list[Row]:
    """Ours against the raw floor (three input kinds) and against Consist 0.3.5 (pandas)."""
    rows = ROWS_QUICK if ctx.quick else ROWS
    label = f"{rows / 1e6:g}M rows"
    try:
        ours_api("consist", "Tracker", "log_dataframe")
    except Unavailable as exc:
        return [
            skip_row(
                ID, f"log + ingest {label}", anchor="raw", goal=time_at_most(1.3), reason=str(exc)
            )
        ]
    out: list[Row] = []
    ours_pandas: float | None = None
    for kind in ("pandas", "arrow", "polars"):
        report = ctx.run_script(
            ctx.ours_python, SCRIPT, _args(ctx, f"p9-{kind}", rows, "compare", kind)
        )
        ours = statistics.median(report["ours"])
        raw = statistics.median(report["raw"])
        ours_pandas = ours if kind == "pandas" else ours_pandas
        out.append(
            make_row(
                ID,
                f"log + ingest {label} from {kind}",
                ours=ours,
                anchor="raw Parquet write + DuckDB insert",
                anchor_value=raw,
                goal=time_at_most(1.3),
            )
        )
        out.append(
            make_row(
                ID,
                f"  CPU time (all threads), {kind}",
                ours=statistics.median(report["ours_cpu"]),
                anchor="raw Parquet write + DuckDB insert",
                anchor_value=statistics.median(report["raw_cpu"]),
                goal=context_only(ratio="time"),
                note="ours also stamps 4 provenance columns on every row and records the artifact",
            )
        )
    out.append(_reference_row(ctx, rows, label, ours_pandas))
    return out


def _reference_row(ctx: Context, rows: int, label: str, ours: float | None) -> Row:
    measure = f"log + ingest {label} from pandas"
    goal = speedup_at_least(4)
    try:
        python = ctx.reference_python()
        _ensure_reference_extras(python)
        report = ctx.run_script(python, SCRIPT, _args(ctx, "p9-consist035", rows, "log", "pandas"))
    except (Unavailable, ScriptFailed, subprocess.CalledProcessError) as exc:
        return skip_row(ID, measure, anchor="Consist 0.3.5", goal=goal, reason=str(exc))
    reference = statistics.median(report["samples"])
    if ours is None:
        return anchor_only_row(
            ID, measure, anchor="Consist 0.3.5", anchor_value=reference, goal=goal, reason="no ours"
        )
    return make_row(
        ID, measure, ours=ours, anchor="Consist 0.3.5", anchor_value=reference, goal=goal
    )


def _ensure_reference_extras(python) -> None:
    probe = subprocess.run([str(python), "-c", "import dlt, git"], capture_output=True, check=False)
    if probe.returncode != 0:
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *REFERENCE_EXTRAS],
            check=True,
            capture_output=True,
        )


def _args(ctx: Context, scratch: str, rows: int, mode: str, kind: str) -> list[str]:
    base = ctx.scratch(scratch)
    reps = str(ctx.reps if not ctx.quick else 3)
    return [mode, "--base", str(base), "--rows", str(rows), "--reps", reps, "--kind", kind]
