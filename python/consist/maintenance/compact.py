"""``consist db compact``: give the space of deleted rows back to the file system.

DuckDB reuses freed blocks but never shrinks the file, and ``VACUUM`` does
not change that. Compacting copies everything (tables, views, sequences,
indexes) into a new file beside the database, checks that every table has
the same number of rows in both, and atomically renames the copy over the
original. If any step fails, the original is untouched.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> from consist.maintenance.database import open_store
    >>> _ = open_store(d / "p.duckdb").count_runs()
    >>> compact_database(d / "p.duckdb")["tables"] > 0
    True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from consist.errors import DatabaseError
from consist.maintenance.database import open_store, wal_path

__all__ = ["compact_database"]

_ALIAS = "consist_compact_copy"


def compact_database(db_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Rewrite ``db_path`` compactly; returns sizes before and after."""
    from consist.store.maintenance import files
    from consist.store.maintenance.transfer import attach, detach

    path = Path(db_path).expanduser().resolve()
    store = open_store(path)
    tmp = path.with_name(f".{path.name}.compact-{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with store.db.session() as con:
            files.checkpoint(con)
            before = path.stat().st_size
            expected = files.row_census(con, files.current_catalog(con))
            files.copy_database(con, tmp, _ALIAS)
            attach(con, tmp, _ALIAS, read_only=True)
            try:
                copied = files.row_census(con, _ALIAS)
            finally:
                detach(con, _ALIAS)
        if copied != expected:
            raise DatabaseError(
                "Compaction aborted: the copy does not match the database.",
                cause=f"row counts differ: {sorted(set(expected.items()) ^ set(copied.items()))}",
                fix="Nothing was changed. Run `consist db doctor` and report the output.",
            )
        store.db.release()
        if store.db.is_attached:
            raise DatabaseError(
                f"Cannot compact {path} while it is in use in this process.",
                cause="Another part of this process holds the database open.",
                fix="Run `consist db compact` from a shell when no workflow is running.",
            )
        os.replace(tmp, path)
        wal_path(tmp).unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "db_path": str(path),
        "bytes_before": before,
        "bytes_after": path.stat().st_size,
        "tables": len(expected),
        "rows": sum(expected.values()),
    }
