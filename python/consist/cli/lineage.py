"""``consist lineage``: where an artifact or run came from and what used it.

Example (shell):
    consist lineage trips                       # Rich tree, upstream and downstream
    consist lineage trips --format dot | dot -Tsvg > lineage.svg
    consist lineage beam_1a2b3c4d --format mermaid --direction up
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from consist.cli.common import db_path_option, echo_json, stdout_console

__all__ = ["lineage"]

_FORMATS = ("tree", "json", "dot", "mermaid")


def _label(node: Any) -> str:
    from rich.markup import escape

    if node.kind == "run":
        status = node.attrs.get("status")
        colour = {"completed": "green", "failed": "red", "running": "yellow"}.get(status, "white")
        return f"[bold]run[/bold] {escape(node.label)} [{colour}]{escape(str(status))}[/{colour}]"
    return f"[cyan]artifact[/cyan] {escape(node.label)} [dim]{escape(node.attrs.get('uri') or '')}[/dim]"


def _tree(graph: Any, upstream: bool) -> Any:
    from rich.tree import Tree

    title = "upstream (what it was made from)" if upstream else "downstream (what used it)"
    root = Tree(f"[bold]{title}[/bold]")

    def grow(branch: Any, node_id: str, path: set[str]) -> None:
        nxt = graph.parents(node_id) if upstream else graph.children(node_id)
        for other in nxt:
            if other in path:  # a cycle in hand-edited data; never recurse forever
                continue
            grow(branch.add(_label(graph.nodes[other])), other, path | {other})

    grow(root.add(_label(graph.nodes[graph.root])), graph.root, {graph.root})
    return root


@click.command("lineage")
@click.argument("artifact_or_run")
@click.option(
    "--direction",
    type=click.Choice(["up", "down", "both"]),
    default="both",
    show_default=True,
    help="Upstream (inputs), downstream (consumers), or both.",
)
@click.option(
    "--depth", type=click.IntRange(0, 10_000), default=0, help="Levels to follow (0 = all)."
)
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="tree", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@db_path_option
def lineage(
    artifact_or_run: str, direction: str, depth: int, fmt: str, as_json: bool, db_path: Path | None
) -> None:
    """Upstream/downstream tree of an artifact (id or key) or a run."""
    from consist.maintenance.lineage import lineage_of, to_dot, to_json, to_mermaid
    from consist.maintenance.locate import find_db_path

    graph = lineage_of(find_db_path(db_path), artifact_or_run, direction=direction, depth=depth)
    if as_json or fmt == "json":
        echo_json(to_json(graph))
    elif fmt == "dot":
        click.echo(to_dot(graph), nl=False)
    elif fmt == "mermaid":
        click.echo(to_mermaid(graph), nl=False)
    else:
        console = stdout_console()
        if direction in ("up", "both"):
            console.print(_tree(graph, upstream=True))
        if direction in ("down", "both"):
            console.print(_tree(graph, upstream=False))
