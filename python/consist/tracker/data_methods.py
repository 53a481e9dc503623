"""Data methods of the ``Tracker`` facade (a mixin), as Consist 0.3 spelled them.

Ingest, load, views, captured outputs and database snapshots, each bound to
this tracker. The work happens in the data layer (``consist.data``), the
capture helper (``consist.capture``) and the maintenance layer
(``consist.maintenance.snapshot``), imported when called.

Example:
    >>> rel = tracker.load(tracker.get_run_outputs("clean_1a2b")["cleaned"])  # doctest: +SKIP
    >>> tracker.create_view("v_trips_all", "trips")  # doctest: +SKIP
    'v_trips_all'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist.errors import ConsistLookupError, ConsistRuntimeError

if TYPE_CHECKING:
    from consist.models import Artifact

__all__ = ["TrackerData"]


class TrackerData:
    """``ingest``, ``load``, ``load_run_output``, ``view``, ``create_view``, ``capture_outputs``, ..."""

    if TYPE_CHECKING:
        run_dir: Path
        db_path: Path | None
        registered_schemas: list[Any]
        views: Any

        def _store_or_none(self) -> Any: ...
        def get_run_outputs(self, run_id: str) -> dict[str, Artifact]: ...

    def ingest(
        self,
        artifact: Artifact,
        data: Any = None,
        schema: Any = None,
        run: Any = None,
        profile_schema: bool = True,
    ) -> int:
        """Insert an artifact's rows (``data``, else its file) into ``global_tables``; row count.

        The table is the schema's ``__tablename__``, else the artifact's
        recorded ``table_name``, else its key. ``profile_schema`` is accepted
        for Consist 0.3 code: the columns are always taken from the data (and
        checked against ``schema`` when given).

        Example:
            >>> tracker.ingest(artifact, data=df, schema=Person)  # doctest: +SKIP
            1000
        """
        from consist.data.dataframe_logging import ingest

        return ingest(self, artifact, data=data, schema=schema, run=run)

    def load(self, artifact: Any, **kwargs: Any) -> Any:
        """Open an artifact with this tracker's paths: a DuckDB relation for tabular data.

        Same options as ``consist.load`` (``db_fallback``, ``columns``, ``nrows``, ...).

        Example:
            >>> df = tracker.load(artifact).df()  # doctest: +SKIP
        """
        from consist.data.loaders import load

        return load(artifact, self, **kwargs)

    def load_run_output(self, run_id: str, key: str, **kwargs: Any) -> Any:
        """``load`` of output ``key`` of a recorded run (``KeyError`` naming the outputs it has).

        Example:
            >>> tracker.load_run_output("clean_1a2b", "cleaned").df()  # doctest: +SKIP
        """
        outputs = self.get_run_outputs(run_id)
        if key not in outputs:
            available = ", ".join(sorted(outputs)) or "(none)"
            raise KeyError(f"Run {run_id!r} has no output {key!r}. Available keys: {available}")
        return self.load(outputs[key], **kwargs)

    def view(self, model: Any, key: str | None = None) -> Any:
        """Register ``model`` (a schema) on this tracker and return its view class.

        With a database the SQL view ``v_<table>`` is (re)built over the
        concept's files and ingested rows; the class maps it for
        ``select(...)``. ``key`` is the concept key when it differs from the
        schema's table name.

        Example:
            >>> Person = tracker.view(PersonSchema)  # doctest: +SKIP
            >>> with Session(tracker.engine) as s:  # doctest: +SKIP
            ...     s.exec(select(Person)).all()
        """
        schema = self.views.register(model, key=key)
        return getattr(self.views, schema.name)

    def create_view(self, view_name: str, concept_key: str) -> str:
        """Create (or replace) the hybrid view ``view_name`` over ``concept_key``; its name.

        Example:
            >>> tracker.create_view("v_all_trips", "trips")  # doctest: +SKIP
            'v_all_trips'
        """
        return self.views.create(view_name, concept_key)

    def create_grouped_view(
        self,
        view_name: str,
        *,
        schema_id: str | None = None,
        schema: Any = None,
        namespace: str | None = None,
        params: list[str] | None = None,
        drivers: list[str] | None = None,
        attach_facets: list[str] | None = None,
        include_system_columns: bool = True,
        mode: str = "hybrid",
        if_exists: str = "replace",
        missing_files: str = "warn",
        run_id: str | None = None,
        parent_run_id: str | None = None,
        model: str | None = None,
        status: str | None = None,
        year: int | None = None,
        iteration: int | None = None,
        schema_compatible: bool = False,
    ) -> str:
        """Create a view over artifacts selected by schema, facet predicates and run fields.

        ``schema`` (or ``schema_id``, a registered schema's class or table name)
        keeps artifacts whose columns include every declared column;
        ``schema_compatible`` is accepted for Consist 0.3 code (columns are
        always compared). See docs/data.md, "Grouped views".

        Example:
            >>> tracker.create_grouped_view("v_base", params=["scenario=base"])  # doctest: +SKIP
            'v_base'
        """
        from consist.data.artifact_access import database_of
        from consist.data.grouped_views import create_grouped_view

        del schema_compatible  # recorded columns are always checked against the schema
        if schema is None and schema_id is not None:
            schema = self.views.schemas.get(schema_id) or self.views.schema_for_key(schema_id)
            if schema is None:
                raise ConsistLookupError(
                    f"No registered schema {schema_id!r}.",
                    cause="schema_id names a schema registered on this tracker.",
                    fix="Pass it in Tracker(schemas=[...]) or pass schema=Model.",
                )
        db = database_of(self)
        if db is None:
            raise ConsistRuntimeError(
                "Views need a database",
                cause="This tracker was created without db_path, so there is nothing to query.",
                fix="Create the Tracker with db_path='./provenance.duckdb'.",
            )
        filters = {
            "run_id": run_id,
            "parent_run_id": parent_run_id,
            "model": model,
            "status": status,
            "year": year,
            "iteration": iteration,
        }
        return create_grouped_view(
            self,
            db,
            view_name,
            schema=schema,
            namespace=namespace,
            params=params,
            drivers=drivers,
            attach_facets=attach_facets,
            include_system_columns=include_system_columns,
            mode=mode,
            if_exists=if_exists,
            missing_files=missing_files,
            run_filters=filters,
        )

    def get_registered_schema(self, name: str) -> Any:
        """The schema registered under a class name or table name (as it was given).

        ``ConsistLookupError`` when none is registered.

        Example:
            >>> tracker.get_registered_schema("Person") is Person  # doctest: +SKIP
            True
        """
        from consist.data.schemas import resolve_schema

        for given in self.registered_schemas:  # as passed to Tracker(schemas=[...])
            resolved = resolve_schema(given)
            if name in (resolved.name, resolved.table_name):
                return given
        registry = self.views
        found = registry.schemas.get(name) or registry.schema_for_key(name)
        if found is None:
            names = ", ".join(sorted(registry.schemas)) or "(none)"
            raise ConsistLookupError(
                f"No registered schema {name!r}.",
                cause=f"Registered schemas: {names}.",
                fix="Pass it in Tracker(schemas=[...]) or register it with tracker.view(Model).",
            )
        return found.source if found.source is not None else found

    def capture_outputs(
        self, directory: str | os.PathLike[str], pattern: str = "*", recursive: bool = False
    ) -> Any:
        """Context manager: files created or changed in ``directory`` become outputs of the open run.

        Example:
            >>> with tracker.start_run("assign", model="assign"):  # doctest: +SKIP
            ...     with tracker.capture_outputs("out", pattern="*.csv") as cap:
            ...         run_model("out")
            >>> sorted(cap.artifacts)  # doctest: +SKIP
        """
        from consist.capture import capture_outputs

        return capture_outputs(directory, pattern, recursive, tracker=self)

    def snapshot_db(self, dest_path: str | os.PathLike[str], checkpoint: bool = True) -> Path:
        """Copy the provenance database to ``dest_path`` (with a ``.snapshot_meta.json`` sidecar).

        ``checkpoint=True`` folds the WAL into the file first; the copy is
        atomic and the operation is appended to ``<run_dir>/.consist_audit.log``,
        as ``consist db snapshot`` does.

        Example:
            >>> tracker.snapshot_db("snapshots/pre-maintenance.duckdb")  # doctest: +SKIP
            PosixPath('/abs/snapshots/pre-maintenance.duckdb')
        """
        if self.db_path is None:
            raise ConsistRuntimeError(
                "This tracker has no database to snapshot.",
                cause="Tracker(db_path=None) records JSON snapshots only.",
                fix="Copy <run_dir>/consist_runs instead, or create the Tracker with db_path=...",
            )
        from consist.maintenance.audit import append_audit
        from consist.maintenance.snapshot import snapshot_database

        meta = snapshot_database(self.db_path, dest_path, checkpoint=checkpoint)
        append_audit(self.run_dir, "snapshot", f"out={meta['snapshot']} runs={meta['runs']}")
        return Path(meta["snapshot"])
