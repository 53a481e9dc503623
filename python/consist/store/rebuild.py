"""Rebuild database rows from the per-run JSON snapshots (``consist db rebuild``).

``minimal`` restores runs, artifacts and run-artifact links; ``full`` also
restores each run's facet. ``stage`` and ``phase`` go into the run columns
when a snapshot only has them in ``run.meta`` (older snapshots); the meta
values stay as they were. ``updated_at`` comes from the snapshot (the tracker
stamps it before writing one); snapshots without it get the run's
``ended_at`` (else ``created_at``). ``progress(done, total)`` is called once
before the first run is restored and after each one. Everything happens in one transaction: a failure
leaves the database as it was. Corrupt snapshots are skipped and reported.

Example:
    >>> import tempfile, pathlib
    >>> from consist.models import ConsistRecord, Run
    >>> from consist.store import MetadataStore
    >>> from consist.store.snapshots import write_snapshot
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_snapshot(tmp, ConsistRecord(run=Run(id="r1", model_name="m", meta={"stage": "s"})))
    >>> store = MetadataStore.open(tmp / "provenance.duckdb")
    >>> rebuild_from_snapshots(store.db, tmp / "consist_runs").runs
    1
    >>> store.get_run("r1").stage
    's'
    >>> store.db.close()
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from consist.errors import ConfigError
from consist.models import ConsistRecord
from consist.store import artifacts as artifact_sql
from consist.store import facets as facet_sql
from consist.store import runs as run_sql
from consist.store.connection import Database
from consist.store.snapshots import iter_snapshots

__all__ = ["REBUILD_MODES", "RebuildReport", "rebuild_from_snapshots"]

REBUILD_MODES = ("minimal", "full")


@dataclass(slots=True)
class RebuildReport:
    """What a rebuild restored (or would restore, for a dry run) and what it skipped.

    Example:
        >>> RebuildReport(mode="minimal").to_dict()["skipped"]
        []
    """

    mode: str
    dry_run: bool = False
    snapshots: int = 0
    runs: int = 0
    artifacts: int = 0
    links: int = 0
    facets: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (``skipped`` as ``[path, reason]`` pairs)."""
        data = asdict(self)
        data["skipped"] = [list(item) for item in self.skipped]
        return data


def _restore_stage_phase(record: ConsistRecord) -> None:
    run = record.run
    if run.updated_at is None:  # snapshots written before updated_at was stamped first
        run.updated_at = run.ended_at or run.created_at
    if run.stage is None and isinstance(run.meta.get("stage"), str):
        run.stage = run.meta["stage"]
    if run.phase is None and isinstance(run.meta.get("phase"), str):
        run.phase = run.meta["phase"]


def _restore_one(con: Any, record: ConsistRecord, mode: str, report: RebuildReport) -> None:
    run = record.run
    run_sql.upsert_run(con, run)
    report.runs += 1
    groups = (("input", record.inputs), ("output", record.outputs))
    for direction, artifacts in groups:
        artifact_sql.insert_artifacts(con, artifacts)
        artifact_sql.link_many(con, run.id, [(a.id, direction, a.key) for a in artifacts])
        report.artifacts += len(artifacts)
        report.links += len(artifacts)
    if mode == "full" and record.facet:
        facet_sql.record_facet(
            con,
            run.id,
            record.facet,
            namespace=run.meta.get("config_facet_namespace") or run.model_name,
            schema_name=run.meta.get("config_facet_schema"),
            schema_version=run.meta.get("config_facet_schema_version"),
            created_at=run.created_at,
        )
        report.facets += 1


def rebuild_from_snapshots(
    db: Database,
    json_dir: str | os.PathLike[str],
    *,
    mode: str = "minimal",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RebuildReport:
    """Upsert the runs, artifacts and links (and facets in ``full`` mode) found in ``json_dir``.

    Snapshots are applied oldest run first, so the newest copy of an artifact
    that several snapshots mention wins. ``progress(done, total)`` reports
    runs restored (or counted, for a dry run) out of the snapshots read.
    """
    if mode not in REBUILD_MODES:
        raise ConfigError(
            f"Unknown rebuild mode {mode!r}.",
            cause="mode must be 'minimal' (runs, artifacts, links) or 'full' (also facets).",
            fix="Pass --mode minimal or --mode full.",
        )
    json_dir = Path(json_dir)
    if not json_dir.is_dir():
        raise ConfigError(
            f"Snapshot directory not found: {json_dir}",
            cause="rebuild reads <run_dir>/consist_runs/*.json.",
            fix="Pass --json-dir pointing at a consist_runs directory, e.g. ./runs/consist_runs.",
        )
    report = RebuildReport(mode=mode, dry_run=dry_run)
    records: list[ConsistRecord] = []
    for _path, record in iter_snapshots(
        json_dir, on_error=lambda path, exc: report.skipped.append((str(path), str(exc)))
    ):
        _restore_stage_phase(record)
        records.append(record)
    report.snapshots = len(records)
    records.sort(key=lambda record: (record.run.created_at, record.run.id))
    total = len(records)
    if progress is not None:
        progress(0, total)
    if dry_run:
        for done, record in enumerate(records, start=1):
            report.runs += 1
            count = len(record.inputs) + len(record.outputs)
            report.artifacts += count
            report.links += count
            report.facets += int(mode == "full" and bool(record.facet))
            if progress is not None:
                progress(done, total)
        return report
    with db.transaction() as con:
        for done, record in enumerate(records, start=1):
            _restore_one(con, record, mode, report)
            if progress is not None:
                progress(done, total)
    return report
