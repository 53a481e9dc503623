"""The ``consist db`` commands that change data: purge, merge, rebuild, export.

Each previews with ``--dry-run``; purge also asks for confirmation (or
``--yes``; without a terminal it refuses to act without ``--yes``).

Example (shell):
    consist db purge RUN_ID --dry-run --db-path ./provenance.duckdb
    consist db purge RUN_ID --delete-ingested-data --yes --db-path ./provenance.duckdb
    consist db merge shard.duckdb --conflict skip --db-path ./provenance.duckdb
    consist db rebuild --json-dir ./runs/consist_runs --mode full --db-path ./provenance.duckdb
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from consist.cli.common import (
    confirm_or_refuse,
    db_path_option,
    echo_json,
    json_option,
    parse_mounts,
    print_table,
    resolution_options,
    run_dir_option,
    stdout_console,
)
from consist.cli.db import audit, locate_db
from consist.cli.progress import rich_progress

__all__ = ["export", "merge", "purge", "rebuild"]


def _print_purge_plan(plan: Any, dry_run: bool) -> None:
    console = stdout_console()
    head = "Would delete" if dry_run else "Deleting"
    console.print(f"[bold]{head}[/bold] {len(plan.run_ids)} run(s): {', '.join(plan.run_ids)}")
    print_table("Database rows", ["table", "rows"], plan.metadata.items())
    if plan.shared_outputs:
        console.print(
            f"Kept {len(plan.shared_outputs)} output(s) still used by other runs: "
            + ", ".join(k for _, k in plan.shared_outputs[:10])
        )
    if plan.ingested:
        print_table(
            "Ingested rows", ["table", "rows"], [[t, n] for t, (_, n) in plan.ingested.items()]
        )
    if plan.cache:
        print_table("Unscoped cache rows (--prune-cache)", ["table", "rows"], plan.cache.items())
    for note in plan.cache_notes:
        console.print(f"[yellow]{note}[/yellow]")
    console.print(
        f"JSON snapshots: {len(plan.snapshots)}"
        + (
            ""
            if plan.snapshots
            else " found (pass --run-dir so they are removed too; "
            "a rebuild would bring the runs back)"
        )
    )
    if plan.files or plan.unsafe_files:
        console.print(f"Files: {len(plan.files)} to delete, {len(plan.unsafe_files)} unsafe")
        for path, reason in plan.unsafe_files[:10]:
            console.print(f"  [yellow]unsafe[/yellow] {path}: {reason}")


@click.command("purge")
@click.argument("run_ids", metavar="RUN_ID...", nargs=-1, required=True)
@click.option("--no-children", is_flag=True, help="Keep runs whose parent is purged.")
@click.option("--dry-run", is_flag=True, help="Show what would be deleted; change nothing.")
@click.option(
    "--delete-ingested-data", is_flag=True, help="Also delete the runs' rows in global_tables."
)
@click.option(
    "--prune-cache",
    is_flag=True,
    help="With --delete-ingested-data: also delete unscoped cache rows only these runs "
    "referenced (via run_link tables with run_id + content_hash).",
)
@click.option(
    "--delete-files",
    is_flag=True,
    help="Also delete output files only these runs produced (inside --run-dir/--mount).",
)
@click.option(
    "--unsafe-delete-targets",
    type=click.Choice(["fail", "skip"]),
    default="fail",
    show_default=True,
    help="What to do with files that are not safe to delete.",
)
@click.option(
    "--json-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="consist_runs folder holding the runs' snapshots.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@resolution_options
@json_option
@db_path_option
def purge(
    run_ids: tuple[str, ...],
    no_children: bool,
    dry_run: bool,
    delete_ingested_data: bool,
    prune_cache: bool,
    delete_files: bool,
    unsafe_delete_targets: str,
    json_dir: Path | None,
    yes: bool,
    run_dir: Path | None,
    mounts: tuple[str, ...],
    trust_db: bool,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Delete runs (and their children), their links, orphaned artifacts and snapshots."""
    from consist.maintenance.purge import execute_purge, plan_purge

    if prune_cache and not delete_ingested_data:
        raise click.UsageError("--prune-cache only applies together with --delete-ingested-data.")
    path = locate_db(db_path)
    plan = plan_purge(
        path,
        list(run_ids),
        children=not no_children,
        delete_ingested_data=delete_ingested_data,
        prune_cache=prune_cache,
        delete_files=delete_files,
        json_dir=json_dir,
        run_dir=run_dir,
        mounts=parse_mounts(mounts),
        trust_db=trust_db,
    )
    plan.require_found()
    if dry_run:
        if as_json:
            echo_json({"dry_run": True, **plan.to_dict()})
        else:
            _print_purge_plan(plan, dry_run=True)
        return
    if not as_json:
        _print_purge_plan(plan, dry_run=False)
    confirm_or_refuse(f"purge {len(plan.run_ids)} run(s) from {path}", yes=yes)
    with rich_progress(enabled=False if as_json else None) as progress:
        result = execute_purge(plan, unsafe_delete_targets=unsafe_delete_targets, progress=progress)
    rows = result["rows"]
    log = audit(
        path,
        run_dir,
        "purge",
        f"runs={','.join(plan.run_ids)} rows={rows} ingested={result['ingested_rows']} "
        f"cache={result['cache_rows']} snapshots={len(result['snapshots'])} "
        f"files={len(result['files'])}",
    )
    if as_json:
        echo_json({"dry_run": False, **result, "audit_log": str(log)})
        return
    click.echo(
        f"Purged {rows['run']} run(s), {rows['artifact']} artifact(s), "
        f"{rows['run_artifact_link']} link(s); ingested rows "
        f"{sum(result['ingested_rows'].values())}, cache rows "
        f"{sum(result['cache_rows'].values())}, snapshots {len(result['snapshots'])}, "
        f"files {len(result['files'])}. Logged to {log}."
    )


