"""``db rebuild`` progress (one bar, total = snapshots read) and ``updated_at`` of old snapshots.

Real snapshot files and DuckDB files; the Rich display is replaced by a recorder.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from consist.maintenance.progress import RecordingProgress
from consist.maintenance.rebuild import rebuild_database
from consist.models import ConsistRecord, Run
from consist.store import MetadataStore, open_database
from consist.store.rebuild import rebuild_from_snapshots
from consist.store.snapshots import write_snapshot

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def _snapshots(run_dir: Path, n: int) -> Path:
    for i in range(n):
        start = T0 + timedelta(minutes=i)
        run = Run(
            id=f"r{i}",
            model_name="m",
            status="completed",
            created_at=start,
            started_at=start,
            ended_at=start + timedelta(seconds=30),
            updated_at=None if i == 0 else start + timedelta(seconds=31),
        )
        write_snapshot(run_dir, ConsistRecord(run=run))
    return run_dir / "consist_runs"


def test_rebuild_reports_progress_run_by_run(tmp_path: Path) -> None:
    json_dir = _snapshots(tmp_path / "runs", 4)
    progress = RecordingProgress()
    result = rebuild_database(tmp_path / "p.duckdb", json_dir, progress=progress)
    assert result["runs"] == 4
    assert progress.events == [
        ("start", "rebuilding (minimal)", 4),
        *[("advance", 1)] * 4,
        ("finish",),
    ]
    dry = RecordingProgress()
    rebuild_database(tmp_path / "p.duckdb", json_dir, dry_run=True, progress=dry)
    assert dry.events[0] == ("start", "rebuilding (minimal)", 4) and len(dry.events) == 6


def test_progress_callback_and_updated_at_of_old_snapshots(tmp_path: Path) -> None:
    json_dir = _snapshots(tmp_path / "runs", 3)
    calls: list[tuple[int, int]] = []
    store = MetadataStore.open(tmp_path / "q.duckdb")
    rebuild_from_snapshots(
        store.db, json_dir, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    old, new = store.get_run("r0"), store.get_run("r1")
    assert old.updated_at == old.ended_at  # written before snapshots carried updated_at
    assert new.updated_at == T0 + timedelta(minutes=1, seconds=31)
    open_database(tmp_path / "q.duckdb").close()
