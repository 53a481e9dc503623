"""``consist scenarios`` and ``consist scenario NAME``: runs grouped by scenario.

A scenario header is a run tagged ``scenario_header``; its steps are the runs
whose ``parent_run_id`` is the header's id.

Example (shell):
    consist scenarios --limit 5
    consist scenario baseline_2030 --json
"""

from __future__ import annotations

from pathlib import Path

import click

from consist.cli.common import db_path_option, echo_json, json_option, print_table
from consist.cli.runs import MAX_CLI_LIMIT, open_reader, run_row, run_rows

__all__ = ["scenario", "scenarios"]


@click.command("scenarios")
@click.option("--limit", type=click.IntRange(1, MAX_CLI_LIMIT), default=20, show_default=True)
@json_option
@db_path_option
def scenarios(limit: int, as_json: bool, db_path: Path | None) -> None:
    """Scenario headers, newest first, with their number of step runs."""
    from consist.store.maintenance.queries import scenario_headers

    store = open_reader(db_path)
    with store.db.session() as con:
        found = scenario_headers(con, limit=limit)
    if as_json:
        echo_json([{**run_row(h, h.id), "runs": n} for h, n in found])
        return
    print_table(
        f"Scenarios ({len(found)})",
        ["scenario", "status", "steps", "created (UTC)"],
        [[h.id, h.status, n, h.created_at.strftime("%Y-%m-%d %H:%M:%S")] for h, n in found],
    )


@click.command("scenario")
@click.argument("scenario_id")
@json_option
@db_path_option
def scenario(scenario_id: str, as_json: bool, db_path: Path | None) -> None:
    """The header and step runs of one scenario."""
    from consist.errors import RunNotFoundError

    store = open_reader(db_path)
    header = store.get_run(scenario_id)
    if header is None:
        raise RunNotFoundError(
            f"No scenario {scenario_id!r}.",
            cause="No run has this id.",
            fix="List scenarios with `consist scenarios`.",
        )
    steps = store.find_runs(parent_run_id=scenario_id, order="oldest")
    if as_json:
        echo_json({"scenario": run_row(header, header.id), "steps": run_rows(store, steps)})
        return
    print_table(
        f"Scenario {scenario_id} ({header.status}, {len(steps)} steps)",
        ["step run", "model", "status", "year", "cache", "duration"],
        [
            [
                r.id,
                r.model_name,
                r.status,
                r.year,
                "hit" if r.cache_hit else "",
                "-" if r.duration_seconds is None else f"{r.duration_seconds:.2f}s",
            ]
            for r in steps
        ],
    )
