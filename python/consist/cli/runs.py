"""``consist runs``, ``show``, ``search`` and ``summary``: read-only views of recorded runs.

Example (shell):
    consist runs --model beam --status completed --limit 20
    consist show beam_1a2b3c4d --json
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from consist.cli.common import (
    db_path_option,
    echo_json,
    format_bytes,
    json_option,
    print_table,
    stdout_console,
)

__all__ = ["run_row", "run_rows", "runs", "search", "show", "summary"]

MAX_CLI_LIMIT = 1_000_000
_LIMIT = click.IntRange(1, MAX_CLI_LIMIT)
_STATUSES = ("running", "completed", "failed", "skipped_save")


def open_reader(db_path: Path | None):
    """The store for the discovered database, opened read-only."""
    from consist.maintenance.database import open_store
    from consist.maintenance.locate import find_db_path

    return open_store(find_db_path(db_path), read_only=True)


def scenario_ids(store: Any, found: list[Any]) -> dict[str, str | None]:
    """Run id -> the scenario it belongs to: itself for a header, else a header parent."""
    from consist.store.maintenance.queries import SCENARIO_TAG

    parents = store.get_runs({r.parent_run_id for r in found if r.parent_run_id})
    headers = {pid for pid, parent in parents.items() if SCENARIO_TAG in parent.tags}
    return {
        r.id: r.id
        if SCENARIO_TAG in r.tags
        else (r.parent_run_id if r.parent_run_id in headers else None)
        for r in found
    }


def run_row(run: Any, scenario_id: str | None = None) -> dict[str, Any]:
    """The JSON row of ``consist runs`` (the Consist 0.3 field set)."""
    return {
        "id": run.id,
        "model": run.model_name,
        "status": run.status,
        "scenario_id": scenario_id,
        "year": run.year,
        "created_at": run.created_at.isoformat(),
        "duration_seconds": run.duration_seconds,
        "tags": list(run.tags),
        "meta": run.meta,
    }


def run_rows(store: Any, found: list[Any]) -> list[dict[str, Any]]:
    """``run_row`` for each run, with scenario ids looked up in one query."""
    scenarios = scenario_ids(store, found)
    return [run_row(r, scenarios[r.id]) for r in found]


def _when(value: Any) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}s"


def _print_runs(title: str, found: list[Any]) -> None:
    print_table(
        title,
        ["id", "model", "status", "year", "created (UTC)", "duration", "cache", "tags"],
        [
            [
                r.id,
                r.model_name,
                r.status,
                r.year,
                r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                _duration(r.duration_seconds),
                "hit" if r.cache_hit else "",
                ", ".join(r.tags),
            ]
            for r in found
        ],
    )


@click.command("runs")
@click.option("--limit", type=_LIMIT, default=10, show_default=True, help="How many runs.")
@click.option("--model", default=None, help="Only runs of this model.")
@click.option("--status", type=click.Choice(_STATUSES), default=None, help="Only this status.")
@click.option("--tag", "tags", multiple=True, help="Only runs with this tag (repeatable: all).")
@json_option
@db_path_option
def runs(
    limit: int,
    model: str | None,
    status: str | None,
    tags: tuple[str, ...],
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Recent runs, newest first."""
    store = open_reader(db_path)
    found = store.find_runs(model=model, status=status, tags=list(tags) or None, limit=limit)
    if as_json:
        echo_json(run_rows(store, found))
        return
    _print_runs(f"Runs ({len(found)} shown)", found)


@click.command("show")
@click.argument("run_id")
@json_option
@db_path_option
def show(run_id: str, as_json: bool, db_path: Path | None) -> None:
    """Everything recorded about one run: fields, identity, config, inputs, outputs."""
    from consist.errors import RunNotFoundError

    store = open_reader(db_path)
    run = store.get_run(run_id)
    if run is None:
        raise RunNotFoundError(
            f"No run with id {run_id!r}.",
            cause="The database has no run with this id.",
            fix="List runs with `consist runs --limit 50` or `consist search TEXT`.",
        )
    linked = store.get_artifacts_for_run(run_id)
    config = store.get_run_config_kv(run_id)
    payload = {
        "run": run.to_dict(),
        "duration_seconds": run.duration_seconds,
        "identity": run.identity_summary,
        "config": {
            f"{c['namespace']}.{c['key']}" if c["namespace"] else c["key"]: c["value"]
            for c in config
        },
        "inputs": {k: a.to_dict() for k, a in linked.inputs.items()},
        "outputs": {k: a.to_dict() for k, a in linked.outputs.items()},
    }
    if as_json:
        echo_json(payload)
        return
    _print_show(run, payload)


