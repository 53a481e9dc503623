"""SQLAlchemy engine that runs on a ``Database``'s shared DuckDB instance.

A second ``duckdb.connect(path)`` in the same process would fail with
"Unique file handle conflict", so ``tracker.engine`` must not open the file
itself. Its creator hands out cursors of the shared instance with the file
attached and selected; ``NullPool`` closes each one at check-in, which tells
the ``Database`` it may detach again when idle. Imported lazily: SQLAlchemy
and duckdb-engine take ~0.4 s to import.

Example:
    >>> import tempfile, pathlib
    >>> from consist.store import open_database
    >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
    >>> with db.engine.begin() as conn:
    ...     conn.exec_driver_sql("SELECT count(*) FROM run").scalar()
    0
    >>> db.close()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from consist.store.connection import Database

__all__ = ["create_shared_engine"]


def create_shared_engine(db: Database) -> Any:
    """Build the engine for ``db`` (use ``db.engine``, which caches it).

    Example:
        >>> import tempfile, pathlib
        >>> from consist.store import open_database
        >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
        >>> create_shared_engine(db).dialect.name
        'duckdb'
        >>> db.close()
    """
    import sqlalchemy
    from duckdb_engine import ConnectionWrapper
    from sqlalchemy.pool import NullPool

    class SharedConnection(ConnectionWrapper):
        """duckdb-engine's wrapper around one cursor of the shared instance."""

        def close(self) -> None:
            if not self.closed:
                self.closed = True
                db._checkin_connection(self._cursor)

    def creator() -> SharedConnection:
        cursor = db._checkout_connection()
        wrapper = SharedConnection(cursor)
        wrapper._cursor = cursor
        return wrapper

    return sqlalchemy.create_engine("duckdb://", creator=creator, poolclass=NullPool)
