"""``consist db``: snapshot, inspect, doctor, purge, merge, rebuild, compact, export, fix-status.

The safe sequence (troubleshooting guide, "Database Maintenance Runbook"):
snapshot first, diagnose (inspect, doctor), then one action at a time with a
preview (``--dry-run``), then compact. Every command that changes something
appends a line to ``.consist_audit.log`` (in ``--run-dir``, else next to the
database) and prints what it did.

Example (shell):
    consist db snapshot --out ./snapshots/pre.duckdb --db-path ./provenance.duckdb
    consist db doctor --db-path ./provenance.duckdb
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
    parse_mounts,
    print_table,
    resolution_options,
    run_dir_option,
    stdout_console,
)

__all__ = ["audit", "db"]


def audit(db_path: Path, run_dir: Path | None, operation: str, summary: str) -> Path:
    """Append to the audit log and return its path."""
    from consist.maintenance.audit import append_audit, audit_dir_for

    return append_audit(audit_dir_for(db_path, run_dir), operation, f"db={db_path} {summary}")


def locate_db(db_path: Path | None, *, must_exist: bool = True) -> Path:
    """The database the command works on (see ``consist.maintenance.locate``)."""
    from consist.maintenance.locate import find_db_path

    return find_db_path(db_path, must_exist=must_exist).resolve()


@click.group("db")
def db() -> None:
    """Maintain the provenance database: snapshot, diagnose, repair, compact."""


@db.command("snapshot")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the copy (a sidecar .snapshot_meta.json goes next to it).",
)
@click.option("--no-checkpoint", is_flag=True, help="Copy as is, without folding in the WAL.")
@run_dir_option("Run directory, for the audit log (default: ./runs when it holds consist_runs/).")
@json_option
@db_path_option
def snapshot(
    out: Path, no_checkpoint: bool, run_dir: Path | None, as_json: bool, db_path: Path | None
) -> None:
    """Copy the database to --out before changing anything (rollback safety)."""
    from consist.maintenance.snapshot import snapshot_database

    path = locate_db(db_path)
    meta = snapshot_database(path, out, checkpoint=not no_checkpoint)
    log = audit(path, run_dir, "snapshot", f"out={meta['snapshot']} runs={meta['runs']}")
    if as_json:
        echo_json({**meta, "audit_log": str(log)})
        return
    click.echo(
        f"Snapshot written: {meta['snapshot']} ({format_bytes(meta['size_bytes'])}, "
        f"{meta['runs']} runs, {meta['digest']})"
    )
    click.echo(f"Sidecar: {meta['sidecar']}")


@db.command("inspect")
@click.option(
    "--json-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="consist_runs folder to compare with (default: <run-dir>/consist_runs).",
)
@run_dir_option()
@json_option
@db_path_option
def inspect(
    json_dir: Path | None, run_dir: Path | None, as_json: bool, db_path: Path | None
) -> None:
    """Totals, runs by status, orphans, ingested tables, size, snapshot parity."""
    from consist.maintenance.overview import inspect_database

    if json_dir is None and run_dir is not None:
        json_dir = run_dir / "consist_runs"
    report = inspect_database(locate_db(db_path), json_dir=json_dir)
    if as_json:
        echo_json(report)
        return
    console = stdout_console()
    console.print(
        f"[bold]{report['db_path']}[/bold]  {report['db_size_mb']} MB, "
        f"schema v{report['schema_version']}, WAL {report['wal_size_bytes']} bytes"
    )
    print_table("Rows", ["table", "rows"], report["totals"].items())
    print_table("Runs by status", ["status", "runs"], report["runs_by_status"].items())
    console.print(
        f"Orphaned artifacts: {report['orphaned_artifacts']}   "
        f"zombie runs: {report['zombie_runs']}   "
        f"still running: {len(report['running_runs'])}"
    )
    if report["global_tables"]:
        print_table(
            "Ingested tables",
            ["table", "kind", "rows", "columns"],
            [[t["table"], t["kind"], t["rows"], t["columns"]] for t in report["global_tables"]],
        )
    parity = report.get("json_snapshots")
    if parity:
        console.print(
            f"JSON snapshots in {parity['json_dir']}: {parity['snapshots']}, "
            f"{'in parity' if parity['in_parity'] else 'NOT in parity'} "
            f"({len(parity['in_db_without_snapshot'])} runs without snapshot, "
            f"{len(parity['snapshot_without_db_row'])} snapshots without row)"
        )


_SEVERITY_STYLE = {"ok": "green", "info": "blue", "warning": "yellow", "error": "red"}


def _print_doctor(report: Any) -> None:
    from rich.markup import escape

    console = stdout_console()
    for f in report.findings:
        style = _SEVERITY_STYLE[f.severity]
        console.print(f"[{style}]{f.severity.upper():7}[/{style}] {f.check}: {escape(f.message)}")
        for item in f.sample[:5]:
            console.print(f"          {escape(str(item))}")
        if f.fix and f.severity in ("warning", "error"):
            console.print(f"          fix: {escape(f.fix)}")
    if report.table_sizes:
        print_table(
            "Size per table",
            ["table", "rows", "size"],
            [
                [f"{t['schema']}.{t['table']}", t["rows"], format_bytes(t["bytes"])]
                for t in report.table_sizes
            ],
        )
    verdict = "healthy" if report.healthy else "problems found"
    console.print(f"[bold]{verdict}[/bold]")


@db.command("doctor")
@click.option("--no-files", is_flag=True, help="Skip checking artifact files on disk.")
@resolution_options
@json_option
@db_path_option
def doctor(
    no_files: bool,
    run_dir: Path | None,
    mounts: tuple[str, ...],
    trust_db: bool,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Read-only health checks; exit 1 when any check is an error."""
    from consist.cli.progress import rich_progress
    from consist.maintenance.doctor import run_doctor

    path = locate_db(db_path)
    with rich_progress(enabled=False if as_json else None) as progress:
        report = run_doctor(
            path,
            run_dir=run_dir,
            mounts=parse_mounts(mounts),
            trust_db=trust_db,
            check_files=not no_files,
            progress=progress,
        )
    if as_json:
        echo_json(report.to_dict())
    else:
        _print_doctor(report)
    if not report.healthy:
        click.get_current_context().exit(1)


