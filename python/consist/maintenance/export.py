"""``consist db export RUN_ID...``: write selected runs into a new shard database.

The shard gets the runs (and, unless ``children=False``, every run below
them), their links, artifacts and facets; with ``include_data`` also their
ingested rows (``run_scoped`` and ``run_link`` tables; ``unscoped_cache``
tables are shared across runs and skipped); with ``include_snapshots`` their
JSON snapshots in ``<stem>_consist_runs/`` next to the shard. The shard is
written under a temporary name and renamed when complete; an existing file
is never overwritten.

Example:
    >>> import tempfile, pathlib
    >>> from consist.maintenance.database import open_store
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> open_store(d / "p.duckdb").count_runs()
    0
    >>> export_runs(d / "p.duckdb", ["r1"], d / "shard.duckdb", dry_run=True)["missing"]
    ['r1']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, RunNotFoundError
from consist.maintenance.database import open_store, wal_path
from consist.maintenance.progress import Progress, task
from consist.maintenance.shards import copy_snapshots, shard_snapshot_dir

__all__ = ["export_runs"]

_ALIAS = "consist_export_shard"


def export_runs(
    db_path: str | os.PathLike[str],
    run_ids: list[str],
    out: str | os.PathLike[str],
    *,
    children: bool = True,
    include_data: bool = False,
    include_snapshots: bool = False,
    dry_run: bool = False,
    json_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Export runs to the shard ``out`` (see the module docstring); returns a report."""
    from consist.store.maintenance import health, transfer
    from consist.store.maintenance.files import checkpoint, current_catalog
    from consist.store.maintenance.purge import descendant_run_ids

    dest = Path(out).expanduser().resolve()
    if dest.exists() and not dry_run:
        raise ConfigError(
            f"Export destination already exists: {dest}",
            cause="export never overwrites a file.",
            fix="Choose a new --out path, or move the old shard away.",
        )
    store = open_store(db_path)
    report: dict[str, Any] = {"out": str(dest), "dry_run": dry_run, "tables": {}}
    with store.db.session() as con:
        selected = descendant_run_ids(con, list(run_ids), children=children)
        found = set(descendant_run_ids(con, list(run_ids), children=False))
        report["missing"] = [r for r in run_ids if r not in found]
        report["runs"] = selected
        tables = [
            (t.name, {"run_scoped": "consist_run_id", "run_link": "run_id"}.get(t.kind))
            for t in (health.global_tables(con) if include_data else [])
        ]
        tables = [(name, column) for name, column in tables if column]
        if dry_run:
            for name, column in tables:
                report["tables"][name] = transfer.global_rows_for_runs(
                    con, current_catalog(con), name, column, selected
                )
            return report
        if report["missing"]:
            raise RunNotFoundError(
                f"No run with id {', '.join(map(repr, report['missing']))}.",
                cause="export copies runs recorded in this database.",
                fix="List runs with `consist runs --limit 50` and check the ids.",
            )
        source = current_catalog(con)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            transfer.attach(con, tmp, _ALIAS, read_only=False)
            try:
                transfer.create_schema_in(con, _ALIAS)
                with task(progress, "exporting", 1 + len(tables)) as step:
                    with store.db.transaction():
                        report["rows"] = transfer.copy_runs(con, source, _ALIAS, selected)
                        step(1)
                        for name, column in tables:
                            report["tables"][name] = transfer.copy_global_rows(
                                con, source, _ALIAS, name, column=column, run_ids=selected
                            )
                            step(1)
                checkpoint(con, _ALIAS)
            finally:
                transfer.detach(con, _ALIAS)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
            wal_path(tmp).unlink(missing_ok=True)
    if include_snapshots:
        from consist.store.snapshots import SNAPSHOT_DIRNAME

        sources = [Path(json_dir)] if json_dir else []
        runs = store.get_runs(selected)
        for run in runs.values():
            recorded = run.meta.get("_physical_run_dir") or run.meta.get("run_dir")
            if recorded:
                sources.append(Path(recorded) / SNAPSHOT_DIRNAME)
        report["snapshots"] = copy_snapshots(
            selected, list(dict.fromkeys(sources)), shard_snapshot_dir(dest)
        )
    return report
