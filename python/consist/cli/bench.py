"""``consist bench``: hashing and database speed on your own disks.

Example (shell):
    consist bench --dir /scratch/me --db-path ./provenance.duckdb
    consist bench --quick --json
"""

from __future__ import annotations

from pathlib import Path

import click

from consist.cli.common import echo_json, print_table

__all__ = ["bench"]


def _value(value: float, unit: str) -> str:
    return f"{value:,.2f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


@click.command("bench")
@click.option(
    "--dir",
    "work_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write scratch data (default: the database's folder, "
    "else the current folder). Removed afterwards.",
)
@click.option(
    "--size-mb",
    type=click.IntRange(1, 65536),
    default=256,
    show_default=True,
    help="Size of the large test file.",
)
@click.option(
    "--files",
    "small_files",
    type=click.IntRange(1, 1_000_000),
    default=2000,
    show_default=True,
    help="Number of 4 KiB files for the many-small-files test.",
)
@click.option("--repeats", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--quick", is_flag=True, help="Small sizes, 2 repeats (a smoke run).")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--db-path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An existing database to time opening (read-only; never written).",
)
def bench(
    work_dir: Path | None,
    size_mb: int,
    small_files: int,
    repeats: int,
    quick: bool,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Measure hashing throughput, stat-cache hits and database latency here."""
    from consist.cli.progress import rich_progress
    from consist.errors import ConsistError
    from consist.maintenance.bench import run_bench
    from consist.maintenance.locate import find_db_path

    try:
        existing = find_db_path(db_path)
    except ConsistError:
        if db_path is not None:
            raise
        existing = None
    if work_dir is None:
        work_dir = existing.resolve().parent if existing else Path.cwd()
    if quick:
        size_mb, small_files, repeats = min(size_mb, 32), min(small_files, 500), 2
    with rich_progress(enabled=False if as_json else None) as progress:
        report = run_bench(
            work_dir,
            db_path=existing,
            size_mb=size_mb,
            small_files=small_files,
            repeats=repeats,
            progress=progress,
        )
    if as_json:
        echo_json(report.to_dict())
        return
    print_table(
        f"consist bench in {report.work_dir} (medians of {repeats}, page cache warm)",
        ["measure", "value", "reference", "ratio", "note"],
        [
            [
                r.name,
                _value(r.value, r.unit),
                ""
                if r.reference_value is None
                else f"{r.reference_name}: {_value(r.reference_value, r.unit)}",
                "" if r.ratio is None else f"{r.ratio:.2f}x",
                r.note,
            ]
            for r in report.rows
        ],
    )
