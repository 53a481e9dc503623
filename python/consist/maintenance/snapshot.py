"""``consist db snapshot``: a consistent copy of the database before you change it.

The copy is taken while this process holds the file (so no other process can
write mid-copy), after an optional ``CHECKPOINT`` that folds the WAL into the
main file. It is written to a temporary name beside the destination, fsynced
and renamed, so an interrupted snapshot never leaves a truncated file under
the final name. A sidecar ``<stem>.snapshot_meta.json`` records the source,
time, size, BLAKE3 digest and run count.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> from consist.maintenance.database import open_store
    >>> _ = open_store(d / "p.duckdb").count_runs()
    >>> snapshot_database(d / "p.duckdb", d / "snap" / "p.duckdb")["runs"]
    0
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from consist.errors import ConfigError
from consist.maintenance.database import open_store, wal_path

__all__ = ["atomic_copy", "sidecar_path", "snapshot_database"]


def sidecar_path(out: Path) -> Path:
    """``<dir>/<stem>.snapshot_meta.json`` for a snapshot at ``out``.

    Example:
        >>> sidecar_path(Path("/s/pre.duckdb")).name
        'pre.snapshot_meta.json'
    """
    return out.with_name(f"{out.stem}.snapshot_meta.json")


def atomic_copy(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` via a fsynced temp file and a rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def snapshot_database(
    db_path: str | os.PathLike[str], out: str | os.PathLike[str], *, checkpoint: bool = True
) -> dict[str, Any]:
    """Copy the database (and its WAL, if any is left) to ``out``; return the sidecar data."""
    from consist.hashing import hash_file
    from consist.store.maintenance.files import checkpoint as do_checkpoint

    source = Path(db_path).resolve()
    dest = Path(out).expanduser().resolve()
    if dest == source:
        raise ConfigError(
            f"Snapshot destination is the database itself: {dest}",
            cause="--out must name a different file.",
            fix="Pass --out ./snapshots/provenance.pre-maintenance.duckdb (any other path).",
        )
    store = open_store(source)
    with store.db.session() as con:
        if checkpoint:
            do_checkpoint(con)
        runs = store.count_runs()
        # Still inside the session: this process holds the file lock while copying.
        atomic_copy(source, dest)
        wal = wal_path(source)
        copied_wal = wal.is_file() and wal.stat().st_size > 0
        if copied_wal:
            atomic_copy(wal, wal_path(dest))
        else:
            wal_path(dest).unlink(missing_ok=True)
    meta = {
        "source": str(source),
        "snapshot": str(dest),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "checkpointed": checkpoint,
        "size_bytes": dest.stat().st_size,
        "digest": str(hash_file(dest)),
        "wal_copied": copied_wal,
        "runs": runs,
    }
    sidecar = sidecar_path(dest)
    tmp = sidecar.with_name(f".{sidecar.name}.tmp")
    tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp, sidecar)
    meta["sidecar"] = str(sidecar)
    return meta
