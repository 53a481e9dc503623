"""One shared DuckDB instance per database file, attached only while in use.

DuckDB lets one process write a file at a time, and refuses a second handle
on the same file inside one process ("Unique file handle conflict"). So every
part of consist (the store, ``tracker.engine``, loaders, ingestion) shares one
``Database`` per file, from ``open_database`` (``consist.store.registry``).

Opening a DuckDB instance costs ~10 ms, attaching a file to a live in-memory
instance ~0.5 ms. A ``Database`` therefore keeps a long-lived in-memory
instance, ATTACHes the file on first use, keeps it attached across
back-to-back operations, and DETACHes it after a short idle period (default
0.25 s, ``CONSIST_DB_IDLE_RELEASE_SECONDS``), so another process can open the
file while this one runs a long step. A lock held by another process is
retried with backoff (``CONSIST_DB_LOCK_*``) and then raises
``DatabaseLockedError``.

Example:
    >>> import tempfile, pathlib
    >>> from consist.store import open_database
    >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb")
    >>> with db.session() as con:
    ...     con.execute("SELECT count(*) FROM run").fetchone()
    (0,)
    >>> db.close()
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from consist import settings
from consist.errors import DatabaseError
from consist.store._release import release_thread
from consist.store.locking import attach_with_retry

__all__ = ["Database"]

_RESERVED_CATALOGS = frozenset({"memory", "system", "temp", "main"})


def _catalog_name(path: Path) -> str:
    # Use the name DuckDB itself gives the file (its stem), so SQL written against
    # `duckdb.connect("provenance.duckdb")` means the same thing through consist.
    stem = path.name.split(".")[0]
    if stem.isidentifier() and stem.lower() not in _RESERVED_CATALOGS:
        return stem
    return "consist_db"


class Database:
    """The shared handle on one DuckDB file; get it from ``open_database``.

    ``session()`` yields a DuckDB connection with the file attached and selected
    (``USE``); sessions are serialised by a re-entrant lock and may nest.
    ``transaction()`` wraps a session in BEGIN/COMMIT (ROLLBACK on error);
    nested transactions join the outer one. ``engine`` is a SQLAlchemy engine
    on the same instance.

    Example:
        >>> import tempfile, pathlib
        >>> from consist.store import open_database
        >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
        >>> with db.transaction() as con:
        ...     _ = con.execute("CREATE TABLE t(x INT)")
        >>> db.close()
    """

    def __init__(
        self, path: Path, *, read_only: bool = False, idle_release_seconds: float | None = None
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.catalog = _catalog_name(path)
        self.idle_release_seconds = idle_release_seconds
        self._on_attach: list[Callable[[Any], None]] = []
        self._on_close: Callable[[Database], None] | None = None
        self._reset_state()

    def _reset_state(self) -> None:
        self._lock = threading.RLock()
        self._root: Any = None  # in-memory duckdb instance, created on first use
        self._con: Any = None  # session connection with the catalog USEd
        self._attached_rw: bool | None = None  # None: file not attached
        self._depth = 0  # nesting of session() on the owning thread
        self._tx_depth = 0
        self._users = 0  # engine connections checked out
        self._last_used = time.monotonic()
        self._engine: Any = None
        self._schema_ready = False
        self._closed = False

    def __repr__(self) -> str:
        state = "detached" if self._attached_rw is None else "attached"
        return f"<Database {str(self.path)!r} {state}>"

    @property
    def is_attached(self) -> bool:
        """True while this process holds the file (and so locks out other processes)."""
        return self._attached_rw is not None

    @property
    def is_closed(self) -> bool:
        """True after ``close()``: this handle cannot be used again."""
        return self._closed

    def _idle_seconds(self) -> float:
        if self.idle_release_seconds is not None:
            return self.idle_release_seconds
        return settings.db_idle_release_seconds()

    @contextlib.contextmanager
    def session(self, *, retry: settings.LockRetry | None = None) -> Iterator[Any]:
        """Yield a DuckDB connection with this file attached and selected.

        ``retry`` overrides the lock backoff (ingestion passes ``dlt_lock_retry()``).
        Do not close the connection; it is shared.

        Example:
            >>> import tempfile, pathlib
            >>> from consist.store import open_database
            >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
            >>> with db.session() as con:
            ...     con.execute("SELECT 42").fetchone()
            (42,)
            >>> db.close()
        """
        with self._lock:
            if self._depth == 0:
                self._ensure_attached(retry)
            self._depth += 1
            try:
                yield self._con
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._after_use()

    @contextlib.contextmanager
    def transaction(self, *, retry: settings.LockRetry | None = None) -> Iterator[Any]:
        """A session inside BEGIN/COMMIT; ROLLBACK if the block raises.

        Example:
            >>> import tempfile, pathlib
            >>> from consist.store import open_database
            >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
            >>> with db.transaction() as con:
            ...     con.execute("SELECT count(*) FROM artifact").fetchone()
            (0,)
            >>> db.close()
        """
        with self.session(retry=retry) as con:
            if self._tx_depth:  # nested: join the outer transaction
                self._tx_depth += 1
                try:
                    yield con
                finally:
                    self._tx_depth -= 1
                return
            con.execute("BEGIN TRANSACTION")
            self._tx_depth = 1
            try:
                yield con
            except BaseException:
                self._tx_depth = 0
                con.execute("ROLLBACK")
                raise
            self._tx_depth = 0
            try:
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    con.execute("ROLLBACK")
                raise

    @property
    def engine(self) -> Any:
        """SQLAlchemy Engine on this same DuckDB instance (created on first use).

        Example:
            >>> import tempfile, pathlib
            >>> from consist.store import open_database
            >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
            >>> with db.engine.begin() as conn:
            ...     _ = conn.exec_driver_sql("VACUUM")
            >>> db.close()
        """
        with self._lock:
            if self._engine is None:
                from consist.store.engine import create_shared_engine

                self._engine = create_shared_engine(self)
            return self._engine

    def _checkout_connection(self) -> Any:
        # Called by the engine's creator: a fresh cursor counted as a user, so the
        # file is not detached while SQLAlchemy holds it.
        with self._lock:
            self._ensure_attached(None)
            cursor = self._root.cursor()
            cursor.execute(f'USE "{self.catalog}"')
            self._users += 1
            return cursor

    def _checkin_connection(self, cursor: Any) -> None:
        with self._lock:
            with contextlib.suppress(Exception):
                cursor.close()
            self._users -= 1
            self._after_use()

    def add_attach_hook(self, hook: Callable[[Any], None]) -> None:
        """Run ``hook(con)`` once, on the first writable attach (schema creation)."""
        self._on_attach.append(hook)

    def _ensure_attached(self, retry: settings.LockRetry | None) -> None:
        if self._closed:
            raise DatabaseError(
                f"Database {self.path} is closed.",
                cause="close() was called on this handle.",
                fix="Call consist.store.open_database(path) again for a new handle.",
            )
        want_rw = not self.read_only
        if self._attached_rw is not None:
            if self._attached_rw or not want_rw or self._users:
                return  # (a read-only attachment in use by the engine is not upgraded)
            self._detach()  # upgrade a read-only attachment to read-write
        if self._root is None:
            import duckdb

            self._root = duckdb.connect(":memory:")
        if want_rw and self._schema_ready and not self.path.exists():
            self._schema_ready = False  # the file was deleted (guide: rm provenance.duckdb)
        attach_with_retry(
            self._root, self.path, self.catalog, want_rw, retry or settings.db_lock_retry()
        )
        con = self._root.cursor()
        con.execute(f'USE "{self.catalog}"')
        self._con = con
        self._attached_rw = want_rw
        if want_rw and not self._schema_ready:
            try:
                for hook in self._on_attach:
                    hook(con)
            except BaseException:
                self._detach()  # never leave a file attached whose schema was refused
                raise
            self._schema_ready = True
        release_thread().watch(self)

    def _after_use(self) -> None:
        self._last_used = time.monotonic()
        if self._users == 0 and self._idle_seconds() <= 0:
            self._detach()

    def try_release_idle(self, now: float) -> float | None:
        """Detach if idle long enough; return seconds until the next check, None when done.

        Called by the background release thread; never blocks on a busy database.
        """
        if not self._lock.acquire(blocking=False):
            return 0.05
        try:
            if self._attached_rw is None:
                return None
            idle = self._idle_seconds()
            remaining = self._last_used + idle - now
            if self._depth or self._users or remaining > 0:
                return max(remaining, 0.05)
            self._detach()
            return None
        finally:
            self._lock.release()

    def _detach(self) -> None:
        if self._attached_rw is None:
            return
        self._attached_rw = None
        con, self._con = self._con, None
        with contextlib.suppress(Exception):
            con.close()
        try:
            self._root.execute(f'DETACH "{self.catalog}"')
        except Exception:
            # Closing the whole instance is the sure way to let go of the file.
            with contextlib.suppress(Exception):
                self._root.close()
            self._root = None

    def release(self) -> None:
        """Detach the file now so other processes can open it (no-op while in use).

        Example:
            >>> import tempfile, pathlib
            >>> from consist.store import open_database
            >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
            >>> with db.session():
            ...     pass
            >>> db.release(); db.is_attached
            False
        """
        with self._lock:
            if self._depth == 0 and self._users == 0:
                self._detach()

    def close(self) -> None:
        """Release the file, dispose the engine and forget this handle."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
            self._detach()
            if self._root is not None:
                with contextlib.suppress(Exception):
                    self._root.close()
                self._root = None
            self._closed = True
        if self._on_close is not None:
            self._on_close(self)  # the registry forgets this handle (store.registry)
