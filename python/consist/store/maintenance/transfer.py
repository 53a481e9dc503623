"""SQL for moving runs between database files (``db merge`` and ``db export``).

Both sides are attached to the same DuckDB instance, so rows move with
``INSERT ... SELECT`` inside DuckDB, never through Python. ``copy_runs``
copies a set of runs with their links, artifacts and facet rows from one
catalog to another; ``copy_global_rows`` does the same for ingested tables.
Columns are matched by name, so a file written by an older consist (fewer
columns) merges cleanly.

Example:
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> quote_catalog('my"db')
    '"my""db"'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consist.store.global_tables import GLOBAL_SCHEMA, quote_ident
from consist.store.rows import first_row
from consist.store.schema import RUN_COLUMNS, ensure_schema

__all__ = [
    "attach",
    "catalog_columns",
    "catalog_tables",
    "copy_global_rows",
    "copy_runs",
    "create_schema_in",
    "detach",
    "global_rows_for_runs",
    "quote_catalog",
    "run_collisions",
    "run_ids_in",
]

_IDS = "SELECT unnest($ids::VARCHAR[])"


def quote_catalog(name: str) -> str:
    """Quote a catalog (attached database) name."""
    return quote_ident(name)


def attach(con: Any, path: Path, alias: str, *, read_only: bool) -> None:
    """ATTACH another DuckDB file to the shared instance under ``alias``."""
    literal = str(path).replace("'", "''")
    mode = " (READ_ONLY)" if read_only else ""
    con.execute(f"ATTACH '{literal}' AS {quote_catalog(alias)}{mode}")


def detach(con: Any, alias: str) -> None:
    """DETACH ``alias`` if it is attached."""
    con.execute(f"DETACH DATABASE IF EXISTS {quote_catalog(alias)}")


def create_schema_in(con: Any, alias: str) -> None:
    """Create consist's tables in the attached catalog ``alias`` (then switch back)."""
    current = con.execute("SELECT current_database()").fetchall()[0][0]
    con.execute(f"USE {quote_catalog(alias)}")
    try:
        ensure_schema(con)
    finally:
        con.execute(f"USE {quote_catalog(current)}")


