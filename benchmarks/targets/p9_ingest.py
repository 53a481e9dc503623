"""P9: log + ingest 1M rows (Parquet written, digest, DB rows): >= 4x faster than 0.3.5,
and within 1.3x of a raw pyarrow Parquet write plus a DuckDB insert of the same table.

Both sides run ``anchors/dataframe_ingest.py`` (Consist 0.3 public API:
``consist.log_dataframe(df, key=..., schema=..., tracker=...)`` in a run) as long-lived
``serve`` workers answering one timed call per request. The raw floor runs in our worker,
for pandas, Arrow and Polars input; for pandas a Consist 0.3.5 worker joins, and the
calls go round-robin (ours, raw, 0.3.5, ours, ...) so load on the shared machine hits
all sides alike. The 0.3.5 side ingests through dlt, so its venv gets
``consist[ingest]==0.3.5`` (and GitPython for its repo_git code identity) on first use.

Example::

    .venv/bin/python benchmarks/run.py --only P9
"""

from __future__ import annotations

import statistics
import subprocess
from contextlib import ExitStack

from harness.context import ANCHOR_SCRIPTS, Context, ScriptFailed, Unavailable, ours_api
from harness.json_worker import JsonWorker
from harness.row import Row, context_only, make_row, skip_row, speedup_at_least, time_at_most

ID = "P9"
TITLE = "log + ingest 1M rows"
PAGE_CACHE = "in memory (the frame is built in the process; files written fresh)"
ROWS, ROWS_QUICK = 1_000_000, 200_000
SCRIPT = "dataframe_ingest.py"
REFERENCE_EXTRAS = ["consist[ingest]==0.3.5", "gitpython>=3.1.50"]
OURS, RAW, REFERENCE = "ours", "raw", "Consist 0.3.5"


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
    for kind in ("pandas", "arrow", "polars"):
        with ExitStack() as stack:
            ours = stack.enter_context(_worker(ctx, ctx.ours_python, f"p9-{kind}", rows, kind))
            calls = {OURS: _call(ours, "ours"), RAW: _call(ours, "raw")}
            problem = None
            if kind == "pandas":
                reference, problem = _reference_worker(ctx, stack, rows)
                if reference is not None:
                    calls[REFERENCE] = _call(reference, "ours")
            samples = _interleaved(calls, reps=ctx.reps if not ctx.quick else 3)
        out.extend(_raw_rows(label, kind, samples))
        if kind == "pandas":
            out.append(_reference_row(label, samples, problem))
    return out


def _raw_rows(label: str, kind: str, samples: dict[str, dict[str, list[float]]]) -> list[Row]:
    anchor = "raw Parquet write + DuckDB insert"
    wall = {side: statistics.median(s["seconds"]) for side, s in samples.items()}
    cpu = {side: statistics.median(s["cpu"]) for side, s in samples.items()}
    return [
        make_row(
            ID,
            f"log + ingest {label} from {kind}",
            ours=wall[OURS],
            anchor=anchor,
            anchor_value=wall[RAW],
            goal=time_at_most(1.3),
        ),
        make_row(
            ID,
            f"  CPU time (all threads), {kind}",
            ours=cpu[OURS],
            anchor=anchor,
            anchor_value=cpu[RAW],
            goal=context_only(ratio="time"),
            note="ours also stamps 4 provenance columns on every row and records the artifact",
        ),
    ]


def _reference_row(
    label: str, samples: dict[str, dict[str, list[float]]], problem: str | None
) -> Row:
    measure = f"log + ingest {label} from pandas"
    goal = speedup_at_least(4)
    if REFERENCE not in samples:
        return skip_row(ID, measure, anchor=REFERENCE, goal=goal, reason=problem or "")
    return make_row(
        ID,
        measure,
        ours=statistics.median(samples[OURS]["seconds"]),
        anchor=REFERENCE,
        anchor_value=statistics.median(samples[REFERENCE]["seconds"]),
        goal=goal,
        note="timed round-robin with ours and the raw floor",
    )


def _reference_worker(
    ctx: Context, stack: ExitStack, rows: int
) -> tuple[JsonWorker | None, str | None]:
    """A warmed-up Consist 0.3.5 worker, or None and why not."""
    try:
        python = ctx.reference_python()
        _ensure_reference_extras(python)
        worker = stack.enter_context(_worker(ctx, python, "p9-consist035", rows, "pandas"))
        worker.request({"side": "ours"})  # fails here (not mid-timing) if 0.3.5 cannot ingest
    except (Unavailable, ScriptFailed, subprocess.CalledProcessError) as exc:
        return None, str(exc)
    return worker, None


def _ensure_reference_extras(python) -> None:
    probe = subprocess.run([str(python), "-c", "import dlt, git"], capture_output=True, check=False)
    if probe.returncode != 0:
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *REFERENCE_EXTRAS],
            check=True,
            capture_output=True,
        )


def _worker(ctx: Context, python, scratch: str, rows: int, kind: str) -> JsonWorker:
    base = ctx.scratch(scratch)
    argv = [python, ANCHOR_SCRIPTS / SCRIPT, "serve", "--base", base, "--rows", str(rows)]
    argv += ["--kind", kind] + (["--raw"] if python == ctx.ours_python else [])
    return JsonWorker(argv, cwd=str(ctx.bench_dir))


def _call(worker: JsonWorker, side: str):
    return lambda: worker.request({"side": side})


def _interleaved(calls: dict, *, reps: int, warmup: int = 1) -> dict[str, dict[str, list[float]]]:
    """Round-robin the sides (one warm-up round); seconds and CPU as each worker timed them."""
    samples: dict[str, dict[str, list[float]]] = {
        name: {"seconds": [], "cpu": []} for name in calls
    }
    for rep in range(warmup + reps):
        for name, call in calls.items():
            answer = call()
            if rep >= warmup:
                samples[name]["seconds"].append(float(answer["seconds"]))
                samples[name]["cpu"].append(float(answer["cpu"]))
    return samples
