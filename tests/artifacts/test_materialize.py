"""materialize_run_outputs: from the run directory, an archive mirror, or ingested rows."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from consist import log_dataframe
from consist.errors import ArtifactFileMissingError, ArtifactNotFoundError, UriResolutionError

ROWS = pa.table({"id": [1, 2, 3], "x": [0.5, None, 2.5], "name": ["a", "b", None]})
SCHEMA = ROWS.schema


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def produced(tracker):
    """A run with a raw-file output, a CSV and an Arrow-written Parquet (both ingested)."""
    with tracker.start_run("producer", model="prep"):
        notes = tracker.output_dir("reports") / "notes.txt"
        notes.write_bytes(os.urandom(50_000))
        tracker.log_output(notes, key="notes")
        log_dataframe(ROWS, key="persons", schema=SCHEMA, tracker=tracker)
        log_dataframe(ROWS, key="persons_csv", schema=SCHEMA, driver="csv", tracker=tracker)
    outputs = tracker.get_run_outputs("producer")
    return {key: (art, _sha(art.path)) for key, art in outputs.items()}


def test_restores_byte_identical_files_keeping_the_layout(tracker, produced) -> None:
    result = tracker.materialize_run_outputs(
        "producer", target_root="restored", validate_content_hash="always"
    )
    assert result.ok and sorted(result.materialized_from_filesystem) == sorted(produced)
    for key, (artifact, digest) in produced.items():
        restored = Path(result.materialized_from_filesystem[key])
        relative = artifact.container_uri.removeprefix("./")
        assert restored == tracker.run_dir / "restored" / relative
        assert _sha(restored) == digest
        assert result.details[key].verified and result.details[key].origin == "artifact_uri"


def test_deleted_outputs_come_back_from_an_archive_mirror(tracker, produced, workdir) -> None:
    mirror = workdir / "archive" / "outputs_mirror"
    shutil.copytree(tracker.run_dir / "outputs", mirror / "outputs")
    for artifact, _ in produced.values():
        artifact.path.unlink()
    result = tracker.materialize_run_outputs(
        "producer",
        target_root=tracker.run_dir,
        source_root=mirror,
        db_fallback="never",
        validate_content_hash="always",
    )
    assert result.ok
    for key, (artifact, digest) in produced.items():
        assert _sha(artifact.path) == digest  # back at its own location
        assert result.details[key].origin == "source_root"


def test_gone_everywhere_csv_and_parquet_are_rebuilt_from_ingested_rows(tracker, produced):
    for artifact, _ in produced.values():
        artifact.path.unlink()
    never = tracker.materialize_run_outputs("producer", target_root="r1", db_fallback="never")
    assert sorted(never.skipped_missing_source) == sorted(produced)
    result = tracker.materialize_run_outputs(
        "producer", target_root="r2", validate_content_hash="always", on_missing="warn"
    )
    assert sorted(result.materialized_from_db) == ["persons", "persons_csv"]
    assert result.skipped_missing_source == ["notes"]  # a raw file has no rows to rebuild from
    for key in ("persons", "persons_csv"):
        assert _sha(result.materialized_from_db[key]) == produced[key][1]  # byte-identical
        assert result.details[key].verified and result.details[key].method == "rebuilt_from_db"
    with pytest.raises(ArtifactFileMissingError, match="Could not materialize outputs"):
        tracker.materialize_run_outputs("producer", target_root="r3", on_missing="raise")


def test_pandas_parquet_comes_back_with_the_same_rows(tracker) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": [1, 2], "v": [1.5, 2.5]})
    with tracker.start_run("pandas_run", model="prep"):
        artifact = log_dataframe(
            frame,
            key="frame",
            schema=pa.schema([("id", pa.int64()), ("v", pa.float64())]),
            tracker=tracker,
        )
    artifact.path.unlink()
    result = tracker.hydrate_run_outputs("pandas_run", target_root="back")
    outcome = result["frame"]
    assert outcome.status == "materialized_from_db" and not outcome.verified
    import pyarrow.parquet as pq

    assert pq.read_table(outcome.path).equals(
        pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    )


def test_existing_destinations_are_kept_unless_asked(tracker, produced) -> None:
    first = tracker.materialize_run_outputs("producer", target_root="again", keys=["notes"])
    target = Path(first.materialized_from_filesystem["notes"])
    target.write_text("edited")
    kept = tracker.materialize_run_outputs("producer", target_root="again", keys=["notes"])
    assert kept.skipped_existing == ["notes"] and target.read_text() == "edited"
    replaced = tracker.materialize_run_outputs(
        "producer", target_root="again", keys=["notes"], preserve_existing=False
    )
    assert replaced.materialized_from_filesystem and _sha(target) == produced["notes"][1]
    with pytest.raises(ArtifactNotFoundError, match="no outputs"):
        tracker.materialize_run_outputs("producer", target_root="again", keys=["nope"])


def test_targets_outside_the_run_dir_and_mounts_are_refused(make_tracker, workdir) -> None:
    mount = workdir / "shared"
    tracker = make_tracker(mounts={"shared": mount})
    with tracker.start_run("one", model="m"):
        out = tracker.output_path("x", "txt")
        out.write_text("x")
        tracker.log_output(out, key="x")
    with pytest.raises(UriResolutionError, match="is outside allowed roots"):
        tracker.materialize_run_outputs("one", target_root=workdir / "elsewhere")
    with pytest.raises(UriResolutionError, match="is outside allowed roots"):
        tracker.materialize_run_outputs("one", target_root="../escape")
    (workdir / "outside").mkdir()
    (tracker.run_dir / "sneaky").symlink_to(workdir / "outside")
    with pytest.raises(UriResolutionError, match="through a symlink"):
        tracker.materialize_run_outputs("one", target_root="sneaky")
    # A configured mount root needs no allow_external_paths (the guide says so).
    into_mount = tracker.materialize_run_outputs("one", target_root=mount / "restore")
    assert Path(into_mount.materialized_from_filesystem["x"]).read_text() == "x"
    external = make_tracker(allow_external_paths=True)
    anywhere = external.materialize_run_outputs("one", target_root=workdir / "elsewhere")
    assert anywhere.ok
    assert not list((workdir / "elsewhere").rglob(".*.tmp"))


def test_a_copy_with_the_wrong_bytes_is_never_placed(tracker, produced, workdir) -> None:
    artifact, digest = produced["notes"]
    bad, good = workdir / "bad_copy", workdir / "good_copy"
    relative = artifact.container_uri.removeprefix("./")
    (bad / relative).parent.mkdir(parents=True)
    (bad / relative).write_text("corrupted")
    (good / relative).parent.mkdir(parents=True)
    shutil.copy(artifact.path, good / relative)
    tracker.set_artifact_recovery_roots(artifact, [bad, good])
    artifact.path.unlink()
    result = tracker.hydrate_run_outputs(
        "producer", target_root="verified", keys=["notes"], validate_content_hash="always"
    )
    assert result["notes"].origin == "recovery_root"
    assert result["notes"].source_path == good / relative and _sha(result["notes"].path) == digest
    (good / relative).unlink()
    mismatch = tracker.hydrate_run_outputs(
        "producer", target_root="verified2", keys=["notes"], validate_content_hash="always"
    )
    assert mismatch["notes"].status == "hash_mismatch"
    assert not mismatch["notes"].path.exists()
    leftovers = [p for p in (tracker.run_dir / "verified2").rglob("*") if p.is_file()]
    assert leftovers == []  # neither the bad bytes nor a temp file


def test_an_interrupted_directory_placement_leaves_nothing(tracker, workdir) -> None:
    with tracker.start_run("dir_run", model="m"):
        folder = tracker.output_dir("bundle")
        (folder / "a.txt").write_text("a")
        tracker.log_output(folder, key="bundle")
    (folder / "zz_broken").symlink_to(workdir / "missing-target")  # fails mid-copy
    result = tracker.hydrate_run_outputs("dir_run", target_root="copy")
    assert result["bundle"].status == "failed"
    target_parent = tracker.run_dir / "copy" / "outputs" / "m" / "dir_run"
    assert not (target_parent / "bundle").exists()
    leftovers = list(target_parent.iterdir()) if target_parent.exists() else []
    assert leftovers == []  # no half-copied folder, no temp folder


def test_hardlinks_only_when_asked(tracker, produced) -> None:
    artifact, _ = produced["notes"]
    copied = tracker.hydrate_run_outputs("producer", target_root="c", keys=["notes"])
    assert copied["notes"].method in ("copy", "reflink")
    assert copied["notes"].path.stat().st_ino != artifact.path.stat().st_ino
    linked = tracker.hydrate_run_outputs(
        "producer", target_root="h", keys=["notes"], link_mode="hardlink"
    )
    assert linked["notes"].method == "hardlink"
    assert linked["notes"].path.stat().st_ino == artifact.path.stat().st_ino


def test_materialize_artifact_and_the_low_level_materialize(tracker, produced) -> None:
    artifact, digest = produced["notes"]
    placed = tracker.materialize_artifact(artifact, target_root="single")
    assert placed.status == "materialized_from_artifact_uri" and placed.verified
    assert tracker.materialize_artifact(artifact, target_root="single").status == "already_present"
    exact = tracker.materialize(artifact, "exact/notes.bin")
    assert exact == tracker.run_dir / "exact" / "notes.bin" and _sha(exact) == digest
