"""``consist views create NAME``: a grouped view from the command line.

The same selection as ``tracker.create_grouped_view`` (facet predicates,
run filters, attached facets, mode and missing-file policy), built in the
database so ``duckdb provenance.duckdb`` can query it.

Example (shell):
    consist views create v_base --param scenario=base --attach-facet scenario
"""

from __future__ import annotations

from pathlib import Path

import click

from consist.cli.common import db_path_option, parse_mounts, run_dir_option

__all__ = ["views"]


@click.group("views")
def views() -> None:
    """Create SQL views over selected artifacts."""


@views.command("create")
@click.argument("view_name")
@click.option("--param", "params", multiple=True, help="Facet predicate k=v, k>=v or k<=v.")
@click.option("--attach-facet", "attach_facets", multiple=True, help="Add column facet_<key>.")
@click.option("--namespace", default=None, help="Facet namespace.")
@click.option("--driver", "drivers", multiple=True, help="Artifact driver (default parquet, csv).")
@click.option("--run-id", default=None)
@click.option("--parent-run-id", default=None)
@click.option("--model", default=None)
@click.option("--status", default=None)
@click.option("--year", type=int, default=None)
@click.option("--iteration", type=int, default=None)
@click.option("--mode", type=click.Choice(["hybrid", "hot_only", "cold_only"]), default="hybrid")
@click.option("--if-exists", type=click.Choice(["replace", "error"]), default="replace")
@click.option(
    "--missing-files", type=click.Choice(["warn", "error", "skip_silent"]), default="warn"
)
@click.option("--no-system-columns", is_flag=True, help="Drop the consist_* columns.")
@click.option("--mount", "mounts", multiple=True, metavar="NAME=PATH", help="Resolve NAME:// URIs.")
@run_dir_option()
@db_path_option
def create(
    view_name: str,
    params: tuple[str, ...],
    attach_facets: tuple[str, ...],
    drivers: tuple[str, ...],
    no_system_columns: bool,
    mounts: tuple[str, ...],
    run_dir: Path | None,
    db_path: Path | None,
    **options: str | int | None,
) -> None:
    """Create (or replace) VIEW_NAME over the artifacts matching every filter."""
    from consist.cli.db import locate_db
    from consist.tracker import Tracker

    tracker = Tracker(
        run_dir=run_dir or Path.cwd(), db_path=locate_db(db_path), mounts=parse_mounts(mounts)
    )
    try:
        name = tracker.create_grouped_view(
            view_name,
            params=list(params),
            attach_facets=list(attach_facets),
            drivers=list(drivers) or None,
            include_system_columns=not no_system_columns,
            **options,  # type: ignore[arg-type]
        )
    finally:
        tracker.close()
    click.echo(f"Created view {name}")