def catalog_tables(con: Any, catalog: str, schema: str) -> list[str]:
    """Table names in ``catalog.schema``."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "ORDER BY table_name",
        [catalog, schema],
    ).fetchall()
    return [r[0] for r in rows]


def catalog_columns(con: Any, catalog: str, schema: str, table: str) -> dict[str, str]:
    """Column name -> type of ``catalog.schema.table`` (empty if it does not exist)."""
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
        "AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [catalog, schema, table],
    ).fetchall()
    return dict(rows)


def _ref(catalog: str, schema: str, table: str) -> str:
    return f"{quote_catalog(catalog)}.{quote_ident(schema)}.{quote_ident(table)}"


def run_ids_in(con: Any, catalog: str) -> list[str]:
    """Every run id in ``catalog``."""
    rows = con.execute(f"SELECT id FROM {_ref(catalog, 'main', 'run')} ORDER BY id")
    return [r[0] for r in rows.fetchall()]


def run_collisions(con: Any, source: str, target: str) -> tuple[list[str], list[str]]:
    """Run ids present in both: ``(identical, different)`` by comparing every shared column."""
    shared = set(catalog_columns(con, source, "main", "run")) & set(
        catalog_columns(con, target, "main", "run")
    )
    columns = [c for c in RUN_COLUMNS if c in shared and c != "id"]
    same = " AND ".join(f"s.{c}::VARCHAR IS NOT DISTINCT FROM t.{c}::VARCHAR" for c in columns)
    rows = con.execute(
        f"SELECT s.id, {same or 'TRUE'} FROM {_ref(source, 'main', 'run')} s "
        f"JOIN {_ref(target, 'main', 'run')} t ON s.id = t.id ORDER BY s.id"
    ).fetchall()
    return [r[0] for r in rows if r[1]], [r[0] for r in rows if not r[1]]


def _common(con: Any, source: str, target: str, table: str) -> str:
    src = catalog_columns(con, source, "main", table)
    dst = set(catalog_columns(con, target, "main", table))
    return ", ".join(quote_ident(c) for c in src if c in dst)


def _count(con: Any, sql: str, params: dict[str, Any]) -> int:
    row = first_row(con.execute(sql, params))
    return int(row[0]) if row else 0


def copy_runs(con: Any, source: str, target: str, run_ids: list[str]) -> dict[str, int]:
    """Copy runs with their links, artifacts and facets; rows already in ``target`` are kept.

    Returns rows inserted per table.
    """
    params = {"ids": run_ids}
    s = {t: _ref(source, "main", t) for t in ("run", "artifact", "run_artifact_link")}
    s["kv"], s["facet"] = (
        _ref(source, "main", "run_config_kv"),
        _ref(source, "main", "config_facet"),
    )
    d = {t: _ref(target, "main", t) for t in ("run", "artifact", "run_artifact_link")}
    d["kv"], d["facet"] = (
        _ref(target, "main", "run_config_kv"),
        _ref(target, "main", "config_facet"),
    )
    wanted_artifacts = (
        f"SELECT artifact_id FROM {s['run_artifact_link']} WHERE run_id IN ({_IDS}) "
        f"UNION SELECT id FROM {s['artifact']} WHERE run_id IN ({_IDS})"
    )
    statements = {
        "run": f"INSERT OR IGNORE INTO {d['run']} BY NAME SELECT {_common(con, source, target, 'run')} "
        f"FROM {s['run']} WHERE id IN ({_IDS})",
        "artifact": f"INSERT OR IGNORE INTO {d['artifact']} BY NAME SELECT "
        f"{_common(con, source, target, 'artifact')} FROM {s['artifact']} "
        f"WHERE id IN ({wanted_artifacts})",
        "run_artifact_link": f"INSERT OR IGNORE INTO {d['run_artifact_link']} BY NAME SELECT "
        f"{_common(con, source, target, 'run_artifact_link')} FROM {s['run_artifact_link']} "
        f"WHERE run_id IN ({_IDS})",
        "config_facet": f"INSERT OR IGNORE INTO {d['facet']} BY NAME SELECT "
        f"{_common(con, source, target, 'config_facet')} FROM {s['facet']} WHERE id IN "
        f"(SELECT facet_id FROM {s['kv']} WHERE run_id IN ({_IDS}))",
        "run_config_kv": f"INSERT OR IGNORE INTO {d['kv']} BY NAME SELECT "
        f"{_common(con, source, target, 'run_config_kv')} FROM {s['kv']} WHERE run_id IN ({_IDS})",
    }
    return {table: _count(con, sql, params) for table, sql in statements.items()}


def global_rows_for_runs(
    con: Any, catalog: str, table: str, column: str | None, run_ids: list[str] | None
) -> int:
    """Rows of ``catalog.global_tables.table`` that belong to ``run_ids`` (all if None)."""
    ref = _ref(catalog, GLOBAL_SCHEMA, table)
    if column is None or run_ids is None:
        return _count(con, f"SELECT count(*) FROM {ref}", {})
    return _count(
        con, f"SELECT count(*) FROM {ref} WHERE {quote_ident(column)} IN ({_IDS})", {"ids": run_ids}
    )


def copy_global_rows(
    con: Any,
    source: str,
    target: str,
    table: str,
    *,
    column: str | None,
    run_ids: list[str] | None,
) -> int:
    """Copy ingested rows of ``table``: rows of ``run_ids`` by ``column``, or (unscoped caches,
    ``column=None``) every row the target does not already hold. Creates the table if missing.
    """
    src = _ref(source, GLOBAL_SCHEMA, table)
    dst = _ref(target, GLOBAL_SCHEMA, table)
    params: dict[str, Any] = {}
    where = ""
    if column is not None and run_ids is not None:
        where = f" WHERE {quote_ident(column)} IN ({_IDS})"
        params["ids"] = run_ids
    if not catalog_columns(con, target, GLOBAL_SCHEMA, table):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_catalog(target)}.{GLOBAL_SCHEMA}")
        con.execute(f"CREATE TABLE {dst} AS SELECT * FROM {src}{where}", params)
        return global_rows_for_runs(con, target, table, column, run_ids)
    names = ", ".join(quote_ident(c) for c in catalog_columns(con, source, GLOBAL_SCHEMA, table))
    if column is None:
        select = f"SELECT {names} FROM {src} EXCEPT SELECT {names} FROM {dst}"
    else:
        select = f"SELECT {names} FROM {src}{where}"
    return _count(con, f"INSERT INTO {dst} BY NAME {select}", params)
