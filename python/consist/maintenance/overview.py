"""``consist db inspect``: what is in a database, at a glance (read-only).

Totals per table, runs by status, orphaned artifacts, runs still marked
running, ingested tables with their class and size, file and WAL size, and,
when the JSON snapshot folder is known, whether snapshots and database agree
(parity).

Example:
    >>> import tempfile, pathlib
    >>> report = inspect_database(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
    >>> report["totals"]["run"]
    0
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from consist.maintenance.database import open_store, probe_file

__all__ = ["inspect_database", "snapshot_parity"]


def snapshot_parity(json_dir: Path, db_run_ids: set[str]) -> dict[str, Any]:
    """Compare snapshot files with database runs by (file-safe) run id.

    Example:
        >>> snapshot_parity(Path("/nonexistent"), {"r1"})["snapshots"]
        0
    """
    from consist.store.snapshots import safe_run_id

    files = {p.stem for p in json_dir.glob("*.json")} if json_dir.is_dir() else set()
    db_safe = {safe_run_id(run_id): run_id for run_id in db_run_ids}
    missing_json = sorted(db_safe[s] for s in set(db_safe) - files)
    missing_db = sorted(files - set(db_safe))
    return {
        "json_dir": str(json_dir),
        "snapshots": len(files),
        "in_db_without_snapshot": missing_json,
        "snapshot_without_db_row": missing_db,
        "in_parity": not missing_json and not missing_db,
    }


def inspect_database(
    db_path: str | os.PathLike[str], *, json_dir: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """A JSON-ready summary of the database at ``db_path`` (see the module docstring)."""
    from consist.store.maintenance import health

    probe = probe_file(db_path)
    store = open_store(db_path, read_only=probe.exists)
    with store.db.session() as con:
        totals = health.table_row_counts(con)
        statuses = health.runs_by_status(con)
        violations = health.invariant_violations(con, limit=20)
        tables = health.global_tables(con)
        version = health.schema_version(con)
        run_ids = health.all_run_ids(con)
    report: dict[str, Any] = {
        "db_path": str(Path(db_path).resolve()),
        "db_size_mb": round(probe.size / 1e6, 3),
        "wal_size_bytes": probe.wal_size,
        "schema_version": version,
        "totals": totals,
        "runs_by_status": statuses,
        "orphaned_artifacts": violations["unlinked_artifacts"][0],
        "zombie_runs": violations["zombie_runs"][0],
        "running_runs": [row[0] for row in violations["running_runs"][1]],
        "global_tables": [
            {"table": t.name, "kind": t.kind, "rows": t.rows, "columns": len(t.columns)}
            for t in tables
        ],
    }
    if json_dir is not None:
        report["json_snapshots"] = snapshot_parity(Path(json_dir), run_ids)
    return report
