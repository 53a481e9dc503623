"""``consist db rebuild``: restore the database from the per-run JSON snapshots.

Builds on ``consist.store.rebuild.rebuild_from_snapshots`` (one transaction;
corrupt snapshots reported and skipped). What this layer adds: a damaged
database file is moved aside (renamed ``<name>.damaged-<UTC time>``, never
deleted) and a fresh one is built in its place, so a truncated or
overwritten ``provenance.duckdb`` is recoverable with one command.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "consist_runs").mkdir()
    >>> rebuild_database(d / "p.duckdb", d / "consist_runs")["runs"]
    0
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from consist.maintenance.database import (
    DatabaseDamagedError,
    open_store,
    probe_file,
    wal_path,
)
from consist.maintenance.progress import Progress

__all__ = ["move_aside", "rebuild_database"]


def move_aside(db_path: Path) -> Path:
    """Rename a damaged database (and its WAL) to ``<name>.damaged-<UTC time>``; return the new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    os.replace(db_path, target)
    wal = wal_path(db_path)
    if wal.exists():
        os.replace(wal, wal_path(target))
    return target


def _is_damaged(db_path: Path) -> bool:
    probe = probe_file(db_path)
    if not probe.exists or probe.size == 0:
        return False
    if not probe.header_ok:
        return True
    from consist.maintenance.database import is_damage
    from consist.store.maintenance.health import read_every_row

    try:
        store = open_store(db_path)
        with store.db.session() as con:
            read_every_row(con)  # a truncated file can open fine and fail on the first read
    except DatabaseDamagedError:
        return True
    except Exception as exc:
        if is_damage(exc):
            return True
        raise
    return False


def rebuild_database(
    db_path: str | os.PathLike[str],
    json_dir: str | os.PathLike[str],
    *,
    mode: str = "minimal",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Upsert every run in ``json_dir`` into ``db_path`` (creating or replacing a damaged file)."""
    from consist.store.rebuild import rebuild_from_snapshots

    path = Path(db_path).expanduser().resolve()
    result: dict[str, Any] = {"db_path": str(path), "json_dir": str(json_dir), "moved_aside": None}
    damaged = _is_damaged(path)
    if damaged and not dry_run:
        from consist.store import open_database

        # Forget the handle entirely: the new file needs its schema created on attach.
        open_database(path).close()
        result["moved_aside"] = str(move_aside(path))
    result["damaged"] = damaged
    bar = _RunBar(progress, f"rebuilding ({mode})")
    try:
        if dry_run and (damaged or not path.exists()):
            # Nothing usable to open: count what the snapshots hold without a database.
            report = rebuild_from_snapshots(None, json_dir, mode=mode, dry_run=True, progress=bar)
        else:
            store = open_store(path)
            report = rebuild_from_snapshots(
                store.db, json_dir, mode=mode, dry_run=dry_run, progress=bar
            )
    finally:
        bar.finish()
    result.update(report.to_dict())
    return result


class _RunBar:
    """``rebuild_from_snapshots``'s ``progress(done, total)`` drawn as one task on ``progress``."""

    def __init__(self, progress: Progress | None, label: str) -> None:
        self.sink = progress
        self.label = label
        self.done: int | None = None  # None until the snapshot count is known

    def __call__(self, done: int, total: int) -> None:
        if self.sink is None:
            return
        if self.done is None:
            self.sink.start(self.label, total)
            self.done = 0
        if done > self.done:
            self.sink.advance(done - self.done)
            self.done = done

    def finish(self) -> None:
        if self.sink is not None and self.done is not None:
            self.sink.finish()
