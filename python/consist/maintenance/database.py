"""Open a database for maintenance, and recognise a damaged file.

``open_store`` goes through the process-wide shared ``Database`` (so it
coexists with a Tracker in the same process) and turns DuckDB's low-level
"not a valid DuckDB database file" / "Could not read enough bytes" errors
into one ``DatabaseDamagedError`` whose fix names ``consist db rebuild``.
``probe_file`` looks at the bytes only, without DuckDB.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.duckdb"
    >>> _ = p.write_bytes(b"not a database")
    >>> probe_file(p).header_ok
    False
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from consist.errors import DatabaseError

__all__ = ["DatabaseDamagedError", "FileProbe", "is_damage", "open_store", "probe_file", "wal_path"]

_MAGIC = b"DUCK"
_MAGIC_OFFSET = 8
# Fragments of DuckDB errors that mean the bytes on disk are wrong, not the request.
_DAMAGE_MARKERS = (
    "not a valid duckdb database file",
    "could not read enough bytes",
    "corrupt",
    "checksum",
    "invalid block",
    "failed to read",
    "serialization error",
)


class DatabaseDamagedError(DatabaseError):
    """The database file exists but DuckDB cannot read it."""

    code = "consist.database_damaged"


@dataclass(frozen=True, slots=True)
class FileProbe:
    """What the file system says about a database file."""

    path: str
    exists: bool
    size: int
    header_ok: bool
    wal_exists: bool
    wal_size: int


def wal_path(db_path: str | os.PathLike[str]) -> Path:
    """DuckDB's write-ahead log next to the database file.

    Example:
        >>> wal_path("/d/provenance.duckdb").name
        'provenance.duckdb.wal'
    """
    path = Path(db_path)
    return path.with_name(path.name + ".wal")


def probe_file(db_path: str | os.PathLike[str]) -> FileProbe:
    """Size, DuckDB magic bytes and WAL presence of ``db_path``."""
    path = Path(db_path)
    wal = wal_path(path)
    exists = path.is_file()
    header = b""
    if exists:
        with path.open("rb") as handle:
            header = handle.read(_MAGIC_OFFSET + len(_MAGIC))
    return FileProbe(
        path=str(path),
        exists=exists,
        size=path.stat().st_size if exists else 0,
        header_ok=header[_MAGIC_OFFSET:] == _MAGIC,
        wal_exists=wal.is_file(),
        wal_size=wal.stat().st_size if wal.is_file() else 0,
    )


def is_damage(exc: BaseException) -> bool:
    """True if an error (or its cause chain) says the file's bytes are damaged.

    Example:
        >>> is_damage(OSError("IO Error: Could not read enough bytes from file"))
        True
    """
    seen: BaseException | None = exc
    while seen is not None:
        text = " ".join(str(part) for part in (seen, getattr(seen, "cause", "")) if part).lower()
        if any(marker in text for marker in _DAMAGE_MARKERS):
            return True
        seen = seen.__cause__
    return False


def damaged(db_path: str | os.PathLike[str], exc: BaseException) -> DatabaseDamagedError:
    """The error raised for a damaged file, with the recovery steps as the fix."""
    detail = getattr(exc, "cause", None) or str(exc)
    return DatabaseDamagedError(
        f"Database file is damaged: {db_path}",
        cause=f"DuckDB cannot read it: {detail}",
        fix="Rebuild it from the JSON snapshots: consist db rebuild --json-dir "
        "<run_dir>/consist_runs --db-path <this file> (the damaged file is moved aside, "
        "not deleted), or restore a copy made with consist db snapshot.",
    )


def open_store(db_path: str | os.PathLike[str], *, read_only: bool = False):
    """A ``MetadataStore`` on the shared handle for ``db_path``, checked to be readable.

    Raises ``DatabaseDamagedError`` for a file DuckDB cannot read.

    Example:
        >>> import tempfile, pathlib
        >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
        >>> store.count_runs()
        0
    """
    from consist.store import MetadataStore, open_database
    from consist.store.maintenance.health import ping

    path = Path(db_path)
    if path.exists() and path.stat().st_size > 0 and not probe_file(path).header_ok:
        raise damaged(path, OSError("the file does not start with a DuckDB header"))
    store = MetadataStore(open_database(path, read_only=read_only))
    try:
        with store.db.session() as con:
            ping(con)
    except Exception as exc:
        if is_damage(exc):
            store.db.release()
            raise damaged(path, exc) from exc
        raise
    return store
