"""SQL for looking up a table's columns by name (for queries on tables consist did not create).

Example:
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t (a INTEGER, b VARCHAR)")
    >>> table_columns(con, "t")
    ['a', 'b']
    >>> table_columns(con, "missing")
    []
"""

from __future__ import annotations

from typing import Any

__all__ = ["table_columns"]

_COLUMNS = (
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_catalog = current_database() AND table_name = ? "
    "AND table_schema = coalesce(?, current_schema()) ORDER BY ordinal_position"
)


def table_columns(con: Any, name: str, schema: str | None = None) -> list[str]:
    """Column names of ``schema.name`` in the current database, in order; [] if no such table."""
    return [row[0] for row in con.execute(_COLUMNS, [name, schema]).fetchall()]
