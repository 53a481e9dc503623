"""Lineage of the ``Tracker`` facade (a mixin): what an artifact or run was made from.

The walk goes upstream (artifact -> the run that wrote it -> that run's
inputs -> ...), through ``consist.maintenance.lineage`` (the same graph
``consist lineage`` draws). With ``db_path=None`` the JSON snapshots supply
the links.

Example:
    >>> tracker.print_lineage("summary")  # doctest: +SKIP
    summary
    └── aggregate
        └── cleaned
            └── clean
                └── raw
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from consist.errors import ConsistLookupError

if TYPE_CHECKING:
    from consist.models import Artifact, ConsistRecord, Run

__all__ = ["TrackerLineage"]


class TrackerLineage:
    """``get_artifact_lineage`` and ``print_lineage``."""

    if TYPE_CHECKING:

        def _store_or_none(self) -> Any: ...
        def _snapshot_records(self) -> dict[str, ConsistRecord]: ...
        def _snapshot_artifacts(self) -> dict[str, tuple[Artifact, set[tuple[str, str]]]]: ...
        def get_run(self, run_id: str) -> Run | None: ...
        def get_artifact(self, key_or_id: str, *, run_id: str | None = None) -> Artifact | None: ...

    def get_artifact_lineage(self, key_or_id: str, *, max_depth: int | None = None) -> dict:
        """What an artifact (or run) was made from: ``{"root", "nodes", "edges"}``.

        Walks upstream (producing runs, their inputs, ...), ``max_depth``
        steps (run or artifact) at most; nodes carry ``kind`` ("run" or
        "artifact"), ``label`` and attrs; edges ``source -> target``.

        Example:
            >>> lineage = tracker.get_artifact_lineage("summary")  # doctest: +SKIP
            >>> [n["label"] for n in lineage["nodes"]]  # doctest: +SKIP
            ['summary', 'aggregate (aggregate_5e6f)', 'cleaned', ...]
        """
        from consist.maintenance.lineage import to_json

        return to_json(self._lineage_graph(key_or_id, max_depth))

    def print_lineage(
        self, key_or_id: str, *, max_depth: int | None = None, show_run_ids: bool = False
    ) -> str:
        """Print (and return) the upstream lineage as an indented tree.

        Example:
            >>> tracker.print_lineage("summary", show_run_ids=True)  # doctest: +SKIP
        """
        graph = self._lineage_graph(key_or_id, max_depth)
        lines: list[str] = []

        def label(node_id: str) -> str:
            node = graph.nodes[node_id]
            if node.kind == "run" and not show_run_ids:
                return node.label.split(" (", 1)[0]
            return node.label

        def walk(node_id: str, prefix: str, seen: frozenset[str]) -> None:
            parents = [p for p in graph.parents(node_id) if p not in seen]
            for index, parent in enumerate(parents):
                last = index == len(parents) - 1
                lines.append(f"{prefix}{'└── ' if last else '├── '}{label(parent)}")
                walk(parent, prefix + ("    " if last else "│   "), seen | {parent})

        lines.append(label(graph.root))
        walk(graph.root, "", frozenset({graph.root}))
        text = "\n".join(lines)
        print(text)
        return text

    def _lineage_graph(self, key_or_id: str, max_depth: int | None) -> Any:
        from consist.maintenance.lineage import artifact_node, build_lineage, run_node

        run = self.get_run(key_or_id)
        if run is not None:
            root = run_node(run)
        else:
            artifact = self.get_artifact(key_or_id)
            if artifact is None:
                raise ConsistLookupError(
                    f"No run or artifact {key_or_id!r}.",
                    cause="Lineage starts from a run id, an artifact id or an artifact key.",
                    fix="Check the name with tracker.find_runs() or tracker.find_artifacts().",
                )
            root = artifact_node(artifact)
        store = self._store_or_none()
        depth = 0 if max_depth is None else max_depth
        if store is None:
            return build_lineage(_SnapshotLinks(self), root, direction="up", depth=depth)
        from consist.maintenance.lineage import StoreLinkSource

        with store.db.session() as con:
            return build_lineage(StoreLinkSource(con), root, direction="up", depth=depth)


class _SnapshotLinks:
    """``LinkSource`` over a tracker's JSON snapshots (trackers without a database)."""

    def __init__(self, tracker: TrackerLineage) -> None:
        self.artifacts = tracker._snapshot_artifacts()
        self.runs = {rid: rec.run for rid, rec in tracker._snapshot_records().items()}

    def describe(self, ids: list[str]) -> dict[str, Any]:
        from consist.maintenance.lineage import artifact_node, run_node

        nodes = {i: run_node(self.runs[i]) for i in ids if i in self.runs}
        nodes.update({i: artifact_node(self.artifacts[i][0]) for i in ids if i in self.artifacts})
        return nodes

    def run_links(self, run_ids: list[str]) -> list[tuple[str, str, str]]:
        wanted = set(run_ids)
        return [
            (run_id, art_id, direction)
            for art_id, (_, links) in self.artifacts.items()
            for run_id, direction in sorted(links)
            if run_id in wanted
        ]

    def artifact_links(self, artifact_ids: list[str]) -> list[tuple[str, str, str]]:
        found = []
        for art_id in artifact_ids:
            if art_id not in self.artifacts:
                continue
            artifact, links = self.artifacts[art_id]
            found += [(run_id, art_id, direction) for run_id, direction in sorted(links)]
            if artifact.run_id and (artifact.run_id, "output") not in links:
                found.append((artifact.run_id, art_id, "output"))
        return found
