"""Per-run JSON snapshots: the source of truth the database can be rebuilt from.

Each run is written to ``<run_dir>/consist_runs/<run_id>.json`` before the
database row, atomically (temp file in the same directory, rename), so a
reader sees the old file or the new one, never half of one. The payload is
``ConsistRecord.to_dict()``: run, inputs, outputs, cached_run, config, facet.

How much is forced to disk before returning is the ``sync`` level (the rule
is documented in docs/persistence.md, "Durability"):

* ``"full"``: fsync the file, rename, fsync the directory (the default);
* ``"file"``: fsync the file, rename; the directory fsync is batched
  (``deferred_sync.py``, within ~0.25 s) because a durable database commit
  with the same record follows;
* ``"batched"``: rename; file and directory fsyncs are batched (a cache hit,
  whose database commit is its durable record).

Example:
    >>> import tempfile, pathlib
    >>> from consist.models import ConsistRecord, Run
    >>> run_dir = pathlib.Path(tempfile.mkdtemp())
    >>> path = write_snapshot(run_dir, ConsistRecord(run=Run(id="a/b", model_name="m")))
    >>> path.name, read_snapshot(path).run.id
    ('a_b.json', 'a/b')
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from consist.errors import ConfigError, CorruptSnapshotError
from consist.models import ConsistRecord

__all__ = [
    "LATEST_SNAPSHOT_NAME",
    "SNAPSHOT_DIRNAME",
    "SYNC_LEVELS",
    "atomic_write_text",
    "iter_snapshots",
    "read_snapshot",
    "safe_run_id",
    "snapshot_path",
    "write_snapshot",
]

SNAPSHOT_DIRNAME = "consist_runs"
LATEST_SNAPSHOT_NAME = "consist.json"
SYNC_LEVELS = ("full", "file", "batched")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_log = logging.getLogger("consist.store")


def safe_run_id(run_id: str) -> str:
    """Run id as a file name: characters other than letters, digits, ``.-_`` become ``_``.

    Example:
        >>> safe_run_id("scenario/step 1")
        'scenario_step_1'
    """
    return _UNSAFE.sub("_", run_id)


def snapshot_path(run_dir: str | os.PathLike[str], run_id: str) -> Path:
    """Where the snapshot of ``run_id`` lives under ``run_dir``.

    Example:
        >>> snapshot_path("/runs", "r1").as_posix()
        '/runs/consist_runs/r1.json'
    """
    return Path(run_dir) / SNAPSHOT_DIRNAME / f"{safe_run_id(run_id)}.json"


def atomic_write_text(path: Path, text: str, *, sync: str = "full") -> None:
    """Replace ``path`` with ``text`` atomically: temp file, fsync, rename, fsync directory.

    ``sync="file"`` leaves the directory fsync to the batched queue,
    ``sync="batched"`` both fsyncs (see the module docstring).

    Example:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.json"
        >>> atomic_write_text(target, "{}"); target.read_text()
        '{}'
    """
    if sync not in SYNC_LEVELS:
        raise ConfigError(
            f"Unknown snapshot sync level {sync!r}.",
            cause=f"sync must be one of: {', '.join(SYNC_LEVELS)}.",
            fix="Pass sync='full' (the default) unless a durable database commit follows.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            if sync != "batched":
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if sync != "full":
        from consist.store.deferred_sync import deferred_sync

        deferred_sync().add(path.parent, file=path if sync == "batched" else None)
        return
    # Make the rename itself durable (a crash must not lose the new directory entry).
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_snapshot(
    run_dir: str | os.PathLike[str],
    record: ConsistRecord,
    *,
    write_latest: bool = False,
    sync: str = "full",
) -> Path:
    """Write the record to ``<run_dir>/consist_runs/<run_id>.json``; return that path.

    ``write_latest`` also writes ``<run_dir>/consist.json`` (Consist 0.3's "latest run" file).
    ``sync`` is the durability level (module docstring); the tracker passes "file"
    or "batched" when a database commit with the same record follows.
    """
    text = json.dumps(record.to_dict(), indent=2, ensure_ascii=False)
    path = snapshot_path(run_dir, record.run.id)
    atomic_write_text(path, text, sync=sync)
    if write_latest:
        atomic_write_text(Path(run_dir) / LATEST_SNAPSHOT_NAME, text, sync=sync)
    return path


def read_snapshot(path: str | os.PathLike[str]) -> ConsistRecord:
    """Parse one snapshot; ``CorruptSnapshotError`` if it is not a valid record.

    Example:
        >>> import tempfile, pathlib
        >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.json"
        >>> _ = bad.write_text("{")
        >>> read_snapshot(bad)
        Traceback (most recent call last):
        ...
        consist.errors.CorruptSnapshotError: Problem: Corrupt run snapshot: ...
        ...
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ConsistRecord.from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptSnapshotError(
            f"Corrupt run snapshot: {path}",
            cause=f"{type(exc).__name__}: {exc}",
            fix="Restore the file from a backup or delete it; the other snapshots are unaffected.",
        ) from exc


def _log_skip(path: Path, error: Exception) -> None:
    _log.warning("Skipping corrupt snapshot %s: %s", path, error)


def iter_snapshots(
    json_dir: str | os.PathLike[str],
    *,
    on_error: Callable[[Path, Exception], None] | None = None,
) -> Iterator[tuple[Path, ConsistRecord]]:
    """Yield ``(path, record)`` for each snapshot in ``json_dir`` (sorted by file name).

    Unreadable files are reported to ``on_error(path, error)`` (default: a
    warning on the ``consist.store`` logger) and skipped. Temp files of
    interrupted writes are ignored.
    """
    report = on_error or _log_skip
    for path in sorted(Path(json_dir).glob("*.json")):
        try:
            yield path, read_snapshot(path)
        except (CorruptSnapshotError, OSError) as exc:
            report(path, exc)
