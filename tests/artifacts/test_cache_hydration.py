"""cache_hydration on hits: outputs-all, outputs-requested, archive mirrors, inputs-missing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from consist import CacheOptions, ExecutionOptions

PATHS = ExecutionOptions(input_binding="paths")


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _produce(raw: Path) -> dict[str, Path]:
    from consist import output_dir

    table = output_dir("tables") / "table.csv"
    table.write_text(raw.read_text().upper())
    note = output_dir() / "note.txt"
    note.write_text("note")
    return {"table": table, "note": note}


def _consume(table: Path, scale: int) -> dict[str, Path]:
    from consist import output_path

    out = output_path("scaled", "txt")
    out.write_text(table.read_text() * scale)
    return {"scaled": out}


def _first(tracker, raw: Path, **cache):
    return tracker.run(
        fn=_produce,
        inputs={"raw": raw},
        outputs=["table", "note"],
        execution_options=PATHS,
        cache_options=CacheOptions(**cache),
    )


def test_outputs_all_copies_every_cached_output_keeping_the_layout(tracker, workdir) -> None:
    raw = workdir / "raw.csv"
    raw.write_text("a,b\n")
    miss = _first(tracker, raw)
    hit = _first(tracker, raw, cache_hydration="outputs-all")
    assert hit.cache_hit
    new_dir = tracker.run_artifact_dir(hit.run)
    assert (new_dir / "tables" / "table.csv").read_text() == "A,B\n"
    assert (new_dir / "note.txt").read_text() == "note"
    assert hit.outputs["table"].path == new_dir / "tables" / "table.csv"
    assert hit.outputs["table"].hash == miss.outputs["table"].hash
    assert set(hit.run.meta["materialized_outputs"]) == {"table", "note"}


def test_outputs_requested_places_the_named_outputs(tracker, workdir) -> None:
    raw = workdir / "raw.csv"
    raw.write_text("x\n")
    _first(tracker, raw)
    want = workdir / "runs" / "wanted" / "my_table.csv"
    hit = tracker.run(
        fn=_produce,
        inputs={"raw": raw},
        output_paths={"table": want},
        execution_options=PATHS,
        cache_options=CacheOptions(cache_hydration="outputs-requested"),
    )
    assert hit.cache_hit and want.read_text() == "X\n"
    assert not (tracker.run_artifact_dir(hit.run) / "note.txt").exists()


def test_a_hit_rehydrates_from_an_archive_mirror(tracker, workdir) -> None:
    raw = workdir / "raw.csv"
    raw.write_text("m\n")
    miss = _first(tracker, raw)
    mirror = workdir / "mirror"
    shutil.copytree(tracker.run_dir / "outputs", mirror / "outputs")
    original = miss.outputs["table"].path
    digest = _sha(original)
    shutil.rmtree(tracker.run_artifact_dir(miss.run))
    hit = _first(
        tracker, raw, cache_hydration="outputs-all", materialize_cached_outputs_source_root=mirror
    )
    assert hit.cache_hit and _sha(hit.outputs["table"].path) == digest
    assert not original.exists()  # restored into the new run's folder, not the old one


def test_inputs_missing_restores_a_produced_input_from_a_recovery_root(tracker, workdir) -> None:
    raw = workdir / "raw.csv"
    raw.write_text("q\n")
    produced = _first(tracker, raw)
    table = produced.outputs["table"]
    archive = tracker.run_dir / "archive"
    tracker.archive_artifact(table, archive, mode="move")
    assert not table.path.exists()
    consumer = tracker.run(
        fn=_consume,
        inputs={"table": table},
        config={"scale": 3},
        outputs=["scaled"],
        execution_options=PATHS,
        cache_options=CacheOptions(cache_hydration="inputs-missing"),
    )
    assert consumer.outputs["scaled"].path.read_text() == "Q\n" * 3
    assert table.path.read_text() == "Q\n"
    assert consumer.run.meta["restored_inputs"] == {"table": str(table.path)}


def test_inputs_missing_rebuilds_a_produced_input_from_the_run_dir_before_a_move(
    make_tracker, workdir
) -> None:
    old = make_tracker(run_dir=workdir / "old_runs")
    raw = workdir / "raw.csv"
    raw.write_text("z\n")
    table = _first(old, raw).outputs["table"]
    old.close()
    # A new run directory on the same database: "./" URIs now point into it, where the
    # file is absent; the copy in the run directory the run was recorded in is found.
    moved = make_tracker(run_dir=workdir / "new_runs")
    relative = table.container_uri.removeprefix("./")
    assert not (workdir / "new_runs" / relative).exists()
    moved_table = moved.get_run_outputs(table.run_id)["table"]
    result = moved.run(
        fn=_consume,
        inputs={"table": moved_table},
        config={"scale": 1},
        outputs=["scaled"],
        execution_options=PATHS,
    )
    assert result.outputs["scaled"].path.read_text() == "Z\n"
    assert (workdir / "new_runs" / relative).read_text() == "Z\n"
