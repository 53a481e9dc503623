"""A workflow re-run from another working directory, or after its run directory and data
moved to new roots, still resolves every artifact and still hits the cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from consist import ExecutionOptions
from consist.store import open_database

PATHS = ExecutionOptions(input_binding="paths")


def _double(raw: Path) -> dict[str, Path]:
    from consist import output_path

    out = output_path("doubled", "csv")
    out.write_text(raw.read_text() * 2)
    return {"doubled": out}


def _count(doubled: Path) -> dict[str, Path]:
    from consist import output_path

    out = output_path("count", "txt")
    out.write_text(str(len(doubled.read_text().splitlines())))
    return {"count": out}


def _chain(tracker, raw: Path | str):
    first = tracker.run(
        fn=_double, inputs={"raw": raw}, outputs=["doubled"], execution_options=PATHS
    )
    second = tracker.run(
        fn=_count,
        inputs={"doubled": first.outputs["doubled"]},
        outputs=["count"],
        execution_options=PATHS,
    )
    return first, second


def test_moved_run_directory_and_new_mount_roots(make_tracker, workdir: Path) -> None:
    old_data, old_runs = workdir / "old" / "data", workdir / "old" / "runs"
    old_data.mkdir(parents=True)
    (old_data / "raw.csv").write_text("a\nb\n")
    db = workdir / "old" / "provenance.duckdb"
    tracker = make_tracker(run_dir=old_runs, db_path=db, mounts={"inputs": old_data})
    first, second = _chain(tracker, old_data / "raw.csv")
    assert first.outputs["doubled"].container_uri.startswith("./outputs/")
    tracker.close()
    open_database(db).close()

    shutil.move(workdir / "old", workdir / "new")  # run dir, database and data all move
    new_runs, new_data = workdir / "new" / "runs", workdir / "new" / "data"
    moved = make_tracker(
        run_dir=new_runs, db_path=workdir / "new" / "provenance.duckdb", mounts={"inputs": new_data}
    )
    for run in (first.run, second.run):
        recorded = moved.get_artifacts_for_run(run.id)
        for artifact in [*recorded.inputs.values(), *recorded.outputs.values()]:
            assert artifact.path.exists(), artifact.container_uri
            assert str(artifact.path).startswith(str(workdir / "new"))
    old_path = moved.resolve_historical_path(moved.get_run_outputs(first.run.id)["doubled"])
    assert str(old_path).startswith(str(old_runs))

    again_first, again_second = _chain(moved, new_data / "raw.csv")
    assert again_first.cache_hit and again_second.cache_hit
    assert again_second.run.meta["cache_source"] == second.run.id
    restored = moved.materialize_run_outputs(
        second.run.id, target_root="restored", validate_content_hash="always"
    )
    assert restored.ok and Path(restored.materialized_from_filesystem["count"]).read_text() == "4"


def test_different_working_directory(make_tracker, workdir: Path, monkeypatch) -> None:
    project = workdir / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "raw.csv").write_text("x\ny\nz\n")
    elsewhere = workdir / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    tracker = make_tracker(run_dir=project / "runs", db_path=project / "provenance.duckdb")

    monkeypatch.chdir(project)
    first, second = _chain(tracker, "data/raw.csv")  # relative to the first cwd
    assert not first.cache_hit

    monkeypatch.chdir(elsewhere)
    again = make_tracker(run_dir=project / "runs", db_path=project / "provenance.duckdb")
    relative_from_here = os.path.relpath(project / "data" / "raw.csv", elsewhere)
    hit_first, hit_second = _chain(again, relative_from_here)
    assert hit_first.cache_hit and hit_second.cache_hit
    output = again.get_artifacts_for_run(second.run.id).outputs["count"]
    assert output.path == project / "runs" / output.container_uri.removeprefix("./")
    assert output.path.read_text() == "6"
