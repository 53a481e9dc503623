"""Run lookups of the ``Tracker`` facade (a mixin), as Consist 0.3 spelled them.

Matching runs, run sets, raw SQL, run records and their config, facet values
and run-to-run diffs, a run history frame. Most are one call into the query
helpers (``consist.queries``, ``consist.history``, ``consist.runset``), which
sit above the tracker and are imported when called. With ``db_path=None``
everything is answered from the JSON snapshots, except ``run_query``.

Example:
    >>> tracker.get_config_values("assign_1a2b", prefix="demand.")  # doctest: +SKIP
    {'demand.scale': 1.2}
    >>> tracker.diff_runs("assign_1a2b", "assign_3c4d")  # doctest: +SKIP
    {'demand.scale': {'left': 1.0, 'right': 1.2}}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from consist.errors import RunNotFoundError

if TYPE_CHECKING:
    from consist.models import Artifact, ConsistRecord, Run

__all__ = ["TrackerLookups"]

_MISSING = object()


class TrackerLookups:
    """``find_matching_run(s)``, ``run_set``, ``run_query``, run records, config values, history."""

    if TYPE_CHECKING:
        run_dir: Any
        _active: Any

        def _store_or_none(self) -> Any: ...
        def _snapshot_records(self) -> dict[str, ConsistRecord]: ...
        def find_runs(self, **filters: Any) -> Any: ...
        def get_run(self, run_id: str) -> Run | None: ...

    @property
    def current_consist(self) -> ConsistRecord | None:
        """The open run as a ``ConsistRecord`` (run, inputs, outputs, config, facet), or None.

        Example:
            >>> with tracker.start_run("r1", model="m"):  # doctest: +SKIP
            ...     tracker.current_consist.run.id
            'r1'
        """
        from consist.models import ConsistRecord

        state = self._active
        if state is None:
            return None
        return ConsistRecord(
            run=state.run,
            inputs=list(state.inputs.values()),
            outputs=list(state.outputs.values()),
            cached_run=state.cached_run,
            config=dict(state.config),
            facet=dict(state.facet),
        )

    # -- matching runs and run sets -------------------------------------------

    def find_matching_runs(self, **filters: Any) -> list[Run]:
        """Completed runs (by default) with these fields and facet values, newest first.

        Same filters as ``consist.find_matching_runs`` (model, status, year,
        iteration, stage, phase, cache_epoch, parent_id, facet, limit).

        Example:
            >>> tracker.find_matching_runs(model="assign", facet={"scenario": "base"})  # doctest: +SKIP
        """
        from consist.queries import find_matching_runs

        return find_matching_runs(tracker=self, **filters)

    def find_matching_run(
        self,
        config_hash: str | None = None,
        input_hash: str | None = None,
        git_hash: str | None = None,
        *,
        signature: str | None = None,
        **filters: Any,
    ) -> Run | None:
        """The run a cache lookup with these hashes would reuse, else the newest filter match.

        Example:
            >>> tracker.find_matching_run(run.config_hash, run.input_hash, run.git_hash)  # doctest: +SKIP
        """
        from consist.queries import find_matching_run

        return find_matching_run(
            config_hash, input_hash, git_hash, signature=signature, tracker=self, **filters
        )

    def get_latest_run_id(self, **filters: Any) -> str | None:
        """Id of the newest run matching ``find_runs`` filters, or None.

        Example:
            >>> tracker.get_latest_run_id(model="assign", status="completed")  # doctest: +SKIP
            'assign_3c4d'
        """
        filters.pop("limit", None)
        runs = self.find_runs(limit=1, **filters)
        return runs[0].id if runs else None

    def find_recent_completed_runs_for_model(
        self, model_name: str, *, limit: int = 20
    ) -> list[Run]:
        """The newest completed runs of one model.

        Example:
            >>> [r.id for r in tracker.find_recent_completed_runs_for_model("assign", limit=2)]
            ... # doctest: +SKIP
        """
        return list(self.find_runs(model=model_name, status="completed", limit=limit))

    def run_set(self, label: str | None = None, **filters: Any) -> Any:
        """A ``RunSet`` of the runs matching ``find_runs(**filters)`` (no limit by default).

        Example:
            >>> tracker.run_set("base", facet={"scenario": "base"}).split_by("year")  # doctest: +SKIP
        """
        from consist.queries import run_set

        return run_set(self, label, **filters)

    def run_query(self, query: Any) -> list[Any]:
        """Run a SQLAlchemy statement (or SQL text) on the provenance database; all rows.

        Example:
            >>> tracker.run_query("SELECT count(*) FROM run")  # doctest: +SKIP
            [(12,)]
        """
        from consist.queries import run_query

        return run_query(query, tracker=self)

    def get_run_artifact(
        self,
        run_id: str,
        key: str | None = None,
        key_contains: str | None = None,
        direction: str = "output",
    ) -> Artifact | None:
        """One artifact of a run: by ``key``, by substring, or the only one (``consist.get_artifact``).

        Example:
            >>> tracker.get_run_artifact("prep_1a2b", key_contains="person")  # doctest: +SKIP
        """
        from consist.history import get_artifact

        return get_artifact(run_id, key, key_contains, direction, tracker=self)

    # -- records and config ----------------------------------------------------

    def get_run_record(self, run_id: str, *, allow_missing: bool = False) -> ConsistRecord | None:
        """The run's JSON snapshot (``<run_dir>/consist_runs/<id>.json``) as a ``ConsistRecord``.

        ``RunNotFoundError`` when there is none, or None with ``allow_missing=True``.

        Example:
            >>> tracker.get_run_record("clean_1a2b").config  # doctest: +SKIP
            {'threshold': 0.5}
        """
        from consist.store.snapshots import read_snapshot, snapshot_path

        candidates = [snapshot_path(self.run_dir, run_id)]
        run = self.get_run(run_id)
        recorded_dir = run.meta.get("_physical_run_dir") if run is not None else None
        if recorded_dir:  # the run may have been recorded from another run directory
            candidates.append(snapshot_path(recorded_dir, run_id))
        for path in candidates:
            if path.is_file():
                return read_snapshot(path)
        if allow_missing:
            return None
        raise RunNotFoundError(
            f"No snapshot for run {run_id!r}.",
            cause=f"Looked for {', '.join(str(p) for p in candidates)}.",
            fix="Check the run id (tracker.find_runs()) and the tracker's run_dir, or pass "
            "allow_missing=True.",
        )

    def get_run_config(self, run_id: str, *, allow_missing: bool = False) -> dict[str, Any] | None:
        """The config the run was called with (from its snapshot).

        Example:
            >>> tracker.get_run_config("clean_1a2b")  # doctest: +SKIP
            {'threshold': 0.5}
        """
        record = self.get_run_record(run_id, allow_missing=allow_missing)
        return None if record is None else dict(record.config)

    def get_run_config_kv(
        self,
        run_id: str,
        *,
        namespace: str | None = None,
        prefix: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """A run's facet as flat rows: dicts with ``namespace``, ``key`` (dotted), ``value``, ...

        Example:
            >>> tracker.get_run_config_kv("assign_1a2b", prefix="demand.")  # doctest: +SKIP
            [{'facet_id': '...', 'namespace': 'assign', 'key': 'demand.scale', ...}]
        """
        store = self._store_or_none()
        if store is not None:
            rows = store.get_run_config_kv(run_id, namespace=namespace, prefix=prefix)
        else:
            rows = self._snapshot_config_kv(run_id, namespace, prefix)
        return rows if limit is None else rows[:limit]

    def get_config_values(
        self,
        run_id: str,
        *,
        namespace: str | None = None,
        prefix: str | None = None,
        keys: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        """A run's facet values ``{dotted key: value}`` (only ``keys`` when given).

        Example:
            >>> tracker.get_config_values("assign_1a2b", keys=["scenario"])  # doctest: +SKIP
            {'scenario': 'base'}
        """
        wanted = None if keys is None else {keys} if isinstance(keys, str) else set(keys)
        rows = self.get_run_config_kv(run_id, namespace=namespace, prefix=prefix)
        values = {r["key"]: r["value"] for r in rows if wanted is None or r["key"] in wanted}
        return values if limit is None else dict(list(values.items())[:limit])

    def get_config_value(
        self, run_id: str, key: str, *, namespace: str | None = None, default: Any = None
    ) -> Any:
        """One facet value of a run (dotted key for nested values), or ``default``.

        Example:
            >>> tracker.get_config_value("assign_1a2b", "demand.scale", default=1.0)  # doctest: +SKIP
            1.2
        """
        values = self.get_config_values(run_id, namespace=namespace, keys=[key])
        return values.get(key, default)

    def diff_runs(
        self,
        run_a: str,
        run_b: str,
        *,
        namespace: str | None = None,
        prefix: str | None = None,
        keys: Iterable[str] | None = None,
        limit: int | None = None,
        include_equal: bool = False,
    ) -> dict[str, dict[str, Any]]:
        """Facet values that differ between two runs: ``{key: {"left": a, "right": b}}``.

        A key one run lacks shows None on that side; ``include_equal=True``
        lists equal values too. Keys are sorted.

        Example:
            >>> tracker.diff_runs("assign_base", "assign_policy", prefix="demand.")  # doctest: +SKIP
            {'demand.scale': {'left': 1.0, 'right': 1.2}}
        """
        options = {"namespace": namespace, "prefix": prefix, "keys": keys}
        left = self.get_config_values(run_a, **options)
        right = self.get_config_values(run_b, **options)
        diff = {}
        for key in sorted(set(left) | set(right)):
            a, b = left.get(key, _MISSING), right.get(key, _MISSING)
            if include_equal or a != b:
                diff[key] = {"left": _none(a), "right": _none(b)}
        return diff if limit is None else dict(list(diff.items())[:limit])

    # -- history ---------------------------------------------------------------

    def history(self, limit: int = 10, tags: str | Iterable[str] | None = None) -> Any:
        """The newest runs as a pandas DataFrame (one row per run), optionally by tags.

        Example:
            >>> tracker.history(limit=5)[["id", "model_name", "status"]]  # doctest: +SKIP
        """
        import pandas as pd

        columns = (
            "id",
            "model_name",
            "status",
            "year",
            "iteration",
            "stage",
            "phase",
            "tags",
            "parent_run_id",
            "signature",
            "cache_hit",
            "created_at",
            "ended_at",
            "duration_seconds",
        )
        runs = self.find_runs(tags=tags, limit=limit)
        return pd.DataFrame(
            [[getattr(run, c) for c in columns] for run in runs], columns=list(columns)
        )

    # -- helpers ---------------------------------------------------------------

    def _snapshot_config_kv(
        self, run_id: str, namespace: str | None, prefix: str | None
    ) -> list[dict[str, Any]]:
        from consist.run_facets import flatten_facet
        from consist.store.facets import facet_id_for

        record = self._snapshot_records().get(run_id)
        if record is None or not record.facet:
            return []
        stored_namespace = record.run.model_name  # facets are recorded under the model name
        if namespace is not None and namespace != stored_namespace:
            return []
        facet_id = facet_id_for(record.facet)
        return [
            {"facet_id": facet_id, "namespace": stored_namespace, "key": key, "value": value}
            for key, value in flatten_facet(record.facet).items()
            if prefix is None or key.startswith(prefix)
        ]


def _none(value: Any) -> Any:
    return None if value is _MISSING else value
