"""SQL for grouped views: one view over a selection of artifacts, across keys and runs.

The selection is made in Python (:mod:`consist.data.grouped_views`); this
module reads the candidates and their facets, and writes the view: a
``UNION ALL BY NAME`` of each selected ingested artifact's rows (from its
``global_tables`` table) and of the selected files on disk, plus optional
``facet_<key>`` columns joined by artifact id.

Example:
    >>> sql = grouped_select_sql({}, [], [], facet_columns=[], empty_columns=[("id", "BIGINT")])
    >>> "WHERE false" in sql
    True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from consist.store.facets import decode_kv_value
from consist.store.global_tables import quote_ident, table_ref
from consist.store.rows import load_json
from consist.store.views import VIEW_PROVENANCE_COLUMNS, ColdFile, hybrid_select_sql, sql_literal

__all__ = [
    "Candidate",
    "candidate_artifacts",
    "file_columns",
    "grouped_select_sql",
    "run_facets",
]

_RUN_FILTERS = {
    "run_id": "a.run_id",
    "parent_run_id": "r.parent_run_id",
    "model": "r.model_name",
    "status": "r.status",
    "year": "r.year",
    "iteration": "r.iteration",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """An artifact that may join a grouped view, with its run fields and facet."""

    artifact_id: str
    key: str
    container_uri: str
    driver: str
    run_id: str | None
    year: int | None
    iteration: int | None
    scenario_id: str | None
    meta: dict[str, Any]

    def cold_file(self, path: str) -> ColdFile:
        """This artifact as a file the view scans at ``path``."""
        return ColdFile(
            path, self.artifact_id, self.run_id, self.year, self.iteration, self.scenario_id
        )


def candidate_artifacts(
    con: Any, drivers: Sequence[str], run_filters: Mapping[str, Any]
) -> list[Candidate]:
    """Artifacts with one of ``drivers`` whose run matches every given filter, oldest first.

    ``run_filters`` keys: run_id, parent_run_id, model, status, year, iteration.
    """
    if not drivers:
        return []
    sql = (
        "SELECT a.id, a.key, a.container_uri, a.driver, a.run_id, r.year, r.iteration, "
        "r.parent_run_id, CAST(a.meta AS VARCHAR) FROM artifact a LEFT JOIN run r "
        f"ON a.run_id = r.id WHERE a.driver IN ({', '.join('?' for _ in drivers)})"
    )
    params: list[Any] = list(drivers)
    for name, value in run_filters.items():
        if value is not None:
            sql += f" AND {_RUN_FILTERS[name]} = ?"
            params.append(value)
    rows = con.execute(sql + " ORDER BY a.created_at, a.id", params).fetchall()
    return [Candidate(*row[:8], load_json(row[8]) or {}) for row in rows]


def run_facets(
    con: Any, run_ids: Sequence[str], namespace: str | None
) -> dict[str, dict[str, Any]]:
    """Flattened config facets (``run_config_kv``) of each run: run id -> {key: value}."""
    if not run_ids:
        return {}
    sql = (
        "SELECT run_id, key, value_type, value_str, value_num, value_bool, value_json "
        f"FROM run_config_kv WHERE run_id IN ({', '.join('?' for _ in run_ids)})"
    )
    params: list[Any] = list(run_ids)
    if namespace is not None:
        sql += " AND namespace = ?"
        params.append(namespace)
    out: dict[str, dict[str, Any]] = {}
    for run_id, key, *typed in con.execute(sql + " ORDER BY created_at", params).fetchall():
        out.setdefault(run_id, {})[key] = decode_kv_value(*typed)
    return out


def file_columns(con: Any, driver: str, path: str) -> set[str]:
    """Column names of a Parquet or CSV file, as DuckDB reads it."""
    reader = "read_parquet" if driver == "parquet" else "read_csv"
    rows = con.execute(f"DESCRIBE SELECT * FROM {reader}({sql_literal(path)})").fetchall()
    return {row[0] for row in rows}


def _hot_select(table: str, artifact_ids: Sequence[str]) -> str:
    ids = ", ".join(sql_literal(a) for a in artifact_ids)
    return (
        f"SELECT t.*, r.parent_run_id AS consist_scenario_id FROM {table_ref(table)} t "
        f"LEFT JOIN run r ON t.consist_run_id = r.id WHERE t.consist_artifact_id IN ({ids})"
    )


def grouped_select_sql(
    hot: Mapping[str, Sequence[str]],
    parquet_files: Sequence[ColdFile],
    csv_files: Sequence[ColdFile],
    *,
    facet_columns: Sequence[tuple[str, str, Mapping[str, Any]]],
    empty_columns: Sequence[tuple[str, str]] = (),
    include_system_columns: bool = True,
) -> str:
    """The SELECT behind a grouped view.

    ``hot`` maps an ingested table to the selected artifact ids read from it;
    ``facet_columns`` are ``(column, duckdb type, {artifact id: value})``.
    Nothing selected gives a typed empty SELECT (``empty_columns`` + provenance).

    Example:
        >>> f = ColdFile("/d/t.parquet", "a1", "r1", 2030, None, None)
        >>> sql = grouped_select_sql({}, [f], [], facet_columns=[("facet_s", "VARCHAR", {"a1": "x"})])
        >>> "facet_s" in sql and "read_parquet" in sql
        True
    """
    parts = [_hot_select(table, ids) for table, ids in sorted(hot.items()) if ids]
    if parquet_files or csv_files:
        parts.append(hybrid_select_sql(None, parquet_files, csv_files))
    if parts:
        body = "\nUNION ALL BY NAME\n".join(parts)
    else:
        typed = [*empty_columns, *VIEW_PROVENANCE_COLUMNS]
        body = (
            "SELECT "
            + ", ".join(f"CAST(NULL AS {t}) AS {quote_ident(n)}" for n, t in typed)
            + " WHERE false"
        )
    select, joins = ["u.*"], []
    for index, (column, dtype, values) in enumerate(facet_columns):
        alias = f"f{index}"
        rows = ", ".join(
            f"({sql_literal(a)}, CAST({sql_literal(v)} AS {dtype}))" for a, v in values.items()
        )
        if not rows:  # no value at all: a typed NULL column
            select.append(f"CAST(NULL AS {dtype}) AS {quote_ident(column)}")
            continue
        select.append(f"{alias}.v AS {quote_ident(column)}")
        joins.append(
            f"LEFT JOIN (VALUES {rows}) {alias}(artifact_id, v) "
            f"ON u.consist_artifact_id = {alias}.artifact_id"
        )
    if not include_system_columns:
        names = ", ".join(quote_ident(n) for n, _ in VIEW_PROVENANCE_COLUMNS)
        select[0] = f"u.* EXCLUDE ({names})"
    return f"SELECT {', '.join(select)} FROM ({body}) u " + " ".join(joins)
