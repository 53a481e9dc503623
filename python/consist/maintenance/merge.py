"""``consist db merge SHARD``: bring another database's runs into this one.

Runs already present with identical rows are skipped silently (merging the
same shard twice is a no-op). A run id present in both with different
content is a collision. Ingested tables are compatible when every shard
column exists in the target with the same type (the target may have more);
a table missing from the target is created.

``conflict="error"`` (default) checks everything first and aborts, changing
nothing, on any run collision or incompatible table. ``conflict="skip"``
merges everything compatible and skips colliding runs (with their links and
ingested rows) and incompatible tables, each with a warning. All writes
happen in one transaction.

Example:
    >>> import tempfile, pathlib
    >>> from consist.maintenance.database import open_store
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("main", "shard"):
    ...     open_store(d / f"{name}.duckdb").db.close()
    >>> merge_shard(d / "main.duckdb", d / "shard.duckdb")["merged_runs"]
    []
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, DatabaseError
from consist.maintenance.database import open_store
from consist.maintenance.progress import Progress, task
from consist.maintenance.shards import (
    copy_snapshots,
    release_in_process,
    require_shard,
    shard_snapshot_dir,
)

__all__ = ["CONFLICT_POLICIES", "MergeConflictError", "merge_shard"]

CONFLICT_POLICIES = ("error", "skip")
_ALIAS = "consist_merge_shard"


class MergeConflictError(DatabaseError):
    """``--conflict error`` found run collisions or incompatible tables; nothing was merged."""

    code = "consist.merge_conflict"


def _table_plan(con: Any, target: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """``([(table, run column or None)], [incompatibility messages])`` for shard global tables."""
    from consist.store.global_tables import GLOBAL_SCHEMA
    from consist.store.maintenance.health import classify_columns
    from consist.store.maintenance.transfer import catalog_columns, catalog_tables

    tables, problems = [], []
    for name in catalog_tables(con, _ALIAS, GLOBAL_SCHEMA):
        src = catalog_columns(con, _ALIAS, GLOBAL_SCHEMA, name)
        dst = catalog_columns(con, target, GLOBAL_SCHEMA, name)
        bad = [
            f"{c} {t} (target: {dst.get(c, 'missing')})"
            for c, t in src.items()
            if dst and dst.get(c) != t
        ]
        if bad:
            problems.append(f"global_tables.{name}: {', '.join(bad)}")
            continue
        column = {"run_scoped": "consist_run_id", "run_link": "run_id"}.get(classify_columns(src))
        tables.append((name, column))
    return tables, problems


def merge_shard(
    db_path: str | os.PathLike[str],
    shard_path: str | os.PathLike[str],
    *,
    conflict: str = "error",
    dry_run: bool = False,
    include_snapshots: bool = False,
    run_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Merge ``shard_path`` into ``db_path`` (see the module docstring); returns a report."""
    from consist.store.maintenance import transfer
    from consist.store.maintenance.files import current_catalog
    from consist.store.snapshots import SNAPSHOT_DIRNAME

    if conflict not in CONFLICT_POLICIES:
        raise ConfigError(
            f"Unknown --conflict policy {conflict!r}.",
            cause="It must be 'error' (abort on any conflict) or 'skip'.",
            fix="Pass --conflict error or --conflict skip.",
        )
    shard, db = Path(shard_path).resolve(), Path(db_path).resolve()
    require_shard(shard, db)
    if include_snapshots and run_dir is None:
        raise ConfigError(
            "--include-snapshots needs --run-dir.",
            cause="The shard's snapshots are copied into <run_dir>/consist_runs.",
            fix="Pass --run-dir of the run directory this database belongs to.",
        )
    release_in_process(shard)
    store = open_store(db)
    report: dict[str, Any] = {"shard": str(shard), "conflict": conflict, "dry_run": dry_run}
    warnings: list[str] = []
    with store.db.session() as con:
        transfer.attach(con, shard, _ALIAS, read_only=True)
        try:
            target = current_catalog(con)
            identical, colliding = transfer.run_collisions(con, _ALIAS, target)
            tables, problems = _table_plan(con, target)
            if conflict == "error" and (colliding or problems):
                raise MergeConflictError(
                    f"Merge aborted: {len(colliding)} run id collision(s) and "
                    f"{len(problems)} incompatible table(s); nothing was merged.",
                    cause="; ".join(
                        ([f"runs differ: {', '.join(colliding[:10])}"] if colliding else [])
                        + problems[:10]
                    ),
                    fix="Re-run with --conflict skip to merge everything else, or resolve "
                    "the differences first.",
                )
            warnings += [
                f"skipped run {r}: differs from the run with the same id" for r in colliding
            ]
            warnings += [f"skipped table {p}" for p in problems]
            skip = set(identical) | set(colliding)
            new_runs = [r for r in transfer.run_ids_in(con, _ALIAS) if r not in skip]
            report.update(merged_runs=new_runs, identical_runs=identical, skipped_runs=colliding)
            report["tables"] = {}
            if dry_run:
                for name, column in tables:
                    report["tables"][name] = transfer.global_rows_for_runs(
                        con, _ALIAS, name, column, new_runs if column else None
                    )
            else:
                with task(progress, "merging", 1 + len(tables)) as step:
                    with store.db.transaction():
                        report["rows"] = transfer.copy_runs(con, _ALIAS, target, new_runs)
                        step(1)
                        for name, column in tables:
                            report["tables"][name] = transfer.copy_global_rows(
                                con, _ALIAS, target, name, column=column, run_ids=new_runs
                            )
                            step(1)
        finally:
            transfer.detach(con, _ALIAS)
    if include_snapshots and not dry_run:
        report["snapshots"] = copy_snapshots(
            new_runs, [shard_snapshot_dir(shard)], Path(run_dir) / SNAPSHOT_DIRNAME
        )
    report["warnings"] = warnings
    return report
