"""Lock errors: recognising them, retrying with backoff, and the final error text.

Another process holding the DuckDB file shows up as an IO error ("Could not
set lock on file ... Conflicting lock is held in ..."). Those are retried per
``CONSIST_DB_LOCK_*`` (or ``CONSIST_DLT_LOCK_*`` for ingestion); any other
error fails at once. A second handle inside this same process ("Unique file
handle conflict") never goes away by waiting, so it fails at once too.

Example:
    >>> is_lock_error(OSError('IO Error: Could not set lock on file "p.duckdb"'))
    True
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from consist.errors import DatabaseError, DatabaseLockedError
from consist.settings import LockRetry

__all__ = ["attach_with_retry", "call_with_lock_retry", "is_lock_error"]

T = TypeVar("T")

# Parts of DuckDB error texts that mean "another process holds the file".
_LOCK_MARKERS = (
    "could not set lock",
    "conflicting lock",
    "database is locked",
    "database is busy",
    "already open",
    "another process",
)
_IN_PROCESS_CONFLICT = "unique file handle conflict"


def is_lock_error(exc: BaseException) -> bool:
    """True if ``exc`` says another process holds the database file.

    Example:
        >>> is_lock_error(ValueError("syntax error"))
        False
    """
    text = str(exc).lower()
    return _IN_PROCESS_CONFLICT not in text and any(m in text for m in _LOCK_MARKERS)


def _locked(path: Path, retry: LockRetry, exc: BaseException) -> DatabaseLockedError:
    return DatabaseLockedError(
        f"database is locked: {path}",
        cause=f"Another process held the file through {retry.retries} retries ({exc}).",
        fix="Run workflows sequentially, give each process its own db_path, or raise "
        f"{retry.prefix}_RETRIES (now {retry.retries}), {retry.prefix}_BASE_SLEEP_SECONDS "
        f"(now {retry.base_sleep_seconds:g}) and {retry.prefix}_MAX_SLEEP_SECONDS "
        f"(now {retry.max_sleep_seconds:g}).",
    )


def _in_process(path: Path, exc: BaseException) -> DatabaseLockedError:
    return DatabaseLockedError(
        f"database is locked: {path}",
        cause=f"Another DuckDB connection in this same process has the file open ({exc}).",
        fix="Close that connection (duckdb.connect(...).close()), or query through "
        "tracker.engine / consist.store.open_database(path).session().",
    )


def call_with_lock_retry(fn: Callable[[], T], *, path: Path, retry: LockRetry) -> T:
    """Call ``fn``; on a lock error sleep with backoff and call again, up to ``retry.retries``.

    Raises ``DatabaseLockedError`` when retries run out; other errors propagate.

    Example:
        >>> call_with_lock_retry(lambda: 42, path=Path("p.duckdb"), retry=LockRetry(0, 0.1, 2.0))
        42
    """
    for attempt in range(retry.retries + 1):
        try:
            return fn()
        except Exception as exc:
            if _IN_PROCESS_CONFLICT in str(exc).lower():
                raise _in_process(path, exc) from exc
            if not is_lock_error(exc):
                raise
            if attempt == retry.retries:
                raise _locked(path, retry, exc) from exc
            time.sleep(retry.delay(attempt, jitter=random.uniform(0.05, 0.2)))
    raise AssertionError("unreachable")  # the loop always returns or raises


def attach_with_retry(
    root: Any, path: Path, catalog: str, read_write: bool, retry: LockRetry
) -> None:
    """ATTACH ``path`` as ``catalog`` on the in-memory instance ``root``, retrying on locks.

    Example:
        >>> import duckdb, tempfile
        >>> root = duckdb.connect()
        >>> target = Path(tempfile.mkdtemp()) / "x.duckdb"
        >>> attach_with_retry(root, target, "x", True, LockRetry(0, 0.1, 2.0))
    """
    import duckdb

    if not read_write and not path.exists():
        raise DatabaseError(
            f"Database not found at {path}",
            cause="The file does not exist, so it cannot be opened read-only.",
            fix="Check --db-path / CONSIST_DB, or run a workflow that creates it first.",
        )
    literal = str(path).replace("'", "''")
    mode = "" if read_write else " (READ_ONLY)"
    sql = f"ATTACH '{literal}' AS \"{catalog}\"{mode}"
    try:
        call_with_lock_retry(lambda: root.execute(sql), path=path, retry=retry)
    except duckdb.Error as exc:
        raise DatabaseError(
            f"Cannot open database {path}",
            cause=str(exc),
            fix="Check that the path is a DuckDB file this user can read and write.",
        ) from exc
