"""Hybrid views across runs: ``tracker.views.<Schema>`` and SQL views ``v_<concept>``.

A concept (a schema's ``__tablename__``, or an artifact key) gets one SQL view
``v_<concept>`` in the provenance database: ingested rows from
``global_tables.<concept>`` plus Parquet/CSV files still on disk logged under
that key, for all runs, with provenance columns ``consist_run_id``,
``consist_artifact_id``, ``consist_year``, ``consist_iteration`` and
``consist_scenario_id`` (the run's parent). An artifact that is both ingested
and on disk counts once (its ingested rows); a file logged twice counts once;
missing files that were not ingested are skipped with a warning.

The SQL view lists the files known when it was (re)built: every access through
``tracker.views`` rebuilds it, ``log_dataframe`` rebuilds the views of its
concept, and ``tracker.views.refresh()`` rebuilds all, so ``duckdb
provenance.duckdb`` and ``tracker.engine`` users see current data.

Example:
    >>> import pyarrow as pa
    >>> V = view(pa.schema([("id", pa.int64())]), name="trip")
    >>> V.__tablename__
    'v_trip'
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from consist.data.column_types import duckdb_type_for
from consist.data.schemas import TableSchema, resolve_schema
from consist.data.view_models import build_view_model
from consist.errors import ConfigError, ConsistRuntimeError, ConsistWarning
from consist.store import global_tables as gt
from consist.store import views as sv

__all__ = ["COLD_DRIVERS", "build_hybrid_view", "view", "view_name_for"]

COLD_DRIVERS: tuple[str, ...] = ("parquet", "csv")
MISSING_FILE_POLICIES = ("warn", "error", "skip_silent")
_MAX_LISTED_FILES = 3

# (path, size, mtime_ns) -> Parquet schema; footers are read once per file version.
_footer_cache: dict[tuple[str, int, int], Any] = {}
_FOOTER_CACHE_LIMIT = 100_000


def view_name_for(concept_key: str) -> str:
    """The SQL view name of a concept: ``v_<concept>``.

    Example:
        >>> view_name_for("trip")
        'v_trip'
    """
    return f"v_{concept_key}"


def view(model: Any, name: str | None = None) -> Any:
    """Build the view class of a schema (no SQL is run): table ``v_<__tablename__>``.

    ``name`` overrides the concept key (required for a ``pyarrow.Schema``).

    Example:
        >>> from sqlmodel import SQLModel, Field
        >>> class Person(SQLModel, table=True):
        ...     id: int = Field(primary_key=True)
        ...     age: int | None = None
        >>> view(Person).__tablename__
        'v_person'
    """
    schema = resolve_schema(model, name=name)
    columns = [(c.name, c.label) for c in schema.columns]
    view_name = view_name_for(schema.table_name)
    return build_view_model(schema.name, view_name, columns, schema.primary_key)


def build_hybrid_view(
    db: Any,
    concept_key: str,
    *,
    view_name: str | None = None,
    schema: TableSchema | None = None,
    resolve_uri: Any = None,
    drivers: Sequence[str] = COLD_DRIVERS,
    missing_files: str = "warn",
) -> str:
    """(Re)create the SQL view of ``concept_key`` in ``db``; return the view name.

    ``resolve_uri`` maps an artifact's ``container_uri`` to a local path (the
    tracker's resolver); without it, URIs must be absolute paths.

    Example:
        >>> import tempfile, pathlib
        >>> from consist.store import open_database
        >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb")
        >>> build_hybrid_view(db, "trip")
        'v_trip'
        >>> db.close()
    """
    if missing_files not in MISSING_FILE_POLICIES:
        raise ConfigError(
            f"missing_files must be one of {', '.join(map(repr, MISSING_FILE_POLICIES))}; "
            f"got {missing_files!r}.",
            cause="The policy decides what a view does about artifacts whose file is gone.",
            fix="Use missing_files='warn' (default), 'error' or 'skip_silent'.",
        )
    view_name = view_name or view_name_for(concept_key)
    with db.transaction() as con:
        hot = concept_key if gt.table_columns(con, concept_key) is not None else None
        ingested = gt.ingested_artifact_ids(con, hot) if hot else set()
        cold: dict[str, list[sv.ColdFile]] = {d: [] for d in drivers}
        missing: list[str] = []
        seen: set[str] = set()
        for art in sv.concept_artifacts(con, concept_key, list(drivers)):
            if art.artifact_id in ingested:
                continue
            path = _resolve(art.container_uri, resolve_uri)
            if path is None or not os.path.exists(path):
                missing.append(path or art.container_uri)
                continue
            if path in seen:  # the same file logged twice counts once
                continue
            seen.add(path)
            cold[art.driver].append(
                sv.ColdFile(
                    path, art.artifact_id, art.run_id, art.year, art.iteration, art.scenario_id
                )
            )
        _report_missing(view_name, missing, missing_files)
        parquet, csv = cold.get("parquet", []), cold.get("csv", [])
        empty = [(c.name, duckdb_type_for(c.label)) for c in schema.columns] if schema else []
        sql = sv.hybrid_select_sql(
            hot,
            parquet,
            csv,
            empty_columns=empty,
            parquet_union_by_name=not _same_parquet_schema(parquet),
        )
        sv.create_or_replace_view(con, view_name, sql)
    return view_name


def _resolve(uri: str, resolve_uri: Any) -> str | None:
    try:
        path = resolve_uri(uri) if resolve_uri is not None else uri.removeprefix("file://")
    except ValueError:  # UriResolutionError: an unknown mount
        return None
    path = str(path)
    return path if Path(path).is_absolute() else None


def _report_missing(view_name: str, missing: list[str], policy: str) -> None:
    if not missing or policy == "skip_silent":
        return
    listed = ", ".join(missing[:_MAX_LISTED_FILES]) + (" ..." if len(missing) > 3 else "")
    message = (
        f"View {view_name!r} skips {len(missing)} missing file(s) that were not ingested: {listed}"
    )
    if policy == "error":
        raise ConsistRuntimeError(
            message,
            cause="The artifacts are recorded, but their files are gone and no rows were ingested.",
            fix="Restore the files (tracker.materialize_run_outputs) or pass missing_files='warn'.",
        )
    warnings.warn(message, ConsistWarning, stacklevel=3)


def _same_parquet_schema(files: Sequence[sv.ColdFile]) -> bool:
    """True when every file has one Arrow schema, so DuckDB need not unify by name."""
    if len(files) < 2:
        return True
    import pyarrow.parquet as pq

    first = None
    for f in files:
        stat = os.stat(f.path)
        cache_key = (f.path, stat.st_size, stat.st_mtime_ns)
        schema = _footer_cache.get(cache_key)
        if schema is None:
            if len(_footer_cache) > _FOOTER_CACHE_LIMIT:
                _footer_cache.clear()
            schema = pq.read_schema(f.path).remove_metadata()
            _footer_cache[cache_key] = schema
        if first is None:
            first = schema
        elif not schema.equals(first):
            return False
    return True
