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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from consist.data.artifact_access import database_of, implicit_tracker
from consist.data.column_types import duckdb_type_for, label_of_duckdb
from consist.data.schemas import TableSchema, resolve_schema
from consist.data.view_models import build_view_model
from consist.errors import ConfigError, ConsistRuntimeError, ConsistWarning
from consist.store import global_tables as gt
from consist.store import views as sv

__all__ = ["COLD_DRIVERS", "ViewRegistry", "build_hybrid_view", "register_views", "view"]

COLD_DRIVERS: tuple[str, ...] = ("parquet", "csv")
MISSING_FILE_POLICIES = ("warn", "error", "skip_silent")
_MAX_LISTED_FILES = 3

# (path, size, mtime_ns) -> Parquet schema; footers are read once per file version.
_footer_cache: dict[tuple[str, int, int], Any] = {}


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


def register_views(*models: Any) -> dict[str, Any]:
    """View classes for several schemas, keyed by class name; also registered on the current tracker.

    Example:
        >>> from pydantic import BaseModel
        >>> class Stop(BaseModel):
        ...     id: int
        >>> sorted(register_views(Stop))
        ['Stop']
    """
    tracker = implicit_tracker()
    registry = getattr(tracker, "views", None) if tracker is not None else None
    out = {}
    for model in models:
        schema = resolve_schema(model)
        if isinstance(registry, ViewRegistry):
            registry.register(schema)
        out[schema.name] = view(schema)
    return out


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


class ViewRegistry:
    """Registered schemas of a tracker; ``registry.<ClassName>`` refreshes and returns its view class.

    ``tracker.views.Person`` (or ``tracker.views["person"]`` by concept key)
    rebuilds ``v_person`` from the current runs and returns a SQLModel class
    mapping it, for ``select(...)`` through ``tracker.engine``. An unregistered
    name raises ``AttributeError``, as in Consist 0.3.

    Example:
        >>> ViewRegistry(None).Person
        Traceback (most recent call last):
        ...
        AttributeError: 'ViewRegistry' object has no attribute 'Person'
    """

    def __init__(self, tracker: Any) -> None:
        self._tracker = tracker
        self._schemas: dict[str, TableSchema] = {}  # class name -> schema
        self._models: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}

    def register(self, model: Any, key: str | None = None) -> TableSchema:
        """Register a schema (SQLModel/pydantic class, TableSchema, or Arrow schema with ``key``)."""
        schema = resolve_schema(model, name=key)
        self._schemas[schema.name] = schema
        return schema

    def __getattr__(self, name: str) -> Any:
        schemas = self.__dict__.get("_schemas", {})
        if name.startswith("_") or name not in schemas:
            raise AttributeError(f"'ViewRegistry' object has no attribute '{name}'")
        return self._model_for(schemas[name])

    def __getitem__(self, name: str) -> Any:
        schema = self._find(name)
        if schema is None:
            self.create(view_name_for(name), name)
            return self._model_from_db(name, view_name_for(name), None)
        return self._model_for(schema)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._schemas))

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._schemas]

    def __repr__(self) -> str:
        return f"<ViewRegistry {sorted(self._schemas)}>"

    @property
    def schemas(self) -> dict[str, TableSchema]:
        """Registered schemas by class name."""
        return dict(self._schemas)

    def schema_for_key(self, concept_key: str) -> TableSchema | None:
        """The registered schema ingesting into ``concept_key``, if any."""
        return next((s for s in self._schemas.values() if s.table_name == concept_key), None)

    def create(self, view_name: str, concept_key: str, **options: Any) -> str:
        """Create a hybrid view with any name over ``concept_key`` (``tracker.create_view``)."""
        return build_hybrid_view(
            self._database(),
            concept_key,
            view_name=view_name,
            schema=self.schema_for_key(concept_key),
            resolve_uri=getattr(self._tracker, "resolve_uri", None),
            **options,
        )

    def refresh(self, *names: str) -> list[str]:
        """Rebuild the SQL views of the given schemas/keys (all registered when none given)."""
        targets = [self._find(n) or n for n in names] if names else list(self._schemas.values())
        built = []
        for target in targets:
            key = target.table_name if isinstance(target, TableSchema) else target
            built.append(self.create(view_name_for(key), key))
        return built

    def _find(self, name: str) -> TableSchema | None:
        return self._schemas.get(name) or self.schema_for_key(name)

    def _model_for(self, schema: TableSchema) -> Any:
        view_name = self.create(view_name_for(schema.table_name), schema.table_name)
        return self._model_from_db(schema.name, view_name, schema)

    def _model_from_db(self, class_name: str, view_name: str, schema: TableSchema | None) -> Any:
        with self._database().session() as con:
            described = gt.relation_columns(con, view_name)
        columns = [(n, label_of_duckdb(t)) for n, t in described.items()]
        if schema is not None:  # declared types win over what the files happen to hold
            declared = {c.name: c.label for c in schema.columns}
            columns = [(n, declared.get(n, lab)) for n, lab in columns]
        cache_key = (view_name, tuple(columns))
        if cache_key not in self._models:
            key = schema.primary_key if schema is not None else ()
            self._models[cache_key] = build_view_model(class_name, view_name, columns, key)
        return self._models[cache_key]

    def _database(self) -> Any:
        db = database_of(self._tracker)
        if db is None:
            raise ConsistRuntimeError(
                "Views need a database",
                cause="This tracker was created without db_path, so there is nothing to query.",
                fix="Create the Tracker with db_path='./provenance.duckdb'.",
            )
        return db


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
            schema = pq.read_schema(f.path).remove_metadata()
            _footer_cache[cache_key] = schema
        if first is None:
            first = schema
        elif not schema.equals(first):
            return False
    return True
