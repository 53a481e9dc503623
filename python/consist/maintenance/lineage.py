"""Lineage graphs: which runs produced and consumed which artifacts.

A graph has two kinds of node, runs and artifacts, and two kinds of edge:
``run -> artifact`` (the run produced it) and ``artifact -> run`` (the run
read it). ``build_lineage`` walks upstream (towards raw inputs), downstream
(towards later consumers) or both from one root, reading links through a
small ``LinkSource`` so it works on any store. Renderers turn the graph into
Graphviz DOT, Mermaid or plain JSON-ready dicts.

Example:
    >>> g = LineageGraph(root="r1")
    >>> g.add_node(LineageNode("r1", "run", "r1"))
    >>> g.add_node(LineageNode("a1", "artifact", "trips"))
    >>> g.add_edge("r1", "a1", "output")
    >>> print(to_mermaid(g).splitlines()[0])
    flowchart LR
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "LineageEdge",
    "LineageGraph",
    "LineageNode",
    "LinkSource",
    "StoreLinkSource",
    "artifact_node",
    "build_lineage",
    "lineage_of",
    "run_node",
    "to_dot",
    "to_json",
    "to_mermaid",
]


@dataclass(frozen=True, slots=True)
class LineageNode:
    """A run or an artifact in a lineage graph."""

    id: str
    kind: str  # "run" or "artifact"
    label: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class LineageEdge:
    """``source -> target``; ``relation`` is "output" (run made artifact) or "input"."""

    source: str
    target: str
    relation: str


@dataclass(slots=True)
class LineageGraph:
    """Nodes and edges reachable from ``root``, in discovery order."""

    root: str
    nodes: dict[str, LineageNode] = field(default_factory=dict)
    edges: list[LineageEdge] = field(default_factory=list)
    _edge_set: set[tuple[str, str]] = field(default_factory=set, repr=False)

    def add_node(self, node: LineageNode) -> None:
        self.nodes.setdefault(node.id, node)

    def add_edge(self, source: str, target: str, relation: str) -> None:
        if (source, target) not in self._edge_set:
            self._edge_set.add((source, target))
            self.edges.append(LineageEdge(source, target, relation))

    def parents(self, node_id: str) -> list[str]:
        """Ids with an edge into ``node_id`` (its upstream neighbours)."""
        return [e.source for e in self.edges if e.target == node_id]

    def children(self, node_id: str) -> list[str]:
        """Ids that ``node_id`` has an edge to (its downstream neighbours)."""
        return [e.target for e in self.edges if e.source == node_id]


class LinkSource(Protocol):
    """What ``build_lineage`` needs to read from a store."""

    def describe(self, ids: list[str]) -> dict[str, LineageNode]:
        """Nodes for run ids and artifact ids (unknown ids are left out)."""
        ...

    def run_links(self, run_ids: list[str]) -> list[tuple[str, str, str]]:
        """``(run_id, artifact_id, direction)`` for the given runs."""
        ...

    def artifact_links(self, artifact_ids: list[str]) -> list[tuple[str, str, str]]:
        """``(run_id, artifact_id, direction)`` for the given artifacts."""
        ...


def _walk(graph: LineageGraph, source: LinkSource, start: LineageNode, upstream: bool, depth: int):
    # Breadth-first; one query per level and node kind keeps this fast on deep chains.
    frontier = [start]
    seen = {start.id}
    level = 0
    while frontier and (depth <= 0 or level < depth):
        level += 1
        runs = [n.id for n in frontier if n.kind == "run"]
        arts = [n.id for n in frontier if n.kind == "artifact"]
        found: list[tuple[str, str]] = []  # (neighbour id, edge relation)
        edges: list[tuple[str, str, str]] = []
        for run_id, art_id, direction in source.run_links(runs) if runs else []:
            wanted = "input" if upstream else "output"
            if direction == wanted:
                edge = (art_id, run_id, "input") if upstream else (run_id, art_id, "output")
                edges.append(edge)
                found.append((art_id, direction))
        for run_id, art_id, direction in source.artifact_links(arts) if arts else []:
            wanted = "output" if upstream else "input"
            if direction == wanted:
                edge = (run_id, art_id, "output") if upstream else (art_id, run_id, "input")
                edges.append(edge)
                found.append((run_id, direction))
        new_ids = [i for i, _ in found if i not in seen]
        described = source.describe(sorted(set(new_ids))) if new_ids else {}
        next_frontier = []
        for node_id in dict.fromkeys(new_ids):
            node = described.get(node_id)
            if node is None:
                continue
            seen.add(node_id)
            graph.add_node(node)
            next_frontier.append(node)
        for s, t, rel in edges:
            if s in graph.nodes and t in graph.nodes:
                graph.add_edge(s, t, rel)
        frontier = next_frontier


def build_lineage(
    source: LinkSource, root: LineageNode, *, direction: str = "both", depth: int = 0
) -> LineageGraph:
    """Walk links from ``root``; ``direction`` is "up", "down" or "both"; depth 0 = unlimited.

    Example:
        >>> class Empty:
        ...     def describe(self, ids): return {}
        ...     def run_links(self, ids): return []
        ...     def artifact_links(self, ids): return []
        >>> build_lineage(Empty(), LineageNode("r", "run", "r")).nodes.keys()
        dict_keys(['r'])
    """
    graph = LineageGraph(root=root.id)
    graph.add_node(root)
    if direction in ("up", "both"):
        _walk(graph, source, root, upstream=True, depth=depth)
    if direction in ("down", "both"):
        _walk(graph, source, root, upstream=False, depth=depth)
    return graph


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: LineageGraph) -> str:
    """Graphviz DOT text: runs as boxes, artifacts as ellipses, the root in bold.

    Example:
        >>> to_dot(LineageGraph(root="x")).startswith("digraph lineage {")
        True
    """
    lines = ["digraph lineage {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node in graph.nodes.values():
        shape = "box" if node.kind == "run" else "ellipse"
        style = ', style="bold"' if node.id == graph.root else ""
        lines.append(
            f"  {_dot_quote(node.id)} [label={_dot_quote(node.label)}, shape={shape}{style}];"
        )
    for edge in graph.edges:
        lines.append(f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_label(text: str) -> str:
    # Mermaid labels go inside double quotes; it has its own escape for quotes.
    return text.replace('"', "#quot;")


def to_mermaid(graph: LineageGraph) -> str:
    """Mermaid ``flowchart`` text; node ids are renamed n0, n1, ... (Mermaid ids are restricted).

    Example:
        >>> to_mermaid(LineageGraph(root="x"))
        'flowchart LR\\n'
    """
    short = {node_id: f"n{i}" for i, node_id in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node in graph.nodes.values():
        label = _mermaid_label(node.label)
        shape = f'["{label}"]' if node.kind == "run" else f'(["{label}"])'
        lines.append(f"  {short[node.id]}{shape}")
    for edge in graph.edges:
        lines.append(f"  {short[edge.source]} --> {short[edge.target]}")
    if graph.root in short:
        lines.append(f"  style {short[graph.root]} stroke-width:3px")
    return "\n".join(lines) + "\n"


def to_json(graph: LineageGraph) -> dict[str, Any]:
    """A JSON-ready dict: ``root``, ``nodes`` (id, kind, label, attrs), ``edges``.

    Example:
        >>> to_json(LineageGraph(root="x"))["edges"]
        []
    """
    return {
        "root": graph.root,
        "nodes": [
            {
                "id": n.id,
                "kind": n.kind,
                "label": n.label,
                **({"attrs": n.attrs} if n.attrs else {}),
            }
            for n in graph.nodes.values()
        ],
        "edges": [
            {"source": e.source, "target": e.target, "relation": e.relation} for e in graph.edges
        ],
    }


class StoreLinkSource:
    """``LinkSource`` over an open store connection (a ``Database`` session)."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def describe(self, ids: list[str]) -> dict[str, LineageNode]:
        from consist.store.artifacts import get_artifacts
        from consist.store.runs import get_runs

        nodes = {run_id: run_node(run) for run_id, run in get_runs(self.con, ids).items()}
        rest = [i for i in ids if i not in nodes]
        for art_id, art in get_artifacts(self.con, rest).items():
            nodes[art_id] = artifact_node(art)
        return nodes

    def run_links(self, run_ids: list[str]) -> list[tuple[str, str, str]]:
        from consist.store.maintenance.queries import run_links

        return run_links(self.con, run_ids)

    def artifact_links(self, artifact_ids: list[str]) -> list[tuple[str, str, str]]:
        from consist.store.maintenance.queries import artifact_links

        return artifact_links(self.con, artifact_ids)


