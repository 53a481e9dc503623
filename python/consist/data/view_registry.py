"""``tracker.views``: the registry of a tracker's schemas and their hybrid views.

``Tracker(schemas=[Person, Trip])`` registers schemas; ``tracker.views.Trip``
rebuilds ``v_trip`` and returns a class mapping it (see
:mod:`consist.data.view_models`); ``tracker.views.refresh()`` rebuilds every
registered view. A tracker without its own registry gets one from
:func:`registry_for` (kept per tracker, seeded with ``tracker.registered_schemas``).

Example:
    >>> registry = ViewRegistry(None)
    >>> registry.register(__import__("pyarrow").schema([("id", "int64")]), key="trip").table_name
    'trip'
    >>> "trip" in registry
    True
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from typing import Any

from consist.data.artifact_access import database_of, implicit_tracker
from consist.data.column_types import label_of_duckdb
from consist.data.schemas import TableSchema, resolve_schema
from consist.data.view_models import build_view_model
from consist.data.views import build_hybrid_view, view, view_name_for
from consist.errors import ConsistRuntimeError
from consist.store import global_tables as gt
from consist.store import views as sv

__all__ = ["ViewRegistry", "refresh_for_artifacts", "register_views", "registry_for"]


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
        from consist.data.view_freshness import discard_stale

        built = build_hybrid_view(
            self._database(),
            concept_key,
            view_name=view_name,
            schema=self.schema_for_key(concept_key),
            resolve_uri=getattr(self._tracker, "resolve_uri", None),
            **options,
        )
        if view_name == view_name_for(concept_key):
            discard_stale(self._tracker, concept_key)
        return built

    def refresh(self, *names: str) -> list[str]:
        """Rebuild the SQL views of the given schemas/keys (all registered when none given)."""
        targets = [self._find(n) or n for n in names] if names else list(self._schemas.values())
        built = []
        for target in targets:
            key = target.table_name if isinstance(target, TableSchema) else target
            built.append(self.create(view_name_for(key), key))
        return built

    def ensure_hot_part(self, concept_key: str) -> bool:
        """Rebuild ``v_<concept>`` only if it does not read ``global_tables.<concept>`` yet.

        New ingested rows need no rebuild: the view reads the table by name.
        Returns True when the view was rebuilt.
        """
        view_name = view_name_for(concept_key)
        with self._database().session() as con:
            definition = sv.view_definition(con, view_name)
        # DuckDB stores the view normalised: the hot part reads `global_tables.<t> AS t`,
        # with <t> quoted only when it must be.
        forms = (concept_key, gt.quote_ident(concept_key))
        if definition is not None and any(
            f"{gt.GLOBAL_SCHEMA}.{form} AS t" in definition for form in forms
        ):
            return False
        self.create(view_name, concept_key)
        return True

    def _find(self, name: str) -> TableSchema | None:
        return self._schemas.get(name) or self.schema_for_key(name)

    def _model_for(self, schema: TableSchema) -> Any:
        if database_of(self._tracker) is None:  # no SQL view to build; the class still maps it
            return view(schema)
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


# tracker -> its ViewRegistry (weak: the registry goes with its tracker).
_registries: weakref.WeakKeyDictionary[Any, ViewRegistry] = weakref.WeakKeyDictionary()


def registry_for(tracker: Any) -> ViewRegistry:
    """The tracker's ViewRegistry (``tracker.views``), created with its ``schemas=[...]``.

    Example:
        >>> class T:
        ...     registered_schemas = []
        >>> t = T()
        >>> registry_for(t) is registry_for(t)
        True
    """
    registry = _registries.get(tracker)
    if registry is None:
        registry = ViewRegistry(tracker)
        for schema in getattr(tracker, "registered_schemas", None) or ():
            registry.register(schema)
        _registries[tracker] = registry
    return registry


def refresh_for_artifacts(tracker: Any, artifacts: Iterable[Any]) -> list[str]:
    """Rebuild the tracker's registered views fed by these artifacts; return the views rebuilt.

    Call it after a run's artifacts are recorded, so ``v_<concept>`` seen from
    ``duckdb provenance.duckdb`` lists the new files. A no-op (no database work)
    when the tracker registered no schemas.

    Example:
        >>> class T:
        ...     registered_schemas = []
        >>> refresh_for_artifacts(T(), [])
        []
    """
    if tracker not in _registries and not getattr(tracker, "registered_schemas", None):
        return []
    registry = registry_for(tracker)
    concepts = set()
    for artifact in artifacts:
        meta = getattr(artifact, "meta", None) or {}
        concepts.update(c for c in (artifact.key, meta.get("table_name")) if c in registry)
    return registry.refresh(*sorted(concepts)) if concepts else []


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
    registry = registry_for(tracker) if tracker is not None else None
    out = {}
    for model in models:
        schema = resolve_schema(model)
        if registry is not None:
            registry.register(schema)
        out[schema.name] = view(schema)
    return out
