"""``Tracker``: the facade users hold. Thin: each concern lives in its own module.

Lifecycle and cache decisions: ``lifecycle.py``, ``cache.py``, ``hydration.py``;
function steps: ``execute.py``; artifact records: ``artifact_logging.py``;
queries: ``queries.py``; paths and URIs: ``uris.py``; hooks: ``hooks.py``.
Persistence goes through ``consist.store`` (opened lazily, on first use).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from consist import settings
from consist.errors import ConfigError, ConsistRuntimeError
from consist.models import Artifact, ConsistRecord, Run
from consist.options import HASH_ALGORITHMS, HASHING_STRATEGIES, check_hashing_option
from consist.tracker.artifact_lookup_methods import TrackerArtifactLookups
from consist.tracker.data_methods import TrackerData
from consist.tracker.facet_methods import TrackerFacetLookups
from consist.tracker.hooks import HookRegistry, TrackerHooks
from consist.tracker.lineage_methods import TrackerLineage
from consist.tracker.lookup_methods import TrackerLookups
from consist.tracker.memory import RunMemory
from consist.tracker.queries import TrackerQueries
from consist.tracker.recovery_methods import TrackerRecovery
from consist.tracker.run_methods import TrackerRuns
from consist.tracker.service_methods import TrackerServices
from consist.tracker.state import ActiveRun
from consist.tracker.tracker_artifacts import TrackerArtifacts
from consist.tracker.tracker_config import TrackerConfigMethods
from consist.tracker.uris import PathMapper, UriResolver
from consist.tracker.workflow_methods import TrackerWorkflow

__all__ = ["Tracker"]

ACCESS_MODES = ("standard", "analysis", "read_only")


class Tracker(
    TrackerQueries,
    TrackerLookups,
    TrackerArtifactLookups,
    TrackerFacetLookups,
    TrackerLineage,
    TrackerArtifacts,
    TrackerData,
    TrackerHooks,
    TrackerWorkflow,
    TrackerRecovery,
    TrackerConfigMethods,
    TrackerRuns,
    TrackerServices,
):
    """Records runs and their artifacts, and reuses completed runs as a cache.

    ``db_path`` is the embedded DuckDB provenance database (opened on first
    use); with ``db_path=None`` only the per-run JSON snapshots under
    ``<run_dir>/consist_runs`` are written, and earlier runs (cache hits,
    queries) are read back from them.

    Example:
        >>> tracker = Tracker(run_dir="./runs", db_path="./provenance.duckdb")  # doctest: +SKIP
        >>> result = tracker.run(fn=clean_data, inputs={"raw": Path("raw.parquet")},
        ...                      outputs=["cleaned"])  # doctest: +SKIP
    """

    def __init__(
        self,
        run_dir: str | os.PathLike[str],
        db_path: str | os.PathLike[str] | None = None,
        mounts: Mapping[str, str | os.PathLike[str]] | None = None,
        archive_mounts: Mapping[str, str | os.PathLike[str]] | None = None,
        project_root: str | os.PathLike[str] | None = None,
        hashing_strategy: str = "full",
        hash_algorithm: str = "blake3",
        cache_epoch: int = 1,
        schemas: Iterable[Any] | None = None,
        builtin_schemas: Iterable[str] | None = None,
        access_mode: str = "standard",
        run_subdir_fn: Callable[[Run], str | os.PathLike[str]] | None = None,
        allow_external_paths: bool | None = None,
        openlineage_enabled: bool = False,
        openlineage_namespace: str | None = None,
        db_skip_schema_init: bool = False,
        *,
        on_run_start: Callable[..., Any] | Iterable[Callable[..., Any]] = (),
        on_run_complete: Callable[..., Any] | Iterable[Callable[..., Any]] = (),
        on_run_failed: Callable[..., Any] | Iterable[Callable[..., Any]] = (),
    ) -> None:
        if access_mode not in ACCESS_MODES:
            raise ConfigError(
                f"access_mode must be one of: {', '.join(map(repr, ACCESS_MODES))}",
                cause=f"Received access_mode={access_mode!r}.",
                fix="Use 'standard' (record runs), 'analysis' or 'read_only'.",
            )
        unknown = sorted(set(builtin_schemas or ()) - {"gtfs"})
        if unknown:
            raise ConfigError(
                f"Unknown builtin_schemas: {', '.join(unknown)}",
                cause="The only built-in schema family is 'gtfs'.",
                fix="Pass builtin_schemas=['gtfs'] or leave it unset.",
            )
        # Checked here rather than by IdentityManager, which is built on first use:
        # importing the identity layer is most of what a Tracker costs to create.
        check_hashing_option("hashing_strategy", hashing_strategy, HASHING_STRATEGIES)
        check_hashing_option("hash_algorithm", hash_algorithm, HASH_ALGORITHMS)
        self.hashing_strategy = hashing_strategy
        self.hash_algorithm = hash_algorithm
        self.run_dir = Path(os.path.abspath(run_dir))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = Path(os.path.abspath(db_path)) if db_path is not None else None
        self.project_root = Path(os.path.abspath(project_root or "."))
        self.access_mode = access_mode
        self.cache_epoch = cache_epoch
        self.mounts = {str(k): str(v) for k, v in (mounts or {}).items()}
        self.archive_mounts = {str(k): str(v) for k, v in (archive_mounts or {}).items()}
        self.allow_external_paths = (
            settings.allow_external_paths()
            if allow_external_paths is None
            else allow_external_paths
        )
        self.fs = PathMapper(
            self.run_dir,
            self.mounts,
            archive_mounts=self.archive_mounts,
            allow_external=self.allow_external_paths,
        )
        self.registered_schemas = list(schemas or [])
        self.builtin_schemas = list(builtin_schemas or [])
        self.db_skip_schema_init = db_skip_schema_init
        self._run_subdir_fn = run_subdir_fn
        self._identity: Any = None  # IdentityManager, built on first use
        self._stat_cache: Any = None
        self._store: Any = None
        self._active: ActiveRun | None = None
        self.last_run: Run | None = None
        self._memory = RunMemory()
        self._hooks = HookRegistry()
        self._hooks.extend("on_run_start", on_run_start)
        self._hooks.extend("on_run_complete", on_run_complete)
        self._hooks.extend("on_run_failed", on_run_failed)
        self._openlineage_enabled = openlineage_enabled  # kept for to_config()
        self._openlineage_namespace = openlineage_namespace
        if openlineage_enabled:
            from consist.tracker.openlineage import OpenLineageEmitter

            OpenLineageEmitter(self, namespace=openlineage_namespace).register()
        if self.registered_schemas and self.db_path is None:
            import logging

            logging.getLogger("consist").warning(
                "Schemas provided but no database configured. Views will not be created."
            )

    # -- paths ---------------------------------------------------------------

    def resolve_uri(self, uri: str | os.PathLike[str]) -> str:
        """Absolute path (as ``str``) of an artifact URI such as ``inputs://a.csv``.

        Example:
            >>> tracker.resolve_uri("./outputs/x.csv")  # doctest: +SKIP
            '/abs/runs/outputs/x.csv'
        """
        return str(self.fs.resolve(uri))

    def set_run_subdir_fn(self, fn: Callable[[Run], str | os.PathLike[str]] | None) -> None:
        """Choose where runs put their outputs, relative to ``<run_dir>/outputs``."""
        self._run_subdir_fn = fn

    def run_artifact_dir(self, run: Run | None = None) -> Path:
        """Output directory of ``run`` (default: the open run)."""
        if run is None:
            return self._require_active("get the run artifact dir").artifact_dir
        return self._artifact_dir_for(run, run.meta.get("artifact_dir"))

    def log_dataframe(self, df: Any, key: str, schema: Any = None, **kwargs: Any) -> Artifact:
        """Write a pandas/Polars/Arrow frame as an output of the open run; ingest it with a schema.

        Delegates to ``consist.data.dataframe_logging.log_dataframe`` (options there).

        Example:
            >>> with tracker.start_run("ingest_data", model="example"):  # doctest: +SKIP
            ...     tracker.log_dataframe(df, key="data", schema=MySchema)
        """
        from consist.data.dataframe_logging import log_dataframe

        return log_dataframe(self, df, key, schema, **kwargs)

    def _artifact_dir_for(self, run: Run, override: str | os.PathLike[str] | None) -> Path:
        from consist.tracker.run_dirs import artifact_dir_for

        return artifact_dir_for(self, run, override)

    # -- internals shared by the tracker modules -------------------------------

    def _require_active(self, action: str) -> ActiveRun:
        if self._active is None:
            raise ConsistRuntimeError(
                f"Cannot {action}: no active run.",
                cause="This call needs an open run.",
                fix="Call it inside `with tracker.start_run(...)`, or from a step run by "
                "tracker.run(...).",
            )
        return self._active

    def _check_writable(self) -> None:
        if self.access_mode != "standard":
            raise ConsistRuntimeError(
                f"Operation forbidden in '{self.access_mode}' mode. Switch to "
                "access_mode='standard' to create new runs or artifacts.",
                cause=f"This Tracker was created with access_mode={self.access_mode!r}.",
                fix="Create the Tracker with access_mode='standard'.",
            )

    def _write_snapshot(self, record: ConsistRecord, *, sync: str = "full") -> None:
        from consist.store.snapshots import write_snapshot

        write_snapshot(self.run_dir, record, sync=sync)

    def _attach_resolver(self, artifact: Artifact) -> Artifact:
        if artifact.resolver is None:
            artifact.resolver = UriResolver(self.fs)
        return artifact

    def __repr__(self) -> str:
        return f"Tracker(run_dir={str(self.run_dir)!r}, db_path={self.db_path and str(self.db_path)!r})"
