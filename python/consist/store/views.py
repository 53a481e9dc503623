"""SQL for hybrid views: ingested rows plus files still on disk, across all runs.

A hybrid view ``v_<concept>`` is ``UNION ALL BY NAME`` of

* the hot part, ``global_tables.<concept>`` joined to ``run`` for the scenario
  id (``run.parent_run_id``);
* one cold part per file format: ``read_parquet([...])`` / ``read_csv([...])``
  over the artifacts' files, with each row's provenance looked up from
  constant lists by DuckDB's ``file_index`` (a list index per row: no join,
  and unused provenance columns are pruned by the optimizer, so a query that
  does not ask for them costs what the bare ``read_parquet`` costs).

Views reference tables unqualified, so they work both through consist
(file attached under its catalog name) and from ``duckdb provenance.duckdb``.

Example:
    >>> sql = hybrid_select_sql(None, [], [], empty_columns=[("id", "BIGINT")])
    >>> "WHERE false" in sql
    True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from consist.store.global_tables import PROVENANCE_COLUMNS, quote_ident, table_ref

__all__ = [
    "VIEW_PROVENANCE_COLUMNS",
    "ColdFile",
    "ConceptArtifact",
    "concept_artifacts",
    "create_or_replace_view",
    "drop_view",
    "hybrid_select_sql",
    "list_views",
    "sql_literal",
    "view_definition",
]

#: Provenance columns of every hybrid view: the stored four plus the derived scenario id.
VIEW_PROVENANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    *PROVENANCE_COLUMNS,
    ("consist_scenario_id", "VARCHAR"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class ConceptArtifact:
    """One artifact row of a concept, with the fields of its producing run views need."""

    artifact_id: str
    container_uri: str
    driver: str
    run_id: str | None
    year: int | None
    iteration: int | None
    scenario_id: str | None
    meta: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class ColdFile:
    """A file on disk that a view scans, and the provenance of its rows."""

    path: str
    artifact_id: str
    run_id: str | None
    year: int | None
    iteration: int | None
    scenario_id: str | None


def sql_literal(value: Any) -> str:
    """Render a Python value as a DuckDB literal (strings quoted, None as NULL).

    Example:
        >>> sql_literal("it's"), sql_literal(None), sql_literal(2030)
        ("'it''s'", 'NULL', '2030')
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def concept_artifacts(con: Any, key: str, drivers: Sequence[str]) -> list[ConceptArtifact]:
    """Artifacts logged under ``key`` with one of ``drivers``, oldest first, with run fields."""
    if not drivers:
        return []
    marks = ", ".join("?" for _ in drivers)
    rows = con.execute(
        "SELECT a.id, a.container_uri, a.driver, a.run_id, r.year, r.iteration, "
        "r.parent_run_id, CAST(a.meta AS VARCHAR) "
        "FROM artifact a LEFT JOIN run r ON a.run_id = r.id "
        f"WHERE a.key = ? AND a.driver IN ({marks}) ORDER BY a.created_at, a.id",
        [key, *drivers],
    ).fetchall()
    return [ConceptArtifact(*row) for row in rows]


def _list(values: Sequence[Any], sql_type: str) -> str:
    return f"CAST([{', '.join(sql_literal(v) for v in values)}] AS {sql_type}[])"


def _cold_select(reader: str, files: Sequence[ColdFile], union_by_name: bool) -> str:
    paths = ", ".join(sql_literal(f.path) for f in files)
    options = ", union_by_name = true" if union_by_name else ""
    index = "CAST(file_index AS BIGINT) + 1"
    columns = {
        "consist_run_id": _list([f.run_id for f in files], "VARCHAR"),
        "consist_artifact_id": _list([f.artifact_id for f in files], "VARCHAR"),
        "consist_year": _list([f.year for f in files], "BIGINT"),
        "consist_iteration": _list([f.iteration for f in files], "BIGINT"),
        "consist_scenario_id": _list([f.scenario_id for f in files], "VARCHAR"),
    }
    provenance = ", ".join(f"({values})[{index}] AS {name}" for name, values in columns.items())
    return f"SELECT *, {provenance} FROM {reader}([{paths}]{options})"


def hybrid_select_sql(
    hot_table: str | None,
    parquet_files: Sequence[ColdFile],
    csv_files: Sequence[ColdFile],
    *,
    empty_columns: Sequence[tuple[str, str]] = (),
    parquet_union_by_name: bool = True,
) -> str:
    """The SELECT behind a hybrid view; a typed empty SELECT when there is nothing to show.

    ``parquet_union_by_name=False`` is a fast path for files known to share one
    schema (DuckDB then reads one footer at bind time instead of all of them).

    Example:
        >>> f = ColdFile("/d/t.parquet", "a1", "r1", 2030, None, None)
        >>> "read_parquet(['/d/t.parquet']" in hybrid_select_sql(None, [f], [])
        True
    """
    parts = []
    if hot_table is not None:
        parts.append(
            f"SELECT t.*, r.parent_run_id AS consist_scenario_id FROM {table_ref(hot_table)} t "
            "LEFT JOIN run r ON t.consist_run_id = r.id"
        )
    if parquet_files:
        parts.append(_cold_select("read_parquet", parquet_files, parquet_union_by_name))
    if csv_files:
        parts.append(_cold_select("read_csv", csv_files, True))
    if parts:
        return "\nUNION ALL BY NAME\n".join(parts)
    columns = [*empty_columns, *VIEW_PROVENANCE_COLUMNS]
    typed = ", ".join(f"CAST(NULL AS {dtype}) AS {quote_ident(name)}" for name, dtype in columns)
    return f"SELECT {typed} WHERE false"


def create_or_replace_view(con: Any, view_name: str, select_sql: str) -> None:
    """Create (or replace) the view ``view_name`` in the database's default schema."""
    con.execute(f"CREATE OR REPLACE VIEW {quote_ident(view_name)} AS {select_sql}")


def drop_view(con: Any, view_name: str) -> None:
    """Drop the view ``view_name`` if it exists."""
    con.execute(f"DROP VIEW IF EXISTS {quote_ident(view_name)}")


def list_views(con: Any) -> list[str]:
    """Names of the ``v_*`` views in the database's default schema."""
    rows = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
        "AND NOT internal AND view_name LIKE 'v\\_%' ESCAPE '\\' ORDER BY view_name"
    ).fetchall()
    return [row[0] for row in rows]


def view_definition(con: Any, view_name: str) -> str | None:
    """The stored SQL of view ``view_name`` in the default schema, or None if it does not exist."""
    rows = con.execute(
        "SELECT sql FROM duckdb_views() WHERE database_name = current_database() "
        "AND schema_name = current_schema() AND view_name = ?",
        [view_name],
    ).fetchall()
    return rows[0][0] if rows else None
