"""SQL that works on the database file as a whole: checkpoint, compact copy, row census.

DuckDB's ``VACUUM`` does not shrink a file; space freed by deletes is only
reused. Compacting therefore copies the whole database (``COPY FROM
DATABASE``: tables, views, sequences, indexes) into a fresh file, which
holds only live data.

Example:
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> sorted(row_census(con, "memory"))
    []
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consist.store.maintenance.transfer import attach, detach, quote_catalog

__all__ = ["checkpoint", "copy_database", "current_catalog", "row_census"]


def current_catalog(con: Any) -> str:
    """Name of the selected (USEd) database."""
    return con.execute("SELECT current_database()").fetchall()[0][0]


def checkpoint(con: Any, catalog: str | None = None) -> None:
    """Write the WAL into the main file of ``catalog`` (default: the selected database)."""
    con.execute(f"CHECKPOINT {quote_catalog(catalog or current_catalog(con))}")


def copy_database(con: Any, dest: Path, alias: str) -> None:
    """Copy the selected database, schema and data, into a new file ``dest``."""
    source = current_catalog(con)
    attach(con, dest, alias, read_only=False)
    try:
        con.execute(f"COPY FROM DATABASE {quote_catalog(source)} TO {quote_catalog(alias)}")
        con.execute(f"CHECKPOINT {quote_catalog(alias)}")
    finally:
        detach(con, alias)


def row_census(con: Any, catalog: str) -> dict[str, int]:
    """``{"schema.table": rows}`` for every table of ``catalog`` (to verify a copy)."""
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
        "ORDER BY schema_name, table_name",
        [catalog],
    ).fetchall()
    census = {}
    for schema, table in tables:
        ref = f"{quote_catalog(catalog)}.{quote_catalog(schema)}.{quote_catalog(table)}"
        census[f"{schema}.{table}"] = int(
            con.execute(f"SELECT count(*) FROM {ref}").fetchall()[0][0]
        )
    return census
