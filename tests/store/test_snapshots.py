"""JSON snapshots: atomic writes, corrupt-file skipping, and rebuilding the database."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from consist.errors import ConfigError, CorruptSnapshotError
from consist.models import Artifact, ConsistRecord, Run
from consist.store import MetadataStore, snapshots
from consist.store.rebuild import rebuild_from_snapshots
from consist.store.snapshots import iter_snapshots, read_snapshot, snapshot_path, write_snapshot

if TYPE_CHECKING:
    from conftest import PythonProcesses


def record(run_id: str, *, minutes: int = 0, **run_fields: object) -> ConsistRecord:
    from datetime import UTC, datetime, timedelta

    created = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    run = Run(id=run_id, model_name="m", status="completed", created_at=created, **run_fields)  # type: ignore[arg-type]
    raw = Artifact(key="in", container_uri="inputs://in.csv", driver="csv", id=f"{run_id}-in")
    out = Artifact(
        key="out", container_uri=f"./{run_id}/out.parquet", driver="parquet", run_id=run_id
    )
    return ConsistRecord(
        run=run, inputs=[raw], outputs=[out], config={"a": 1}, facet={"scenario": run_id}
    )


def test_write_and_read_back(tmp_path: Path) -> None:
    rec = record("step/1")
    path = write_snapshot(tmp_path, rec, write_latest=True)
    assert path == snapshot_path(tmp_path, "step/1") == tmp_path / "consist_runs" / "step_1.json"
    assert read_snapshot(path).to_dict() == rec.to_dict()
    assert json.loads((tmp_path / "consist.json").read_text())["run"]["id"] == "step/1"
    assert [p.name for p in (tmp_path / "consist_runs").iterdir()] == ["step_1.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_snapshot(tmp_path, record("r1"))
    before = path.read_bytes()

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(snapshots.os, "replace", crash)
    changed = record("r1", description="new")
    with pytest.raises(OSError, match="disk full"):
        write_snapshot(tmp_path, changed)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["r1.json"]


def test_readers_never_see_a_partial_file(tmp_path: Path, procs: PythonProcesses) -> None:
    # A child rewrites one big snapshot over and over; every read here must parse.
    path = write_snapshot(tmp_path, record("r1"))
    writer = procs.spawn(
        """
        import sys
        from consist.models import ConsistRecord, Run
        from consist.store.snapshots import write_snapshot
        big = {"blob": "x" * 200_000}
        print("ready", flush=True)
        for i in range(150):
            run = Run(id="r1", model_name="m", meta={"i": i, **big})
            write_snapshot(sys.argv[1], ConsistRecord(run=run))
        """,
        str(tmp_path),
    )
    procs.wait_for_line(writer, "ready")
    reads = 0
    while writer.poll() is None:
        assert read_snapshot(path).run.id == "r1"
        reads += 1
    _, err = writer.communicate()
    assert writer.returncode == 0, err
    assert reads > 0 and read_snapshot(path).run.meta["i"] == 149


def test_corrupt_snapshots_are_reported_and_skipped(tmp_path: Path) -> None:
    write_snapshot(tmp_path, record("good"))
    json_dir = tmp_path / "consist_runs"
    (json_dir / "truncated.json").write_text('{"run": {"id": "x", "mod')
    (json_dir / "no_run.json").write_text('{"inputs": []}')
    (json_dir / ".good.json.abc.tmp").write_text("{")  # an interrupted write: ignored
    (json_dir / "notes.txt").write_text("not a snapshot")
    problems: list[tuple[str, str]] = []
    found = list(iter_snapshots(json_dir, on_error=lambda p, e: problems.append((p.name, str(e)))))
    assert [rec.run.id for _, rec in found] == ["good"]
    assert sorted(name for name, _ in problems) == ["no_run.json", "truncated.json"]
    assert all("Corrupt run snapshot" in text for _, text in problems)
    with pytest.raises(CorruptSnapshotError):
        read_snapshot(json_dir / "truncated.json")


def test_default_corrupt_report_is_a_log_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "bad.json").write_text("[")
    with caplog.at_level("WARNING", logger="consist.store"):
        assert list(iter_snapshots(tmp_path)) == []
    assert "Skipping corrupt snapshot" in caplog.text


def test_rebuild_minimal_and_full(tmp_path: Path, store: MetadataStore) -> None:
    run_dir = tmp_path / "runs"
    for i in range(3):
        write_snapshot(run_dir, record(f"r{i}", minutes=i, meta={"stage": "supply", "phase": "p"}))
    (run_dir / "consist_runs" / "broken.json").write_text("{")
    report = rebuild_from_snapshots(store.db, run_dir / "consist_runs", mode="minimal")
    assert (report.runs, report.artifacts, report.links, report.facets) == (3, 6, 6, 0)
    assert [Path(p).name for p, _ in report.skipped] == ["broken.json"]
    rebuilt = store.get_run("r1")
    assert rebuilt is not None and (rebuilt.stage, rebuilt.phase) == ("supply", "p")
    assert rebuilt.meta["stage"] == "supply"  # legacy meta value preserved
    artifacts = store.get_artifacts_for_run("r1")
    assert list(artifacts.inputs) == ["in"] and list(artifacts.outputs) == ["out"]
    assert store.get_run_config_kv("r1") == []
    full = rebuild_from_snapshots(store.db, run_dir / "consist_runs", mode="full")
    assert full.facets == 3 and store.count_runs() == 3  # idempotent upserts
    assert [row["value"] for row in store.get_run_config_kv("r1")] == ["r1"]
    assert full.to_dict()["mode"] == "full"


def test_rebuild_dry_run_writes_nothing(tmp_path: Path, store: MetadataStore) -> None:
    write_snapshot(tmp_path, record("r0"))
    report = rebuild_from_snapshots(store.db, tmp_path / "consist_runs", mode="full", dry_run=True)
    assert report.dry_run and report.runs == 1 and report.facets == 1
    assert store.count_runs() == 0


def test_rebuild_is_all_or_nothing(
    tmp_path: Path, store: MetadataStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        write_snapshot(tmp_path, record(f"r{i}", minutes=i))
    from consist.store import rebuild

    calls = {"n": 0}
    original = rebuild.facet_sql.record_facet

    def fail_on_third(*args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk trouble")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rebuild.facet_sql, "record_facet", fail_on_third)
    with pytest.raises(RuntimeError, match="disk trouble"):
        rebuild_from_snapshots(store.db, tmp_path / "consist_runs", mode="full")
    assert store.count_runs() == 0


def test_rebuild_rejects_bad_arguments(tmp_path: Path, store: MetadataStore) -> None:
    with pytest.raises(ConfigError, match="Unknown rebuild mode 'everything'"):
        rebuild_from_snapshots(store.db, tmp_path, mode="everything")
    with pytest.raises(ConfigError, match="Snapshot directory not found"):
        rebuild_from_snapshots(store.db, tmp_path / "nope")


def test_snapshot_file_is_fsynced_before_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(
        snapshots.os, "fsync", lambda fd: (order.append("fsync"), real_fsync(fd))[1]
    )
    monkeypatch.setattr(
        snapshots.os, "replace", lambda a, b: (order.append("replace"), real_replace(a, b))[1]
    )
    write_snapshot(tmp_path, record("r"))
    assert order == ["fsync", "replace", "fsync"]  # file, rename, directory