def run_node(run: Any) -> LineageNode:
    """A node for a ``Run``: label "model (id)", attrs status/year/cache_hit."""
    return LineageNode(
        run.id,
        "run",
        f"{run.model_name} ({run.id})",
        {"status": run.status, "year": run.year, "cache_hit": run.cache_hit},
    )


def artifact_node(art: Any) -> LineageNode:
    """A node for an ``Artifact``: label = key, attrs uri/driver/hash."""
    return LineageNode(
        art.id,
        "artifact",
        art.key,
        {"uri": art.container_uri, "driver": art.driver, "hash": art.hash},
    )


def lineage_of(db_path: Any, ref: str, *, direction: str = "both", depth: int = 0) -> LineageGraph:
    """Lineage of a run id, an artifact id, or the newest artifact with key ``ref``.

    Raises ``ConsistLookupError`` when ``ref`` names nothing.
    """
    from consist.errors import ConsistLookupError
    from consist.maintenance.database import open_store
    from consist.store.artifacts import get_artifact
    from consist.store.runs import get_run

    store = open_store(db_path, read_only=True)
    with store.db.session() as con:
        run = get_run(con, ref)
        if run is not None:
            root = run_node(run)
        else:
            art = get_artifact(con, ref)
            if art is None:
                raise ConsistLookupError(
                    f"No run or artifact named {ref!r}.",
                    cause="lineage takes a run id, an artifact id or an artifact key.",
                    fix="Find ids with `consist runs` and `consist artifacts RUN_ID`.",
                )
            root = artifact_node(art)
        return build_lineage(StoreLinkSource(con), root, direction=direction, depth=depth)