@click.command("merge")
@click.argument("shard_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--conflict",
    type=click.Choice(["error", "skip"]),
    default="error",
    show_default=True,
    help="error: abort on any conflict; skip: merge the rest.",
)
@click.option(
    "--include-snapshots",
    is_flag=True,
    help="Copy the shard's <stem>_consist_runs/*.json into <run-dir>/consist_runs.",
)
@click.option("--dry-run", is_flag=True, help="Report what would be merged.")
@run_dir_option()
@json_option
@db_path_option
def merge(
    shard_path: Path,
    conflict: str,
    include_snapshots: bool,
    dry_run: bool,
    run_dir: Path | None,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Merge the runs (and ingested data) of another database file into this one."""
    from consist.maintenance.merge import merge_shard

    path = locate_db(db_path, must_exist=False)
    with rich_progress(enabled=False if as_json else None) as progress:
        report = merge_shard(
            path,
            shard_path,
            conflict=conflict,
            dry_run=dry_run,
            include_snapshots=include_snapshots,
            run_dir=run_dir,
            progress=progress,
        )
    for warning in report["warnings"]:
        click.echo(f"Warning: {warning}", err=True)
    log = None
    if not dry_run:
        log = audit(
            path,
            run_dir,
            "merge",
            f"shard={report['shard']} conflict={conflict} runs={len(report['merged_runs'])} "
            f"skipped={len(report['skipped_runs'])} tables={report['tables']}",
        )
    if as_json:
        echo_json({**report, "audit_log": None if log is None else str(log)})
        return
    verb = "Would merge" if dry_run else "Merged"
    click.echo(
        f"{verb} {len(report['merged_runs'])} run(s) from {report['shard']} "
        f"({len(report['identical_runs'])} already present, "
        f"{len(report['skipped_runs'])} skipped); ingested rows: "
        f"{sum(report['tables'].values())} in {len(report['tables'])} table(s)."
    )


@click.command("rebuild")
@click.option(
    "--json-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("consist_runs"),
    show_default=True,
    help="Folder of the per-run JSON snapshots (<run_dir>/consist_runs).",
)
@click.option(
    "--mode",
    type=click.Choice(["minimal", "full"]),
    default="minimal",
    show_default=True,
    help="minimal: runs, artifacts, links; full: also facets.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be restored.")
@run_dir_option()
@json_option
@db_path_option
def rebuild(
    json_dir: Path,
    mode: str,
    dry_run: bool,
    run_dir: Path | None,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Restore runs, artifacts and links from JSON snapshots (a damaged file is moved aside)."""
    from consist.maintenance.rebuild import rebuild_database

    path = locate_db(db_path, must_exist=False)
    with rich_progress(enabled=False if as_json else None) as progress:
        result = rebuild_database(path, json_dir, mode=mode, dry_run=dry_run, progress=progress)
    for skipped_path, reason in result["skipped"]:
        click.echo(f"Warning: skipped corrupt snapshot {skipped_path}: {reason}", err=True)
    log = None
    if not dry_run:
        audit_dir = run_dir or (
            json_dir.resolve().parent if json_dir.name == "consist_runs" else None
        )
        log = audit(
            path,
            audit_dir,
            "rebuild",
            f"json_dir={json_dir} mode={mode} runs={result['runs']} "
            f"artifacts={result['artifacts']} links={result['links']} "
            f"skipped={len(result['skipped'])} moved_aside={result['moved_aside']}",
        )
    if as_json:
        echo_json({**result, "audit_log": None if log is None else str(log)})
        return
    if result["moved_aside"]:
        click.echo(f"The damaged database was moved to {result['moved_aside']}.")
    verb = "Would restore" if dry_run else "Restored"
    click.echo(
        f"{verb} {result['runs']} run(s), {result['artifacts']} artifact(s), "
        f"{result['links']} link(s)"
        + (f", {result['facets']} facet(s)" if mode == "full" else "")
        + f" from {result['snapshots']} snapshot(s); {len(result['skipped'])} skipped."
    )


@click.command("export")
@click.argument("run_ids", metavar="RUN_ID...", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The new shard file (never overwritten).",
)
@click.option("--no-children", is_flag=True, help="Only the given runs, not their children.")
@click.option("--include-data", is_flag=True, help="Also their ingested rows.")
@click.option(
    "--include-snapshots",
    is_flag=True,
    help="Also their JSON snapshots, in <stem>_consist_runs/ next to the shard.",
)
@click.option("--dry-run", is_flag=True, help="Report what would be exported.")
@run_dir_option()
@json_option
@db_path_option
def export(
    run_ids: tuple[str, ...],
    out: Path,
    no_children: bool,
    include_data: bool,
    include_snapshots: bool,
    dry_run: bool,
    run_dir: Path | None,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Write selected runs (with their lineage rows) into a new shard database."""
    from consist.maintenance.export import export_runs

    path = locate_db(db_path)
    with rich_progress(enabled=False if as_json else None) as progress:
        report = export_runs(
            path,
            list(run_ids),
            out,
            children=not no_children,
            include_data=include_data,
            include_snapshots=include_snapshots,
            dry_run=dry_run,
            json_dir=run_dir / "consist_runs" if run_dir else None,
            progress=progress,
        )
    log = None
    if not dry_run:
        log = audit(
            path,
            run_dir,
            "export",
            f"out={report['out']} runs={len(report['runs'])} tables={report['tables']}",
        )
    if as_json:
        echo_json({**report, "audit_log": None if log is None else str(log)})
        return
    verb = "Would export" if dry_run else "Exported"
    click.echo(
        f"{verb} {len(report['runs'])} run(s) to {report['out']}"
        + (f"; ingested rows: {sum(report['tables'].values())}" if include_data else "")
        + (f"; snapshots: {len(report.get('snapshots', []))}" if include_snapshots else "")
    )
    if report["missing"]:
        click.echo(f"Not found: {', '.join(report['missing'])}", err=True)
        click.get_current_context().exit(1)
