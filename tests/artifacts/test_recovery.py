"""Recovery metadata (recovery roots, registered copies, archives) and input staging."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import consist
from consist.errors import ArtifactFileMissingError, ConfigError, UriResolutionError
from consist.store.snapshots import snapshot_path


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def outputs(tracker):
    with tracker.start_run("made", model="m"):
        for key in ("a", "b"):
            path = tracker.output_path(key, "txt")
            path.write_text(key * 1000)
            tracker.log_output(path, key=key)
    return tracker.get_run_outputs("made")


def test_recovery_roots_are_persisted_in_the_database_and_the_snapshot(
    make_tracker, tracker, outputs, workdir
) -> None:
    updated = tracker.set_artifact_recovery_roots(outputs["a"], ["/archive/one", "rel"])
    assert updated.recovery_roots == ["/archive/one", str(workdir / "rel")]
    tracker.set_artifact_recovery_roots(outputs["a"], ["/archive/two", "/archive/one"], append=True)
    other_process_view = make_tracker().get_run_outputs("made")["a"]
    assert other_process_view.recovery_roots == [
        "/archive/one",
        str(workdir / "rel"),
        "/archive/two",
    ]
    snapshot = json.loads(snapshot_path(tracker.run_dir, "made").read_text())
    by_key = {a["key"]: a for a in snapshot["outputs"]}
    assert by_key["a"]["meta"]["recovery_roots"][-1] == "/archive/two"
    assert "recovery_roots" not in by_key["b"]["meta"]


def test_register_a_copy_made_elsewhere(tracker, outputs, workdir) -> None:
    artifact = outputs["a"]
    copy_root = workdir / "tape_restore"
    relative = artifact.container_uri.removeprefix("./")
    with pytest.raises(ArtifactFileMissingError, match="No copy of artifact 'a'"):
        tracker.register_artifact_recovery_copy(artifact, copy_root)
    (copy_root / relative).parent.mkdir(parents=True)
    (copy_root / relative).write_text("tampered")
    with pytest.raises(ValueError, match="does not match artifact 'a'"):
        tracker.register_artifact_recovery_copy(artifact, copy_root)
    shutil.copy(artifact.path, copy_root / relative)
    registration = tracker.register_artifact_recovery_copy(artifact, copy_root)
    assert registration.verified and registration.copy_path == copy_root / relative
    flat = workdir / "flat"
    flat.mkdir()
    shutil.copy(outputs["b"].path, flat / "b.txt")
    by_run = tracker.register_run_output_recovery_copies("made", flat, keys=["b"])
    assert by_run["b"].copy_path == flat / "b.txt"
    artifact.path.unlink()
    outputs["b"].path.unlink()
    restored = tracker.materialize_run_outputs("made", target_root=tracker.run_dir)
    assert restored.ok and {d.origin for d in restored.details.values()} == {"recovery_root"}


def test_archive_run_outputs_copy_and_move(make_tracker, tracker, outputs) -> None:
    archive = tracker.run_dir / "archive"
    digests = {k: _sha(a.path) for k, a in outputs.items()}
    copied = tracker.archive_run_outputs("made", archive, keys=["a"])
    assert list(copied) == ["a"] and copied["a"].read_text() == "a" * 1000
    assert outputs["a"].path.exists()
    moved = tracker.archive_run_outputs("made", archive, mode="move")
    assert sorted(moved.paths) == ["a", "b"] and not outputs["b"].path.exists()
    assert moved.outputs["b"].recovery_roots == [str(archive)]
    # A later process finds the archived bytes through the recorded recovery root.
    later = make_tracker()
    result = later.materialize_run_outputs(
        "made", target_root="back", validate_content_hash="always"
    )
    assert result.ok
    assert {k: _sha(p) for k, p in result.paths.items()} == digests


def test_archive_roots_must_be_configured(make_tracker, outputs, workdir) -> None:
    plain = make_tracker()
    with pytest.raises(UriResolutionError, match=r"Archive root .* is outside allowed roots"):
        plain.archive_run_outputs("made", workdir / "cold_storage")
    configured = make_tracker(archive_mounts={"workspace": workdir / "cold_storage"})
    archived = configured.archive_run_outputs("made", workdir / "cold_storage")
    assert archived["a"].is_relative_to(workdir / "cold_storage")


def test_archive_the_current_run_before_it_ends(tracker) -> None:
    with tracker.start_run("live", model="m"):
        path = tracker.output_path("live", "txt")
        path.write_text("live")
        tracker.log_output(path, key="live")
        archived = tracker.archive_current_run_outputs(tracker.run_dir / "arch")
    assert archived["live"].read_text() == "live"
    recorded = tracker.get_run_outputs("live")["live"]
    assert recorded.recovery_roots == [str(tracker.run_dir / "arch")]


def test_stage_inputs_copy_hardlink_symlink(tracker, outputs) -> None:
    staged = tracker.stage_inputs(
        outputs,
        destinations_by_key={"a": "work/a_copy.txt", "b": "work/b_link.txt"},
        mode="copy",
    )
    assert staged.ok and (tracker.run_dir / "work" / "a_copy.txt").read_text() == "a" * 1000
    assert staged.inputs["a"].verified and staged.inputs["a"].status == "staged"
    linked = tracker.stage_artifact(outputs["a"], destination="work/a_hard.txt", mode="hardlink")
    assert linked.path.stat().st_ino == outputs["a"].path.stat().st_ino
    soft = tracker.stage_artifact(outputs["b"], destination="work/b_soft.txt", mode="symlink")
    assert soft.path.is_symlink() and soft.path.resolve() == outputs["b"].path
    kept = tracker.stage_artifact(outputs["b"], destination="work/a_copy.txt")
    assert kept.status == "preserved_existing" and kept.path.read_text() == "a" * 1000
    over = tracker.stage_artifact(outputs["b"], destination="work/a_copy.txt", overwrite=True)
    assert over.status == "staged" and over.path.read_text() == "b" * 1000
    with pytest.raises(ConfigError, match="unknown inputs"):
        tracker.stage_inputs(outputs, destinations_by_key={"zzz": "x"})
    with pytest.raises(UriResolutionError, match="outside allowed roots"):
        tracker.stage_artifact(outputs["a"], destination="/tmp/consist-outside/a.txt")
    with pytest.raises(ConfigError, match="mode must be one of"):
        tracker.stage_artifact(outputs["a"], destination="work/x", mode="teleport")


def test_archive_mounts_are_searched_for_mounted_outputs(make_tracker, workdir) -> None:
    live, cold = workdir / "results", workdir / "cold" / "results"
    tracker = make_tracker(mounts={"results": live}, archive_mounts={"results": cold})
    with tracker.start_run("published", model="m"):
        path = live / "2030" / "trips.csv"
        path.parent.mkdir(parents=True)
        path.write_text("trips\n")
        artifact = tracker.log_output(path, key="trips")
    assert artifact.container_uri == "results://2030/trips.csv"
    assert tracker.get_run("published").meta["archive_mounts"] == {"results": str(cold)}
    (cold / "2030").mkdir(parents=True)
    shutil.move(path, cold / "2030" / "trips.csv")  # the run was promoted to the archive
    with consist.use_tracker(tracker):
        restored = consist.materialize_run_outputs("published", target_root=live)
    assert restored.details["trips"].origin == "archive_mount" and path.read_text() == "trips\n"