def _print_show(run: Any, payload: dict[str, Any]) -> None:
    from rich.pretty import Pretty

    console = stdout_console()
    fields = [
        ("id", run.id),
        ("model", run.model_name),
        ("status", run.status),
        ("parent", run.parent_run_id),
        ("year", run.year),
        ("iteration", run.iteration),
        ("stage", run.stage),
        ("phase", run.phase),
        ("tags", ", ".join(run.tags)),
        ("cache hit", run.cache_hit),
        ("signature", run.signature),
        ("code (git_hash)", run.git_hash),
        ("config hash", run.config_hash),
        ("input hash", run.input_hash),
        ("started", run.started_at),
        ("ended", run.ended_at),
        ("duration", _duration(run.duration_seconds)),
        ("description", run.description),
    ]
    print_table(
        f"Run {run.id}", ["field", "value"], [[k, v] for k, v in fields if v not in (None, "")]
    )
    for direction in ("inputs", "outputs"):
        items = payload[direction]
        print_table(
            f"{direction.title()} ({len(items)})",
            ["key", "driver", "uri", "hash"],
            [
                [k, a["driver"], a["container_uri"], (a["hash"] or "")[:23]]
                for k, a in items.items()
            ],
        )
    if payload["config"]:
        print_table("Config", ["key", "value"], [[k, v] for k, v in payload["config"].items()])
    if run.meta:
        console.print("[bold]Meta[/bold]")
        console.print(Pretty(run.meta))


@click.command("search")
@click.argument("query")
@click.option("--limit", type=_LIMIT, default=20, show_default=True)
@json_option
@db_path_option
def search(query: str, limit: int, as_json: bool, db_path: Path | None) -> None:
    """Runs whose id, model, description or tags contain QUERY."""
    from consist.store.maintenance.queries import search_runs

    if len(query) > 256:
        raise click.BadParameter("must be at most 256 characters", param_hint="QUERY")
    store = open_reader(db_path)
    with store.db.session() as con:
        found = search_runs(con, query, limit=limit)
    if as_json:
        echo_json(run_rows(store, found))
        return
    _print_runs(f"Runs matching {query!r} ({len(found)})", found)


@click.command("summary")
@json_option
@db_path_option
def summary(as_json: bool, db_path: Path | None) -> None:
    """Totals: runs per model and status, artifacts per driver, time range, file size."""
    from consist.maintenance.locate import find_db_path
    from consist.store.maintenance.health import runs_by_status, table_row_counts
    from consist.store.maintenance.queries import summary_figures

    path = find_db_path(db_path)
    store = open_reader(path)
    with store.db.session() as con:
        figures = summary_figures(con)
        figures["totals"] = table_row_counts(con)
        figures["runs_by_status"] = runs_by_status(con)
    figures["db_path"] = str(path.resolve())
    figures["db_size_bytes"] = path.stat().st_size
    if as_json:
        echo_json(figures)
        return
    totals = figures["totals"]
    print_table(
        f"{path} ({format_bytes(figures['db_size_bytes'])})",
        ["runs", "artifacts", "links", "scenarios", "first run", "last run"],
        [
            [
                totals.get("run"),
                totals.get("artifact"),
                totals.get("run_artifact_link"),
                figures["scenarios"],
                _when(figures["first_run_at"]),
                _when(figures["last_run_at"]),
            ]
        ],
    )
    print_table("Runs by status", ["status", "runs"], figures["runs_by_status"].items())
    print_table(
        "Runs by model",
        ["model", "runs", "completed", "failed", "cache hits", "last run"],
        [
            [
                m["model"],
                m["runs"],
                m["completed"],
                m["failed"],
                m["cache_hits"],
                _when(m["last_run_at"]),
            ]
            for m in figures["models"]
        ],
    )
    print_table(
        "Artifacts by driver",
        ["driver", "artifacts", "bytes"],
        [
            [d["driver"], d["artifacts"], format_bytes(d["bytes"])]
            for d in figures["artifacts_by_driver"]
        ],
    )
