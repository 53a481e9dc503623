"""The query half of the ``Tracker`` facade (a mixin): runs and artifacts.

With a database every query is one store call. Without one
(``Tracker(db_path=None)``) the same questions are answered from the JSON
snapshots under ``<run_dir>/consist_runs``. Returned artifacts carry the
tracker's resolver, so ``artifact.path`` works for mount and run-relative URIs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from consist.errors import ConfigError, RunNotFoundError
from consist.models import Artifact, ConsistRecord, Run, RunArtifacts, RunResult

if TYPE_CHECKING:
    from consist.tracker.uris import PathMapper

__all__ = ["TrackerQueries"]

_RUN_FIELDS = (
    "id",
    "model_name",
    "status",
    "year",
    "iteration",
    "stage",
    "phase",
    "parent_run_id",
    "signature",
    "config_hash",
    "input_hash",
    "git_hash",
    "description",
)


class TrackerQueries:
    """``get_run``, ``find_runs``, ``find_run``, ``find_latest_run``, artifact lookups."""

    if TYPE_CHECKING:
        run_dir: Any
        fs: PathMapper

        _memory: Any

        def _store_or_none(self) -> Any: ...
        def _attach_resolver(self, artifact: Artifact) -> Artifact: ...

    def get_run(self, run_id: str) -> Run | None:
        """The run with this id, or None.

        Example:
            >>> run = tracker.get_run("clean_1a2b3c4d")  # doctest: +SKIP
            >>> print(run.signature, run.git_hash, run.meta)  # doctest: +SKIP
        """
        store = self._store_or_none()
        if store is not None:
            return store.get_run(run_id)
        record = self._snapshot_records().get(run_id)
        return record.run if record else None

    def find_runs(
        self,
        tags: str | Iterable[str] | None = None,
        year: int | None = None,
        iteration: int | None = None,
        stage: str | None = None,
        phase: str | None = None,
        model: str | None = None,
        status: str | Iterable[str] | None = None,
        parent_id: str | None = None,
        facet: Any = None,
        metadata: dict[str, Any] | None = None,
        limit: int | None = 100,
        index_by: Any = None,
        name: str | None = None,
        **filters: Any,
    ) -> list[Run] | dict[Any, Run]:
        """Runs matching every filter, newest first (``limit`` default 100).

        ``index_by`` returns a dict instead of a list, keyed by a run field
        (``"year"``, ``RunFieldIndex("year")``) or a facet value
        (``FacetIndex("scenario")``); with several runs per value the newest wins.

        Example:
            >>> for run in tracker.find_runs(model="clean", status="completed"):  # doctest: +SKIP
            ...     print(run.id, run.signature)
        """
        wanted = {
            "tags": tags,
            "year": year,
            "iteration": iteration,
            "stage": stage,
            "phase": phase,
            "model": model or name,
            "status": status,
            "parent_run_id": parent_id or filters.pop("parent_run_id", None),
            "meta": metadata,
            **filters,
        }
        store = self._store_or_none()
        # A facet filter is applied after the SQL filters, so the limit comes last.
        sql_limit = limit if facet is None else None
        if store is not None:
            runs = store.find_runs(limit=sql_limit, **wanted)
        else:
            runs = [r for r in self._snapshot_runs() if _matches(r, wanted)][:sql_limit]
        if facet is not None:
            runs = [r for r in runs if self._facet_matches(r, dict(facet))][:limit]
        if index_by is None:
            return runs
        from consist.indexing import index_runs

        return index_runs(runs, index_by, tracker=self)  # newest first: the newest run wins

    def find_run(self, **filters: Any) -> Run:
        """Exactly one run matching the filters (``id=``/``run_id=`` look up by id).

        Example:
            >>> tracker.find_run(model="clean", year=2030)  # doctest: +SKIP
        """
        run_id = filters.pop("id", None) or filters.pop("run_id", None)
        if run_id is not None:
            run = self.get_run(run_id)
            if run is None:
                raise RunNotFoundError(
                    f"No run with id {run_id!r}.",
                    cause="No such run is recorded in this tracker's database.",
                    fix="List runs with tracker.find_runs() or `consist runs`.",
                )
            return run
        runs = self.find_runs(limit=2, **filters)
        if len(runs) != 1:
            found = "no run" if not runs else "more than one run"
            raise ConfigError(
                f"find_run expected exactly one run matching {filters}, found {found}.",
                cause="find_run is for unambiguous lookups.",
                fix="Add filters, or use find_runs / find_latest_run.",
            )
        return runs[0]

    def find_latest_run(self, **filters: Any) -> Run | None:
        """The newest run matching the filters, or None.

        Example:
            >>> tracker.find_latest_run(model="clean", status="completed")  # doctest: +SKIP
        """
        filters.pop("limit", None)
        runs = self.find_runs(limit=1, **filters)
        return runs[0] if runs else None

    def get_artifacts_for_run(self, run_id: str) -> RunArtifacts:
        """The inputs and outputs of a run, each a dict ``key -> Artifact``.

        Example:
            >>> artifact = tracker.get_artifacts_for_run("run_id").outputs["output"]  # doctest: +SKIP
            >>> print(artifact.path)  # doctest: +SKIP
        """
        store = self._store_or_none()
        if store is not None:
            artifacts = store.get_artifacts_for_run(run_id)
        else:
            record = self._snapshot_records().get(run_id)
            artifacts = RunArtifacts()
            if record is not None:
                artifacts.inputs = {a.key: a for a in record.inputs}
                artifacts.outputs = {a.key: a for a in record.outputs}
        for artifact in [*artifacts.inputs.values(), *artifacts.outputs.values()]:
            self._attach_resolver(artifact)
        return artifacts

    def get_run_outputs(self, run_id: str) -> dict[str, Artifact]:
        """``get_artifacts_for_run(run_id).outputs``."""
        return self.get_artifacts_for_run(run_id).outputs

    def get_run_inputs(self, run_id: str) -> dict[str, Artifact]:
        """``get_artifacts_for_run(run_id).inputs``."""
        return self.get_artifacts_for_run(run_id).inputs

    def get_artifact(self, key_or_id: str, *, run_id: str | None = None) -> Artifact | None:
        """An artifact by id, or the newest with this key (within ``run_id`` when given).

        Example:
            >>> tracker.get_artifact("cleaned")  # doctest: +SKIP
        """
        store = self._store_or_none()
        if store is not None:
            artifact = store.get_artifact(key_or_id, run_id=run_id)
        else:
            artifact = None
            records = self._snapshot_records()
            for record in sorted(records.values(), key=lambda r: r.run.created_at, reverse=True):
                if run_id is not None and record.run.id != run_id:
                    continue
                for candidate in [*record.outputs, *record.inputs]:
                    if key_or_id in (candidate.id, candidate.key):
                        artifact = candidate
                        break
                if artifact is not None:
                    break
        return self._attach_resolver(artifact) if artifact is not None else None

    def get_run_result(self, run_id: str, *, keys: Iterable[str] | None = None) -> RunResult:
        """A recorded run and its outputs as a ``RunResult`` (``cache_hit`` from the record).

        Example:
            >>> result = tracker.get_run_result("clean_1a2b3c4d")  # doctest: +SKIP
        """
        run = self.find_run(id=run_id)
        outputs = self.get_artifacts_for_run(run_id).outputs
        if keys is not None:
            outputs = {k: outputs[k] for k in keys if k in outputs}
        return RunResult(run=run, outputs=outputs, cache_hit=run.cache_hit)

    def _facet_matches(self, run: Run, facet: dict[str, Any]) -> bool:
        store = self._store_or_none()
        if store is None:
            record = self._snapshot_records().get(run.id)
            values = record.facet if record is not None else {}
        else:
            values = {row["key"]: row["value"] for row in store.get_run_config_kv(run.id)}
        return all(values.get(key) == expected for key, expected in facet.items())

    # -- snapshot fallback (no database) --------------------------------------

    def _snapshot_records(self) -> dict[str, ConsistRecord]:
        from consist.store.snapshots import SNAPSHOT_DIRNAME, iter_snapshots

        return {
            record.run.id: record for _, record in iter_snapshots(self.run_dir / SNAPSHOT_DIRNAME)
        }

    def _seed_memory_from_snapshots(self) -> None:
        # Without a database the snapshots are the record: remember their completed runs
        # (oldest first, so the newest wins) once per tracker, for cache hits and linking.
        if getattr(self, "_snapshots_seeded", False):
            return
        self._snapshots_seeded = True
        records = sorted(self._snapshot_records().values(), key=lambda r: r.run.created_at)
        for record in records:
            self._memory.remember(record.run, {a.key: a for a in record.outputs})

    def _snapshot_runs(self) -> list[Run]:
        runs = [record.run for record in self._snapshot_records().values()]
        return sorted(runs, key=lambda r: (r.created_at, r.id), reverse=True)


def _matches(run: Run, wanted: dict[str, Any]) -> bool:
    for name, value in wanted.items():
        if value is None:
            continue
        if name == "tags":
            needed = [value] if isinstance(value, str) else list(value)
            if not set(needed) <= set(run.tags):
                return False
        elif name == "status":
            allowed = [value] if isinstance(value, str) else list(value)
            if run.status not in allowed:
                return False
        elif name == "meta":
            if any(run.meta.get(k) != v for k, v in value.items()):
                return False
        else:
            attr = "model_name" if name == "model" else name
            if attr not in _RUN_FIELDS or getattr(run, attr) != value:
                if attr not in _RUN_FIELDS:
                    raise ConfigError(
                        f"Unknown run filter {name!r}.",
                        cause=f"Runs can be filtered by: {', '.join(_RUN_FIELDS)}.",
                        fix="Use one of those keyword arguments.",
                    )
                return False
    return True
