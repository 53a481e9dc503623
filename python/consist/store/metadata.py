"""``MetadataStore``: the store interface the tracker codes against.

Each method runs in a session (reads) or a transaction (writes) of the shared
``Database``. Wrap several calls in ``store.transaction()`` to make them one
atomic unit (inner transactions join the outer one): a cache hit records its
run row and links at once, and a run becomes ``completed`` in the same
transaction that records its outputs.

Example:
    >>> import tempfile, pathlib
    >>> from consist.models import Artifact, Run
    >>> store = MetadataStore.open(pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb")
    >>> run = Run(id="clean_1", model_name="clean", signature="blake3:ab")
    >>> store.insert_run(run)
    >>> out = Artifact(key="trips", container_uri="./trips.parquet", driver="parquet", run_id=run.id)
    >>> run.status = "completed"
    >>> store.finish_run(run, outputs={"trips": out})
    >>> store.find_completed_run_by_signature("blake3:ab").id
    'clean_1'
    >>> store.db.close()
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from consist.models import Artifact, Run, RunArtifacts, utc_now
from consist.store import artifacts as artifact_sql
from consist.store import facets as facet_sql
from consist.store import runs as run_sql
from consist.store.connection import Database
from consist.store.registry import open_database

__all__ = ["MetadataStore"]


class MetadataStore:
    """Runs, artifacts, links and facets in one provenance database.

    Example:
        >>> import tempfile, pathlib
        >>> store = MetadataStore.open(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
        >>> store.count_runs()
        0
        >>> store.db.close()
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> MetadataStore:
        """Store on the process-wide ``Database`` for ``path``."""
        return cls(open_database(path, read_only=read_only))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """Group several store calls into one atomic transaction."""
        with self.db.transaction() as con:
            yield con

    # -- runs -----------------------------------------------------------------

    def insert_run(self, run: Run) -> None:
        """Record a new run (normally with status "running")."""
        with self.db.transaction() as con:
            run_sql.insert_run(con, run)

    def update_run(self, run: Run) -> None:
        """Write the run's current fields (status, ended_at, meta, ...) over its row."""
        run.updated_at = utc_now()
        with self.db.transaction() as con:
            run_sql.update_run(con, run)

    def finish_run(
        self,
        run: Run,
        *,
        outputs: Mapping[str, Artifact] | None = None,
        inputs: Mapping[str, Artifact] | None = None,
    ) -> None:
        """In ONE transaction: store artifacts, link them, and update the run row.

        Set ``run.status`` / ``run.ended_at`` before calling; a crash before the
        commit leaves the run as it was (e.g. "running") with none of these rows.
        """
        if run.ended_at is None and run.status != "running":
            run.ended_at = utc_now()
        run.updated_at = utc_now()
        inputs, outputs = dict(inputs or {}), dict(outputs or {})
        links = [(a.id, "input", key) for key, a in inputs.items()]
        links += [(a.id, "output", key) for key, a in outputs.items()]
        with self.db.transaction() as con:
            # Inputs usually exist already (possibly with newer meta): only add missing rows.
            artifact_sql.insert_artifacts(con, inputs.values(), replace=False)
            artifact_sql.insert_artifacts(con, outputs.values())
            artifact_sql.link_many(con, run.id, links, on_conflict="ignore")
            run_sql.update_run(con, run)

    def record_cache_hit(self, run: Run, outputs: Mapping[str, Artifact]) -> None:
        """Insert a completed cache-hit run and link the cached outputs to it (one transaction)."""
        with self.db.transaction() as con:
            run_sql.insert_run(con, run)
            links = [(a.id, "output", k) for k, a in outputs.items()]
            artifact_sql.link_many(con, run.id, links, on_conflict="error")  # a new run

    def get_run(self, run_id: str) -> Run | None:
        """The run with this id, or None."""
        with self.db.session() as con:
            return run_sql.get_run(con, run_id)

    def get_runs(self, run_ids: Iterable[str]) -> dict[str, Run]:
        """Runs by id; unknown ids are left out."""
        with self.db.session() as con:
            return run_sql.get_runs(con, run_ids)

    def find_runs(
        self,
        *,
        model: str | None = None,
        status: str | Iterable[str] | None = None,
        tags: str | Iterable[str] | None = None,
        year: int | None = None,
        iteration: int | None = None,
        parent_run_id: str | None = None,
        signature: str | None = None,
        limit: int | None = None,
        order: str = "newest",
        **filters: Any,
    ) -> list[Run]:
        """Runs matching all filters; see ``consist.store.runs.find_runs`` for the full list."""
        with self.db.session() as con:
            return run_sql.find_runs(
                con,
                limit=limit,
                order=order,
                model=model,
                status=status,
                tags=tags,
                year=year,
                iteration=iteration,
                parent_run_id=parent_run_id,
                signature=signature,
                **filters,
            )

    def find_latest_run(self, **filters: Any) -> Run | None:
        """Newest run matching the ``find_runs`` filters, or None."""
        found = self.find_runs(limit=1, order="newest", **filters)
        return found[0] if found else None

    def find_completed_run_by_signature(self, signature: str) -> Run | None:
        """Cache lookup: newest completed run with this signature that actually executed."""
        with self.db.session() as con:
            return run_sql.find_completed_run_by_signature(con, signature)

    def find_completed_runs_by_signature(self, signature: str) -> list[Run]:
        """All cache candidates: executed runs newest first, then cache-hit runs."""
        with self.db.session() as con:
            return run_sql.find_completed_runs_by_signature(con, signature)

    def find_prior_run_for_miss(
        self, model_name: str, *, exclude_run_id: str | None = None
    ) -> Run | None:
        """Newest completed run of the same model (to explain a cache miss)."""
        with self.db.session() as con:
            return run_sql.find_prior_run_for_miss(con, model_name, exclude_run_id=exclude_run_id)

    def count_runs(self, **filters: Any) -> int:
        """Number of runs matching the ``find_runs`` filters."""
        with self.db.session() as con:
            return run_sql.count_runs(con, **filters)

    # -- artifacts and links --------------------------------------------------

    def insert_artifacts(self, artifacts: Iterable[Artifact]) -> None:
        """Store artifact rows (same id replaces: re-logging updates meta)."""
        with self.db.transaction() as con:
            artifact_sql.insert_artifacts(con, artifacts)

    def link(self, run_id: str, artifact_id: str, direction: str, key: str | None = None) -> None:
        """Record that a run read ("input") or wrote ("output") an artifact under ``key``."""
        with self.db.transaction() as con:
            artifact_sql.link(con, run_id, artifact_id, direction, key)

    def log_artifacts(self, run_id: str, artifacts: Mapping[str, Artifact], direction: str) -> None:
        """Store artifacts and link them to a run in one transaction."""
        with self.db.transaction() as con:
            artifact_sql.insert_artifacts(con, artifacts.values())
            artifact_sql.link_many(
                con, run_id, [(a.id, direction, k) for k, a in artifacts.items()]
            )

    def get_artifacts_for_run(self, run_id: str) -> RunArtifacts:
        """A run's inputs and outputs, keyed by link key."""
        with self.db.session() as con:
            return artifact_sql.get_artifacts_for_run(con, run_id)

    def get_artifact(self, artifact_id_or_key: str, run_id: str | None = None) -> Artifact | None:
        """Artifact by id, else newest by key (within ``run_id``'s links when given)."""
        with self.db.session() as con:
            return artifact_sql.get_artifact(con, artifact_id_or_key, run_id=run_id)

    def get_artifacts(self, artifact_ids: Iterable[str]) -> dict[str, Artifact]:
        """Artifacts by id; unknown ids are left out."""
        with self.db.session() as con:
            return artifact_sql.get_artifacts(con, artifact_ids)

    def get_artifact_links(self, artifact_id: str) -> list[tuple[str, str, str | None]]:
        """``(run_id, direction, key)`` of every run that read or wrote the artifact."""
        with self.db.session() as con:
            return artifact_sql.get_artifact_links(con, artifact_id)

    def find_artifacts(self, **filters: Any) -> list[Artifact]:
        """Artifacts by key / run_id / container_uri / hash / driver, newest first."""
        with self.db.session() as con:
            return artifact_sql.find_artifacts(con, **filters)

    def find_latest_output_at(
        self,
        container_uri: str,
        *,
        table_path: str | None = None,
        array_path: str | None = None,
        driver: str | None = None,
    ) -> tuple[Artifact, Run] | None:
        """Newest artifact at this URI produced by a completed run, with that run."""
        with self.db.session() as con:
            return artifact_sql.find_latest_output_at(
                con, container_uri, table_path=table_path, array_path=array_path, driver=driver
            )

    # -- facets ---------------------------------------------------------------

    def record_facet(
        self,
        run_id: str,
        facet: Mapping[str, Any],
        *,
        namespace: str | None = None,
        schema_name: str | None = None,
        schema_version: str | int | None = None,
    ) -> str:
        """Store a run's facet (and its flattened key/value rows); returns the facet id."""
        with self.db.transaction() as con:
            return facet_sql.record_facet(
                con,
                run_id,
                facet,
                namespace=namespace,
                schema_name=schema_name,
                schema_version=schema_version,
            )

    def get_facet(self, facet_id: str) -> dict[str, Any] | None:
        """The facet stored under ``facet_id``."""
        with self.db.session() as con:
            return facet_sql.get_facet(con, facet_id)

    def get_run_config_kv(
        self, run_id: str, *, namespace: str | None = None, prefix: str | None = None
    ) -> list[dict[str, Any]]:
        """A run's flattened facet values (dicts with namespace, key, value, value_type)."""
        with self.db.session() as con:
            return facet_sql.get_run_config_kv(con, run_id, namespace=namespace, prefix=prefix)
