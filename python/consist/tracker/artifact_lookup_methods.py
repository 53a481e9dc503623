"""Artifact lookups of the ``Tracker`` facade (a mixin), as Consist 0.3 spelled them.

Artifacts by producer and consumer, by location, by content and by
parentage. SQL lives in ``consist.store.lookups``; with ``db_path=None`` the
JSON snapshots answer instead (``_snapshot_artifacts``, shared with the
facet and lineage mixins).

Example:
    >>> tracker.find_artifacts(creator="clean_1a2b")  # doctest: +SKIP
    [Artifact(key='cleaned', ...)]
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from consist.models import Artifact, ConsistRecord, Run

__all__ = ["TrackerArtifactLookups"]


class TrackerArtifactLookups:
    """``find_artifacts``, ``get_artifact_by_uri``, parent/child and same-content lookups."""

    if TYPE_CHECKING:
        fs: Any

        def _store_or_none(self) -> Any: ...
        def _snapshot_records(self) -> dict[str, ConsistRecord]: ...
        def _attach_resolver(self, artifact: Artifact) -> Artifact: ...
        def get_run(self, run_id: str) -> Run | None: ...
        def get_artifact(self, key_or_id: str, *, run_id: str | None = None) -> Artifact | None: ...
        def find_runs(self, **filters: Any) -> Any: ...

    # -- artifacts -------------------------------------------------------------

    def find_artifacts(
        self,
        *,
        creator: Any = None,
        consumer: Any = None,
        key: str | None = None,
        limit: int | None = 100,
    ) -> list[Artifact]:
        """Artifacts written by run ``creator`` and/or read by run ``consumer``, newest first.

        Runs may be given as ids or ``Run`` objects.

        Example:
            >>> tracker.find_artifacts(consumer="aggregate_5e6f", key="cleaned")  # doctest: +SKIP
        """
        creator, consumer = _run_id(creator), _run_id(consumer)
        store = self._store_or_none()
        if store is not None:
            from consist.store.lookups import artifacts_linked

            with store.db.session() as con:
                found = artifacts_linked(
                    con, creator=creator, consumer=consumer, key=key, limit=limit
                )
        else:
            found = [
                art
                for art, links in self._snapshot_artifacts().values()
                if (creator is None or art.run_id == creator or (creator, "output") in links)
                and (consumer is None or (consumer, "input") in links)
                and (key is None or art.key == key)
            ][:limit]
        return [self._attach_resolver(a) for a in found]

    def get_artifact_by_uri(
        self,
        uri: str | os.PathLike[str],
        *,
        table_path: str | None = None,
        array_path: str | None = None,
    ) -> Artifact | None:
        """The newest artifact recorded at this URI (or local path), or None.

        Example:
            >>> tracker.get_artifact_by_uri("./outputs/clean/cleaned.parquet")  # doctest: +SKIP
        """
        wanted = [str(uri)]
        if "://" not in str(uri):  # a local path: also try the URI it is recorded under
            wanted.append(self.fs.to_uri(os.path.abspath(uri)))
        store = self._store_or_none()
        for candidate in dict.fromkeys(wanted):
            if store is not None:
                from consist.store.lookups import artifact_at_uri

                with store.db.session() as con:
                    found = artifact_at_uri(
                        con, candidate, table_path=table_path, array_path=array_path
                    )
            else:
                found = next(
                    (
                        a
                        for a, _ in self._snapshot_artifacts().values()
                        if (a.container_uri, a.table_path, a.array_path)
                        == (candidate, table_path, array_path)
                    ),
                    None,
                )
            if found is not None:
                return self._attach_resolver(found)
        return None

    def get_child_artifacts(self, parent: Any) -> list[Artifact]:
        """Artifacts whose ``parent_artifact_id`` is ``parent`` (an Artifact or its id).

        Example:
            >>> tracker.get_child_artifacts(container_artifact)  # doctest: +SKIP
        """
        parent_id = str(getattr(parent, "id", parent))
        store = self._store_or_none()
        if store is not None:
            from consist.store.lookups import child_artifacts

            with store.db.session() as con:
                found = child_artifacts(con, parent_id)
        else:
            found = [
                a
                for a, _ in self._snapshot_artifacts().values()
                if str(a.parent_artifact_id) == parent_id
            ]
        return [self._attach_resolver(a) for a in found]

    def get_parent_artifact(self, child: Artifact) -> Artifact | None:
        """The artifact ``child`` was derived from (its ``parent_artifact_id``), or None.

        Example:
            >>> tracker.get_parent_artifact(table_artifact)  # doctest: +SKIP
        """
        parent_id = getattr(child, "parent_artifact_id", None)
        return None if parent_id is None else self.get_artifact(str(parent_id))

    def find_artifacts_with_same_content(self, artifact: Artifact) -> list[Artifact]:
        """Other artifacts whose content digest equals ``artifact.hash``, newest first.

        Example:
            >>> [a.container_uri for a in tracker.find_artifacts_with_same_content(art)]
            ... # doctest: +SKIP
        """
        if not artifact.hash:
            return []
        store = self._store_or_none()
        if store is not None:
            from consist.store.lookups import artifacts_with_content

            with store.db.session() as con:
                found = artifacts_with_content(con, artifact.hash, exclude_id=artifact.id)
        else:
            found = [
                a
                for a, _ in self._snapshot_artifacts().values()
                if a.hash == artifact.hash and a.id != artifact.id
            ]
        return [self._attach_resolver(a) for a in found]

    def find_runs_producing_same_content(self, artifact: Artifact) -> list[Run]:
        """Runs that wrote an artifact with the same content digest, newest first.

        Example:
            >>> [r.id for r in tracker.find_runs_producing_same_content(art)]  # doctest: +SKIP
        """
        if not artifact.hash:
            return []
        store = self._store_or_none()
        if store is not None:
            from consist.store.lookups import runs_with_content

            with store.db.session() as con:
                ids = runs_with_content(con, artifact.hash)
            runs = store.get_runs(ids)
            return [runs[i] for i in ids if i in runs]
        producers = {
            a.run_id for a, _ in self._snapshot_artifacts().values() if a.hash == artifact.hash
        }
        return [r for r in self.find_runs(limit=None) if r.id in producers]

    # -- snapshot fallback (no database) ----------------------------------------

    def _snapshot_artifacts(self) -> dict[str, tuple[Artifact, set[tuple[str, str]]]]:
        """``{artifact id: (artifact, {(run_id, direction)})}``, newest artifact first."""
        found: dict[str, tuple[Artifact, set[tuple[str, str]]]] = {}
        records = sorted(self._snapshot_records().values(), key=lambda r: r.run.created_at)
        for record in records:
            for direction, group in (("input", record.inputs), ("output", record.outputs)):
                for artifact in group:
                    links = found.get(artifact.id, (artifact, set()))[1]
                    links.add((record.run.id, direction))
                    found[artifact.id] = (artifact, links)
        ordered = sorted(found.items(), key=lambda item: item[1][0].created_at, reverse=True)
        return dict(ordered)


def _run_id(run: Any) -> str | None:
    return None if run is None else str(getattr(run, "id", run))
