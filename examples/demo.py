"""A two-step workflow on the embedded DuckDB database: cache misses, then hits.

Run it with ``make demo`` (or ``python examples/demo.py``). Every invocation
works in a fresh temporary folder: the first pass executes both steps, the
second reuses them, and the third changes a parameter, which re-runs the
first step and, through its new output, the second.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

import consist
from consist import ExecutionOptions, Tracker

PATHS = ExecutionOptions(input_binding="paths")


def clean_trips(raw: Path, max_minutes: float) -> dict[str, Path]:
    """Drop implausible trips."""
    trips = pd.read_parquet(raw)
    out = consist.output_path("trips_clean")
    trips[trips["minutes"] <= max_minutes].to_parquet(out)
    return {"trips_clean": out}


def mode_shares(trips_clean: Path) -> dict[str, Path]:
    """Share of trips per mode."""
    trips = pd.read_parquet(trips_clean)
    shares = trips["mode"].value_counts(normalize=True).rename("share").reset_index()
    out = consist.output_path("mode_shares", ext="csv")
    shares.to_csv(out, index=False)
    return {"mode_shares": out}


def workflow(tracker: Tracker, raw: Path, max_minutes: float) -> list[consist.RunResult]:
    cleaned = tracker.run(
        fn=clean_trips,
        inputs={"raw": raw},
        config={"max_minutes": max_minutes},
        outputs=["trips_clean"],
        execution_options=PATHS,
    )
    shares = tracker.run(
        fn=mode_shares,
        inputs={"trips_clean": cleaned.outputs["trips_clean"]},
        outputs=["mode_shares"],
        execution_options=PATHS,
    )
    return [cleaned, shares]


def report(label: str, results: list[consist.RunResult], seconds: float) -> None:
    print(f"\n{label} ({seconds * 1000:.0f} ms)")
    for result in results:
        status = "cache HIT " if result.cache_hit else "cache MISS"
        if result.cache_hit:
            detail = f"reused {result.run.meta['cache_source']}"
        elif result.run.meta["cache_miss_explanation"]["reason"] == "no_similar_prior_run":
            detail = "first run of this step"
        else:
            detail = result.run.meta["cache_miss_reason"]
        print(f"  {status}  {result.run.model_name:<12} {result.run.id:<22} {detail}")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="consist-demo-"))
    raw = folder / "trips.parquet"
    pd.DataFrame(
        {
            "mode": ["car", "bike", "walk", "car", "transit", "car", "bike"],
            "minutes": [12.0, 25.0, 9.0, 300.0, 41.0, 18.0, 14.0],
        }
    ).to_parquet(raw)
    tracker = Tracker(run_dir=folder / "runs", db_path=folder / "provenance.duckdb")
    print(f"consist {consist.__version__}: demo workflow in {folder}")

    passes = [
        ("First pass: everything runs", 120.0),
        ("Second pass: nothing changed, so nothing runs", 120.0),
        ("Third pass: max_minutes changed, so both steps run again", 30.0),
    ]
    for label, max_minutes in passes:
        start = time.perf_counter()
        results = workflow(tracker, raw, max_minutes)
        report(label, results, time.perf_counter() - start)

    print("\nMode shares:")
    print(consist.load_df(results[-1].outputs["mode_shares"]).to_string(index=False))
    runs = tracker.find_runs(limit=None)
    print(f"\nRecorded {len(runs)} runs in {tracker.db_path.name}; snapshots in runs/consist_runs/")
    tracker.close()


if __name__ == "__main__":
    main()
