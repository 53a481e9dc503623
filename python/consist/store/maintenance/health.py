"""Read-only health queries: counts, sizes, schema version and invariant checks.

Example:
    >>> import duckdb
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> schema_version(con), runs_by_status(con)
    (1, {})
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from consist.store.global_tables import GLOBAL_SCHEMA, quote_ident
from consist.store.schema import TABLES

__all__ = [
    "INVARIANT_CHECKS",
    "GlobalTable",
    "all_run_ids",
    "artifact_locations",
    "classify_columns",
    "database_size",
    "global_tables",
    "invariant_violations",
    "orphaned_ingested_rows",
    "ping",
    "provenance_drift",
    "read_every_row",
    "runs_by_status",
    "schema_version",
    "table_row_counts",
    "table_sizes",
]

# name -> (SQL returning offending rows (first column = id), what it means)
INVARIANT_CHECKS: dict[str, tuple[str, str]] = {
    "zombie_runs": (
        "SELECT id, started_at FROM run WHERE status = 'running' AND ended_at IS NOT NULL",
        "runs marked running that already have an end time",
    ),
    "running_runs": (
        "SELECT id, started_at FROM run WHERE status = 'running' AND ended_at IS NULL "
        "ORDER BY started_at",
        "runs still marked running (stuck if no workflow is running now)",
    ),
    "unfinished_runs": (
        "SELECT id, status FROM run WHERE status IN ('completed', 'failed') AND ended_at IS NULL",
        "completed or failed runs without an end time",
    ),
    "dangling_parents": (
        "SELECT r.id, r.parent_run_id FROM run r WHERE r.parent_run_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM run p WHERE p.id = r.parent_run_id)",
        "runs whose parent run does not exist",
    ),
    "orphaned_links": (
        "SELECT l.run_id || ' -> ' || l.artifact_id, l.direction FROM run_artifact_link l "
        "WHERE NOT EXISTS (SELECT 1 FROM run r WHERE r.id = l.run_id) "
        "OR NOT EXISTS (SELECT 1 FROM artifact a WHERE a.id = l.artifact_id)",
        "run-artifact links that point at a missing run or artifact",
    ),
    "artifacts_without_producer": (
        "SELECT a.id, a.run_id FROM artifact a WHERE a.run_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM run r WHERE r.id = a.run_id)",
        "artifacts whose producing run is not in the database",
    ),
    "unlinked_artifacts": (
        "SELECT a.id, a.key FROM artifact a "
        "WHERE NOT EXISTS (SELECT 1 FROM run_artifact_link l WHERE l.artifact_id = a.id)",
        "artifacts no run reads or writes",
    ),
}


@dataclass(frozen=True, slots=True)
class GlobalTable:
    """A table of ingested data and how maintenance treats it.

    ``kind`` follows Consist 0.3: ``run_scoped`` (has ``consist_run_id``),
    ``run_link`` (has ``run_id``), else ``unscoped_cache`` (shared across runs).
    """

    name: str
    columns: dict[str, str]
    rows: int

    @property
    def kind(self) -> str:
        return classify_columns(self.columns)


def classify_columns(columns: dict[str, str] | list[str]) -> str:
    """``run_scoped`` / ``run_link`` / ``unscoped_cache`` from a table's column names.

    Example:
        >>> classify_columns(["run_id", "content_hash"])
        'run_link'
    """
    if "consist_run_id" in columns:
        return "run_scoped"
    if "run_id" in columns:
        return "run_link"
    return "unscoped_cache"


def schema_version(con: Any) -> int | None:
    """Highest applied consist schema version, or None for a file without one."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = 'consist_schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return None
    return con.execute("SELECT max(version) FROM consist_schema_version").fetchall()[0][0]


def _existing(con: Any, schema: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? ORDER BY table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def table_row_counts(con: Any) -> dict[str, int]:
    """Rows in each consist metadata table that exists."""
    present = set(_existing(con, "main"))
    return {
        t: int(con.execute(f"SELECT count(*) FROM {quote_ident(t)}").fetchall()[0][0])
        for t in TABLES
        if t in present
    }


def runs_by_status(con: Any) -> dict[str, int]:
    """``{status: count}`` over all runs."""
    rows = con.execute("SELECT status, count(*) FROM run GROUP BY status ORDER BY status")
    return {status: int(n) for status, n in rows.fetchall()}


def global_tables(con: Any) -> list[GlobalTable]:
    """Every table in ``global_tables`` with its columns, row count and class."""
    found = []
    for name in _existing(con, GLOBAL_SCHEMA):
        cols = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
            "current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [GLOBAL_SCHEMA, name],
        ).fetchall()
        ref = f"{GLOBAL_SCHEMA}.{quote_ident(name)}"
        rows = int(con.execute(f"SELECT count(*) FROM {ref}").fetchall()[0][0])
        found.append(GlobalTable(name, dict(cols), rows))
    return found