@db.command("compact")
@run_dir_option()
@json_option
@db_path_option
def compact(run_dir: Path | None, as_json: bool, db_path: Path | None) -> None:
    """Rewrite the file without the space of deleted rows."""
    from consist.maintenance.compact import compact_database

    path = locate_db(db_path)
    result = compact_database(path)
    summary = f"{result['bytes_before']} -> {result['bytes_after']} bytes"
    log = audit(path, run_dir, "compact", summary)
    if as_json:
        echo_json({**result, "audit_log": str(log)})
        return
    click.echo(
        f"Compacted {path}: {format_bytes(result['bytes_before'])} -> "
        f"{format_bytes(result['bytes_after'])} ({result['tables']} tables, "
        f"{result['rows']} rows checked)"
    )


@db.command("fix-status")
@click.argument("run_id")
@click.argument("status", type=click.Choice(["running", "completed", "failed"]))
@click.option("--reason", default=None, help="Why (stored in meta.status_fix_reason).")
@click.option("--force", is_flag=True, help="Allow setting a finished run back to running.")
@run_dir_option(
    "Run directory: its consist_runs snapshot is updated too "
    "(default: ./runs when it holds consist_runs/)."
)
@json_option
@db_path_option
def fix_status_cmd(
    run_id: str,
    status: str,
    reason: str | None,
    force: bool,
    run_dir: Path | None,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Correct a run's status (e.g. a killed run stuck in running -> failed)."""
    from consist.maintenance.fix_status import fix_status

    path = locate_db(db_path)
    json_dir = run_dir / "consist_runs" if run_dir else None
    result = fix_status(path, run_id, status, reason=reason, force=force, json_dir=json_dir)
    log = audit(
        path,
        run_dir,
        "fix-status",
        f"run={run_id} {result['previous']} -> {status} reason={result['reason']}",
    )
    if as_json:
        echo_json({**result, "audit_log": str(log)})
        return
    click.echo(
        f"Run {run_id}: {result['previous']} -> {status}"
        + (f" (snapshot {result['snapshot']} updated)" if result["snapshot"] else "")
    )


def _register_changes() -> None:
    from consist.cli.db_changes import export, merge, purge, rebuild

    for command in (purge, merge, rebuild, export):
        db.add_command(command)


_register_changes()
