"""``consist db doctor``: read-only checks, each reported as ok, info, warning or error.

Checks: the file itself (exists, DuckDB header, opens, every metadata block
reads back with valid checksums), schema version, runs stuck in ``running``,
runs finished without an end time, dangling parent ids, links to missing
runs or artifacts, artifacts whose producing run is gone, artifacts no run
uses, ingested rows of runs that no longer exist, artifact files missing on
disk, ingested tables missing provenance columns (schema drift), the WAL,
and the size of every table. A damaged file is one clear
finding, never a traceback. ``report.healthy`` is False when any check is an
error.

Example:
    >>> import tempfile, pathlib
    >>> report = run_doctor(pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
    >>> report.healthy
    False
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from consist.maintenance.database import DatabaseDamagedError, open_store, probe_file
from consist.maintenance.locator import ArtifactLocator
from consist.maintenance.progress import Progress, task

__all__ = ["DoctorReport", "Finding", "run_doctor"]

SEVERITIES = ("ok", "info", "warning", "error")
_INVARIANT_SEVERITY = {
    "zombie_runs": ("error", "consist db fix-status RUN_ID failed --reason '...'"),
    "running_runs": ("warning", "if no workflow is running: consist db fix-status RUN_ID failed"),
    "unfinished_runs": ("warning", "consist db fix-status RUN_ID <status> sets an end time"),
    "dangling_parents": ("warning", "harmless for caching; merge the parent's shard to restore it"),
    "orphaned_links": ("error", "consist db rebuild --json-dir <run_dir>/consist_runs"),
    "artifacts_without_producer": ("info", "kept because other runs still use them"),
    "unlinked_artifacts": ("info", "consist db purge of their runs removes such rows"),
}


@dataclass(slots=True)
class Finding:
    """One check's outcome."""

    check: str
    severity: str
    message: str
    count: int = 0
    sample: list[Any] = field(default_factory=list)
    fix: str | None = None


@dataclass(slots=True)
class DoctorReport:
    """All findings plus the table sizes."""

    db_path: str
    findings: list[Finding] = field(default_factory=list)
    table_sizes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def add(self, check: str, severity: str, message: str, **extra: Any) -> None:
        self.findings.append(Finding(check, severity, message, **extra))

    def to_dict(self) -> dict[str, Any]:
        return {
            "db_path": self.db_path,
            "healthy": self.healthy,
            "findings": [asdict(f) for f in self.findings],
            "table_sizes": self.table_sizes,
        }


def _check_file(report: DoctorReport, db_path: Path) -> bool:
    probe = probe_file(db_path)
    if not probe.exists:
        report.add(
            "file",
            "error",
            f"No database file at {db_path}",
            fix="check --db-path / CONSIST_DB",
        )
        return False
    if probe.wal_exists:
        report.add(
            "wal",
            "info",
            f"A write-ahead log of {probe.wal_size} bytes is present (a writer is active or "
            "did not checkpoint; DuckDB replays it on the next open).",
            count=probe.wal_size,
        )
    else:
        report.add("wal", "ok", "No pending write-ahead log.")
    if probe.size and not probe.header_ok:
        from consist.maintenance.database import damaged

        err = damaged(db_path, OSError("the file does not start with a DuckDB header"))
        report.add("file", "error", err.problem, fix=err.fix, sample=[err.cause])
        return False
    report.add("header", "ok", f"{probe.size} bytes, DuckDB header present.")
    return True


def _check_contents(report: DoctorReport, con: Any) -> None:
    from consist.store.maintenance import health
    from consist.store.schema import SCHEMA_VERSION

    version = health.schema_version(con)
    if version is None:
        report.add(
            "schema_version",
            "warning",
            "No consist_schema_version table (written by Consist 0.3 or another tool).",
        )
    elif version > SCHEMA_VERSION:
        report.add(
            "schema_version",
            "error",
            f"Schema version {version} is newer than supported ({SCHEMA_VERSION}).",
            fix="upgrade consist",
        )
    else:
        report.add("schema_version", "ok", f"Schema version {version}.")
    rows = health.read_every_row(con)
    report.add("integrity", "ok", f"Read back {sum(rows.values())} metadata rows.")
    for name, (count, sample) in health.invariant_violations(con).items():
        meaning = health.INVARIANT_CHECKS[name][1]
        if not count:
            report.add(name, "ok", f"No {meaning}.")
            continue
        severity, fix = _INVARIANT_SEVERITY[name]
        sample_rows = [list(r) for r in sample]
        report.add(name, severity, f"{count} {meaning}.", count=count, sample=sample_rows, fix=fix)
    _check_ingested(report, con, health)
    report.table_sizes = health.table_sizes(con)