def database_size(con: Any) -> dict[str, Any]:
    """Block size and counts, and the WAL size, as DuckDB reports them."""
    row = con.execute(
        "SELECT block_size, total_blocks, used_blocks, free_blocks, wal_size "
        "FROM pragma_database_size() WHERE database_name = current_database()"
    ).fetchall()
    row = row[0] if row else None
    keys = ("block_size", "total_blocks", "used_blocks", "free_blocks", "wal_size")
    return dict(zip(keys, row, strict=True)) if row else {}


def table_sizes(con: Any) -> list[dict[str, Any]]:
    """``schema``, ``table``, ``rows`` and approximate ``bytes`` (blocks used x block size)."""
    block = database_size(con).get("block_size") or 262144
    result = []
    for schema in ("main", GLOBAL_SCHEMA):
        for name in _existing(con, schema):
            ref = f"{quote_ident(schema)}.{quote_ident(name)}"
            rows = int(con.execute(f"SELECT count(*) FROM {ref}").fetchall()[0][0])
            literal = ref.replace("'", "''")
            blocks = con.execute(
                f"SELECT count(DISTINCT block_id) FROM pragma_storage_info('{literal}') "
                "WHERE persistent AND block_id >= 0"
            ).fetchall()[0][0]
            result.append({"schema": schema, "table": name, "rows": rows, "bytes": blocks * block})
    return result


def invariant_violations(con: Any, limit: int = 50) -> dict[str, tuple[int, list[tuple]]]:
    """For each check in ``INVARIANT_CHECKS``: ``(count, first `limit` offending rows)``."""
    found = {}
    for name, (sql, _) in INVARIANT_CHECKS.items():
        count = int(con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0])
        sample = con.execute(f"{sql} LIMIT {int(limit)}").fetchall() if count else []
        found[name] = (count, sample)
    return found


def read_every_row(con: Any) -> dict[str, int]:
    """Read every column of every metadata table (DuckDB verifies block checksums on read).

    Returns rows read per table; a damaged block raises DuckDB's IO error.
    """
    present = set(_existing(con, "main"))
    read = {}
    for table in (*TABLES, "consist_schema_version"):
        if table in present:
            ref = quote_ident(table)
            read[table] = int(
                con.execute(f"SELECT count(hash(t)) FROM {ref} AS t").fetchall()[0][0]
            )
    return read


def artifact_locations(con: Any) -> list[tuple[str, str, str, str | None, Any, str | None]]:
    """``(id, key, container_uri, run_id, meta, hash)`` for every artifact, oldest first."""
    return con.execute(
        "SELECT id, key, container_uri, run_id, meta, hash FROM artifact ORDER BY created_at, id"
    ).fetchall()


def all_run_ids(con: Any) -> set[str]:
    """Every run id."""
    return {r[0] for r in con.execute("SELECT id FROM run").fetchall()}


def provenance_drift(con: Any) -> dict[str, list[str]]:
    """``{table: missing provenance columns}`` for run_scoped tables lacking some of them."""
    from consist.store.global_tables import PROVENANCE_COLUMNS

    drift = {}
    for table in global_tables(con):
        if table.kind == "run_scoped":
            missing = [name for name, _ in PROVENANCE_COLUMNS if name not in table.columns]
            if missing:
                drift[table.name] = missing
    return drift


def orphaned_ingested_rows(con: Any) -> dict[str, int]:
    """``{table: rows}`` of run-scoped ingested rows whose ``consist_run_id`` names no run."""
    from consist.store.global_tables import table_ref

    found = {}
    for table in global_tables(con):
        if table.kind != "run_scoped":
            continue
        n = con.execute(
            f"SELECT count(*) FROM {table_ref(table.name)} t WHERE t.consist_run_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM run r WHERE r.id = t.consist_run_id)"
        ).fetchall()[0][0]
        if n:
            found[table.name] = int(n)
    return found


def ping(con: Any) -> None:
    """Touch the catalog of the selected database (fails fast on an unreadable file)."""
    con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
