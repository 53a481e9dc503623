"""Snapshot sync levels and the batched fsync queue (real files, real fsyncs)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from consist.errors import ConfigError
from consist.models import ConsistRecord, Run
from consist.store import deferred_sync as deferred
from consist.store import snapshots
from consist.store.snapshots import read_snapshot, write_snapshot


def _record(run_id: str) -> ConsistRecord:
    return ConsistRecord(run=Run(id=run_id, model_name="m", status="completed"))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every fsync (with the path it was opened from) and rename, in order."""
    seen: list[tuple[str, str]] = []
    opened: dict[int, str] = {}
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def track_open(path: str, flags: int, *args: int) -> int:
        fd = real_open(path, flags, *args)
        opened[fd] = "<temp file>" if str(path).endswith(".tmp") else str(path)
        return fd

    def track_fsync(fd: int) -> None:
        seen.append(("fsync", opened[fd]))
        real_fsync(fd)

    def track_replace(src: str, dst: str) -> None:
        seen.append(("replace", str(dst)))
        real_replace(src, dst)

    deferred.flush_deferred_syncs()  # start from an empty queue
    monkeypatch.setattr(os, "open", track_open)
    monkeypatch.setattr(os, "fsync", track_fsync)
    monkeypatch.setattr(os, "replace", track_replace)
    return seen


def test_full_sync_is_the_default(tmp_path: Path, calls: list[tuple[str, str]]) -> None:
    path = write_snapshot(tmp_path, _record("r"))
    assert calls == [
        ("fsync", "<temp file>"),
        ("replace", str(path)),
        ("fsync", str(path.parent)),
    ]
    assert deferred.deferred_sync().pending_count() == 0


def test_file_sync_batches_the_directory(tmp_path: Path, calls: list[tuple[str, str]]) -> None:
    first = write_snapshot(tmp_path, _record("r1"), sync="file")
    second = write_snapshot(tmp_path, _record("r2"), sync="file")
    assert calls == [
        ("fsync", "<temp file>"),
        ("replace", str(first)),
        ("fsync", "<temp file>"),
        ("replace", str(second)),
    ]
    deferred.flush_deferred_syncs()
    assert calls[4:] == [("fsync", str(first.parent))]  # one directory fsync for both


def test_batched_sync_defers_file_and_directory(
    tmp_path: Path, calls: list[tuple[str, str]]
) -> None:
    path = write_snapshot(tmp_path, _record("hit"), sync="batched")
    assert calls == [("replace", str(path))]
    assert read_snapshot(path).run.id == "hit"  # complete and readable at once
    deferred.flush_deferred_syncs()
    assert calls[1:] == [("fsync", str(path)), ("fsync", str(path.parent))]


def test_the_release_thread_flushes_the_queue(tmp_path: Path) -> None:
    deferred.flush_deferred_syncs()
    write_snapshot(tmp_path, _record("hit"), sync="batched")
    queue = deferred.deferred_sync()
    assert queue.pending_count() == 2
    deadline = time.monotonic() + 10  # a generous bound for a loaded machine, not a timing
    while queue.pending_count() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert queue.pending_count() == 0


def test_a_file_removed_before_its_fsync_is_skipped(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path, _record("gone"), sync="batched")
    path.unlink()
    deferred.flush_deferred_syncs()
    assert deferred.deferred_sync().pending_count() == 0


def test_unknown_sync_level_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Unknown snapshot sync level 'never'"):
        snapshots.atomic_write_text(tmp_path / "x.json", "{}", sync="never")
    assert not (tmp_path / "x.json").exists()