def _check_ingested(report: DoctorReport, con: Any, health: Any) -> None:
    drift = health.provenance_drift(con)
    if drift:
        report.add(
            "global_table_schema",
            "warning",
            f"{len(drift)} ingested table(s) lack provenance columns.",
            count=len(drift),
            sample=sorted(drift.items()),
            fix="re-ingest those tables with consist (it adds consist_run_id, "
            "consist_artifact_id, consist_year, consist_iteration)",
        )
    else:
        report.add("global_table_schema", "ok", "Ingested tables carry their provenance columns.")
    orphans = health.orphaned_ingested_rows(con)
    if orphans:
        report.add(
            "orphaned_ingested_rows",
            "warning",
            f"{sum(orphans.values())} ingested rows belong to runs that no longer exist.",
            count=sum(orphans.values()),
            sample=sorted(orphans.items()),
            fix="purge with --delete-ingested-data next time; these rows can be deleted by hand",
        )
    else:
        report.add("orphaned_ingested_rows", "ok", "Every ingested row belongs to a known run.")


def _check_files(
    report: DoctorReport, con: Any, locator: ArtifactLocator, progress: Progress | None
) -> None:
    from consist.models import Artifact
    from consist.store.maintenance.health import artifact_locations
    from consist.store.rows import load_json
    from consist.store.runs import get_runs

    rows = artifact_locations(con)
    runs = get_runs(con, {r[3] for r in rows if r[3]})
    missing, unresolved = [], []
    with task(progress, "checking artifact files", len(rows)) as step:
        for art_id, key, uri, run_id, meta, _hash in rows:
            meta = meta if isinstance(meta, dict) else load_json(meta)
            artifact = Artifact(id=art_id, key=key, container_uri=uri, run_id=run_id, meta=meta)
            candidates = locator.candidates(artifact, runs.get(run_id))
            if not candidates:
                unresolved.append([art_id, key, uri])
            elif not any(path.exists() for path in candidates):
                missing.append([art_id, key, uri])
            step(1)
    if unresolved:
        report.add(
            "unresolved_files",
            "info",
            f"{len(unresolved)} artifact URIs need --run-dir or --mount to be checked.",
            count=len(unresolved),
            sample=unresolved[:50],
            fix="pass --run-dir (and --mount NAME=PATH), or --trust-db",
        )
    if missing:
        report.add(
            "missing_files",
            "warning",
            f"{len(missing)} of {len(rows)} artifact files were not found on disk.",
            count=len(missing),
            sample=missing[:50],
            fix="pass --run-dir / --mount (or --trust-db) if they live elsewhere; "
            "consist validate --fix marks them missing_on_disk",
        )
    else:
        checked = len(rows) - len(unresolved)
        report.add("missing_files", "ok", f"All {checked} locatable artifact files found.")


def run_doctor(
    db_path: str | os.PathLike[str],
    *,
    run_dir: str | os.PathLike[str] | None = None,
    mounts: Mapping[str, str] | None = None,
    trust_db: bool = False,
    check_files: bool = True,
    progress: Progress | None = None,
) -> DoctorReport:
    """Run every check on ``db_path`` without changing it (see the module docstring)."""
    path = Path(db_path)
    report = DoctorReport(db_path=str(path))
    if not _check_file(report, path):
        return report
    try:
        store = open_store(path, read_only=True)
        with store.db.session() as con:
            _check_contents(report, con)
            if check_files:
                locator = ArtifactLocator(run_dir, mounts, trust_db=trust_db)
                _check_files(report, con, locator, progress)
    except DatabaseDamagedError as exc:
        report.add("file", "error", exc.problem, fix=exc.fix, sample=[exc.cause])
    except Exception as exc:
        from consist.maintenance.database import damaged, is_damage

        if not is_damage(exc):
            raise
        err = damaged(path, exc)
        report.add("integrity", "error", err.problem, fix=err.fix, sample=[err.cause])
    return report
