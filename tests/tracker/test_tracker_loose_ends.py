"""Cross-layer loose ends of the Tracker: parent_run_id vs upstream runs, snapshots carrying
``updated_at``, ``find_runs(index_by=FacetIndex)``, the facet-parser hook, and registered
views kept current after runs.

Real trackers, real DuckDB files, real Parquet; one test runs a real subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from consist import ExecutionOptions, FacetIndex, RunFieldIndex
from consist.store import open_database
from consist.store.snapshots import read_snapshot, snapshot_path

PATHS = ExecutionOptions(input_binding="paths")
TRIP = pa.schema([("id", pa.int64()), ("mode", pa.string())])


def _make(folder: Path):
    def make(scale: int) -> dict[str, Path]:
        out = folder / f"made_{scale}.csv"
        out.write_text(f"x\n{scale}\n")
        return {"made": out}

    return make


def _use(made: Path) -> dict[str, Path]:
    out = made.with_name(f"used_{made.stem}.csv")
    out.write_text(made.read_text())
    return {"used": out}


def test_producers_are_upstream_runs_not_parents(tracker, workdir: Path) -> None:
    made = tracker.run(fn=_make(workdir), config={"scale": 1}, outputs=["made"])
    used = tracker.run(fn=_use, inputs={"made": made.outputs["made"]}, execution_options=PATHS)
    assert used.run.parent_run_id is None
    assert used.run.meta["upstream_run_ids"] == [made.run.id]
    assert "upstream_run_ids" not in made.run.meta
    with tracker.scenario("sweep") as sc:
        first = sc.run(fn=_make(workdir), config={"scale": 2}, outputs=["made"])
        second = sc.run(fn=_use, inputs={"made": first.outputs["made"]}, execution_options=PATHS)
    assert first.run.parent_run_id == second.run.parent_run_id == "sweep"
    assert second.run.meta["upstream_run_ids"] == [first.run.id]
    assert tracker.get_run(second.run.id).meta["upstream_run_ids"] == [first.run.id]


def test_snapshot_carries_updated_at_as_stored(tracker, workdir: Path) -> None:
    result = tracker.run(fn=_make(workdir), config={"scale": 3}, outputs=["made"])
    stored = tracker.get_run(result.run.id)
    snap = read_snapshot(snapshot_path(tracker.run_dir, result.run.id)).run
    assert stored.updated_at is not None and snap.updated_at == stored.updated_at


def test_find_runs_index_by_facet_keeps_the_newest(tracker, workdir: Path) -> None:
    make = _make(workdir)
    ids = {}
    for scale, scenario in ((1, "base"), (2, "policy"), (3, "base")):
        ids[scale] = tracker.run(
            fn=make, config={"scale": scale}, outputs=["made"], facet={"scenario": scenario}
        ).run.id
    by_scenario = tracker.find_runs(model="make", index_by=FacetIndex("scenario"))
    assert {k: v.id for k, v in by_scenario.items()} == {"base": ids[3], "policy": ids[2]}
    by_name = tracker.find_runs(model="make", index_by="scenario")  # not a run field: a facet
    assert by_name.keys() == by_scenario.keys()
    by_model = tracker.find_runs(index_by=RunFieldIndex("model"))
    assert by_model["make"].id == ids[3]


def test_facet_parsers_hook_into_log_artifact(tracker, workdir: Path) -> None:
    tracker.register_artifact_facet_parser("made_", lambda key: {"n": int(key.split("_")[1])})
    assert "log_artifact" not in vars(tracker)  # a hook, not a replaced method
    path = workdir / "f.csv"
    path.write_text("x\n")
    with tracker.start_run("facets", model="m"):
        art = tracker.log_output(path, key="made_7")
        plain = tracker.log_output(path, key="other")
    assert art.meta["facet"] == {"n": 7} and "facet" not in plain.meta


def _trip_step(folder: Path):
    def trips(n: int) -> dict[str, Path]:
        out = folder / f"trips_{n}.parquet"
        pq.write_table(pa.table({"id": list(range(n)), "mode": ["car"] * n}, schema=TRIP), out)
        return {"trip": out}

    return trips


def _rows_seen_from_outside(db_path: Path) -> int:
    with open_database(db_path, read_only=True).session() as con:
        return con.execute("SELECT count(*) FROM v_trip").fetchall()[0][0]


def test_registered_views_include_new_files_after_close(make_tracker, workdir: Path) -> None:
    from consist.data.schemas import TableSchema
    from consist.data.view_freshness import stale_concepts

    tracker = make_tracker(schemas=[TableSchema.from_arrow("trip", TRIP)])
    step = _trip_step(workdir)
    tracker.run(fn=step, config={"n": 2}, outputs=["trip"])
    assert stale_concepts(tracker) == {"trip"}
    tracker.close()
    assert stale_concepts(tracker) == set()
    assert _rows_seen_from_outside(tracker.db_path) == 2
    tracker.run(fn=step, config={"n": 3}, outputs=["trip"])
    assert tracker.run(fn=step, config={"n": 3}, outputs=["trip"]).cache_hit
    tracker.views.refresh()
    assert stale_concepts(tracker) == set()
    assert tracker.run(fn=step, config={"n": 3}, outputs=["trip"]).cache_hit
    assert stale_concepts(tracker) == set()  # a cache hit writes no new file
    assert _rows_seen_from_outside(tracker.db_path) == 5


def test_views_are_refreshed_when_the_process_exits(git_project: Path, workdir: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        import pyarrow as pa, pyarrow.parquet as pq
        from consist import Tracker
        from consist.data.schemas import TableSchema

        schema = pa.schema([("id", pa.int64()), ("mode", pa.string())])
        tracker = Tracker("runs", db_path="provenance.duckdb", project_root={str(git_project)!r},
                          schemas=[TableSchema.from_arrow("trip", schema)])

        def trips(n):
            out = Path(f"trips_{{n}}.parquet")
            pq.write_table(pa.table({{"id": list(range(n)), "mode": ["car"] * n}}), out)
            return {{"trip": out}}

        for n in (1, 4):
            tracker.run(fn=trips, config={{"n": n}}, outputs=["trip"])
        # no tracker.close(): the exit hook rebuilds v_trip
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=workdir, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert _rows_seen_from_outside(workdir / "provenance.duckdb") == 5
