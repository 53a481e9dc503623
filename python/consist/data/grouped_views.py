"""Grouped views: one SQL view over artifacts chosen by schema, facets and run fields.

Unlike ``v_<concept>`` (one artifact key), a grouped view selects artifacts
across keys: by a schema (artifacts whose columns include every declared
column), facet predicates (``"k=v"``, ``"k>=v"``, ``"k<=v"`` over the
artifact's facet, else its run's config facet) and run filters. Facet keys can
be projected as typed ``facet_<key>`` columns.

Example:
    >>> parse_predicate("year>=2030")
    ('year', '>=', '2030')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from consist.data.column_types import duckdb_type_for
from consist.data.schemas import TableSchema, resolve_schema
from consist.data.views import COLD_DRIVERS, MISSING_FILE_POLICIES, _report_missing, _resolve
from consist.errors import ConfigError
from consist.store import global_tables as gt
from consist.store import grouped_views as sg
from consist.store import views as sv

__all__ = ["create_grouped_view", "facet_column_type", "parse_predicate"]

MODES = ("hybrid", "hot_only", "cold_only")
IF_EXISTS = ("replace", "error")
_PREDICATE = re.compile(r"^\s*([^<>=\s]+)\s*(>=|<=|=)\s*(.*?)\s*$")


def _choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ConfigError(
            f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}.",
            cause=f"create_grouped_view does not know {name}={value!r}.",
            fix=f"Pass {name}={allowed[0]!r} (default) or another listed value.",
        )


def parse_predicate(text: str) -> tuple[str, str, str]:
    """Split a facet predicate ``"key=value"`` / ``"key>=value"`` / ``"key<=value"``.

    Example:
        >>> parse_predicate("mode=car")
        ('mode', '=', 'car')
    """
    match = _PREDICATE.match(text)
    if match is None:
        raise ConfigError(
            f"Invalid facet predicate {text!r}.",
            cause="A predicate is a facet key, an operator (=, >=, <=) and a value.",
            fix="Write params like ['scenario=base', 'year>=2030'].",
        )
    key, op, value = match.groups()
    return key, op, value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _matches(actual: Any, op: str, expected: str) -> bool:
    if actual is None:
        return False
    if isinstance(actual, bool):
        return op == "=" and expected.lower() == str(actual).lower()
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return {"=": left == right, ">=": left >= right, "<=": left <= right}[op]
    left_s = str(actual)
    return {"=": left_s == expected, ">=": left_s >= expected, "<=": left_s <= expected}[op]


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def facet_column_type(values: Iterable[Any]) -> str:
    """The DuckDB type of a ``facet_<key>`` column from its observed values.

    Example:
        >>> facet_column_type([1, 2]), facet_column_type([1, 2.5]), facet_column_type([True])
        ('BIGINT', 'DOUBLE', 'BOOLEAN')
    """
    seen = {type(v) for v in values if v is not None}
    if seen == {bool}:
        return "BOOLEAN"
    if seen == {int}:
        return "BIGINT"
    if seen and seen <= {int, float}:
        return "DOUBLE"
    return "VARCHAR"


def _columns_of(con: Any, cand: sg.Candidate, path: str | None, hot_table: str | None) -> set[str]:
    if hot_table is not None:
        return set(gt.table_columns(con, hot_table) or {})
    if path is None or not os.path.exists(path):
        return set()
    return sg.file_columns(con, cand.driver, path)


def create_grouped_view(
    tracker: Any,
    db: Any,
    view_name: str,
    *,
    schema: Any = None,
    namespace: str | None = None,
    params: Sequence[str] | None = None,
    drivers: Sequence[str] | None = None,
    attach_facets: Sequence[str] | None = None,
    include_system_columns: bool = True,
    mode: str = "hybrid",
    if_exists: str = "replace",
    missing_files: str = "warn",
    run_filters: Mapping[str, Any] | None = None,
) -> str:
    """Create the grouped view ``view_name`` in ``db``; return its name.

    Example:
        >>> create_grouped_view(tracker, db, "v_base", params=["scenario=base"])  # doctest: +SKIP
        'v_base'
    """
    _choice("mode", mode, MODES)
    _choice("if_exists", if_exists, IF_EXISTS)
    _choice("missing_files", missing_files, MISSING_FILE_POLICIES)
    resolved: TableSchema | None = resolve_schema(schema) if schema is not None else None
    predicates = [parse_predicate(p) for p in params or ()]
    resolve_uri = getattr(tracker, "resolve_uri", None)
    with db.transaction() as con:
        if if_exists == "error" and sv.view_definition(con, view_name) is not None:
            raise ConfigError(
                f"View {view_name!r} already exists.",
                cause="create_grouped_view was called with if_exists='error'.",
                fix="Pick another view name or pass if_exists='replace'.",
            )
        cands = sg.candidate_artifacts(con, list(drivers or COLD_DRIVERS), run_filters or {})
        if namespace is not None:
            cands = [c for c in cands if c.meta.get("facet_namespace") in (None, namespace)]
        run_kv = sg.run_facets(con, sorted({c.run_id for c in cands if c.run_id}), namespace)
        hot_tables = {t: gt.ingested_artifact_ids(con, t) for t in gt.list_tables(con)}
        hot: dict[str, list[str]] = {}
        cold: dict[str, list[sv.ColdFile]] = {"parquet": [], "csv": []}
        facets: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        seen: set[str] = set()
        for cand in cands:
            facet = dict(_flatten(cand.meta.get("facet") or {}))
            run_facet = run_kv.get(cand.run_id or "", {})

            def lookup(key: str, facet=facet, run_facet=run_facet) -> Any:
                return facet[key] if key in facet else run_facet.get(key)

            if not all(_matches(lookup(k), op, v) for k, op, v in predicates):
                continue
            table = next((t for t, ids in hot_tables.items() if cand.artifact_id in ids), None)
            use_hot = table is not None and mode != "cold_only"
            if mode == "hot_only" and not use_hot:
                continue
            path = None if use_hot else _resolve(cand.container_uri, resolve_uri)
            if resolved is not None:
                columns = _columns_of(con, cand, path, table if use_hot else None)
                if columns and not set(resolved.column_names) <= columns:
                    continue
            if not use_hot:
                if path is None or not os.path.exists(path):
                    missing.append(path or cand.container_uri)
                    continue
                if path in seen or cand.driver not in cold:
                    continue
                seen.add(path)
                cold[cand.driver].append(cand.cold_file(path))
            else:
                hot.setdefault(table, []).append(cand.artifact_id)
            facets[cand.artifact_id] = {k: lookup(k) for k in attach_facets or ()}
        _report_missing(view_name, missing, missing_files)
        facet_columns = []
        for key in attach_facets or ():
            values = {a: f[key] for a, f in facets.items() if f.get(key) is not None}
            facet_columns.append((f"facet_{key}", facet_column_type(values.values()), values))
        empty = [(c.name, duckdb_type_for(c.label)) for c in resolved.columns] if resolved else []
        sql = sg.grouped_select_sql(
            hot,
            cold["parquet"],
            cold["csv"],
            facet_columns=facet_columns,
            empty_columns=empty,
            include_system_columns=include_system_columns,
        )
        sv.create_or_replace_view(con, view_name, sql)
    return view_name
