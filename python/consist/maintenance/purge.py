"""``consist db purge``: delete runs and everything only they use, after a preview.

``plan_purge`` works out, without changing anything, what a purge removes:
the runs (and, unless ``children=False``, every run below them via
``parent_run_id``: a scenario header's steps; runs that merely read a purged
run's outputs are not children, and keep those outputs), their links and
facet rows, artifacts no remaining run uses, their JSON snapshots (in
``json_dir``, ``run_dir``, and with ``trust_db`` the run directory each run
recorded), and optionally ingested rows, unscoped cache rows and files.
``execute_purge`` carries out exactly that plan: all database deletes in one
transaction, then snapshots and files.

``prune_cache`` semantics (as the troubleshooting guide states them): it only
applies with ``delete_ingested_data``; it only applies where references are
derivable, i.e. ``run_link`` tables with ``run_id`` and ``content_hash``
columns; it assumes ``content_hash`` means the same thing in those tables and
in the ``unscoped_cache`` tables; a cache row is deleted when its
``content_hash`` was referenced by a purged run and by no remaining run.
Where references are not derivable it is a no-op, and the plan says why.

Example:
    >>> import tempfile, pathlib
    >>> from consist.maintenance.database import open_store
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "p.duckdb"
    >>> _ = open_store(db).count_runs()
    >>> plan_purge(db, ["missing"]).missing
    ['missing']
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, RunNotFoundError
from consist.maintenance.database import open_store
from consist.maintenance.locator import ArtifactLocator
from consist.maintenance.progress import Progress, task
from consist.models import Artifact

__all__ = ["UNSAFE_POLICIES", "PurgePlan", "execute_purge", "plan_purge"]

UNSAFE_POLICIES = ("fail", "skip")


@dataclass(slots=True)
class PurgePlan:
    """Everything a purge would remove (see the module docstring)."""

    db_path: str
    requested: list[str]
    run_ids: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    metadata: dict[str, int] = field(default_factory=dict)
    artifacts: list[Artifact] = field(default_factory=list)
    shared_outputs: list[tuple[str, str]] = field(default_factory=list)
    ingested: dict[str, tuple[str, int]] = field(default_factory=dict)  # table -> (column, rows)
    cache: dict[str, int] = field(default_factory=dict)
    cache_link_tables: list[str] = field(default_factory=list)
    cache_notes: list[str] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unsafe_files: list[tuple[str, str]] = field(default_factory=list)

    def require_found(self) -> None:
        """Raise ``RunNotFoundError`` if any requested run does not exist."""
        if self.missing:
            raise RunNotFoundError(
                f"No run with id {', '.join(map(repr, self.missing))}.",
                cause="purge only deletes runs recorded in this database.",
                fix="List runs with `consist runs --limit 50` and check the id.",
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "db_path": self.db_path,
            "requested": self.requested,
            "runs": self.run_ids,
            "missing": self.missing,
            "rows": self.metadata,
            "artifacts": [{"id": a.id, "key": a.key} for a in self.artifacts],
            "shared_outputs_kept": [{"id": i, "key": k} for i, k in self.shared_outputs],
            "ingested_rows": {t: n for t, (_, n) in self.ingested.items()},
            "cache_rows": self.cache,
            "cache_notes": self.cache_notes,
            "snapshots": self.snapshots,
            "files": self.files,
            "unsafe_files": [list(x) for x in self.unsafe_files],
        }


def _plan_ingested(con: Any, plan: PurgePlan, prune_cache: bool) -> None:
    from consist.store.maintenance import health
    from consist.store.maintenance import purge as sql

    tables = health.global_tables(con)
    for t in tables:
        column = {"run_scoped": "consist_run_id", "run_link": "run_id"}.get(t.kind)
        if column:
            plan.ingested[t.name] = (
                column,
                sql.ingested_row_count(con, t.name, column, plan.run_ids),
            )
    if not prune_cache:
        return
    links = [t.name for t in tables if t.kind == "run_link" and "content_hash" in t.columns]
    caches = [t for t in tables if t.kind == "unscoped_cache"]
    if not links:
        plan.cache_notes.append(
            "--prune-cache skipped: no run_link table with run_id + content_hash, "
            "so cache references are not derivable."
        )
        return
    plan.cache_link_tables = links
    for t in caches:
        if "content_hash" not in t.columns:
            plan.cache_notes.append(f"{t.name}: no content_hash column; not pruned.")
            continue
        plan.cache[t.name] = sql.cache_rows_to_prune(con, plan.run_ids, links, t.name)
    if not caches:
        plan.cache_notes.append("--prune-cache: no unscoped_cache tables to prune.")


def _snapshot_files(runs: Mapping[str, Any], json_dirs: list[Path], trust_db: bool) -> list[str]:
    from consist.store.snapshots import SNAPSHOT_DIRNAME, safe_run_id

    found = []
    for run_id, run in runs.items():
        dirs = list(json_dirs)
        # The run directory a run recorded is only used on request: in a copied
        # database it points at the original's snapshots.
        recorded = run.meta.get("_physical_run_dir") or run.meta.get("run_dir")
        if recorded and trust_db:
            dirs.append(Path(recorded) / SNAPSHOT_DIRNAME)
        for folder in dict.fromkeys(dirs):
            path = folder / f"{safe_run_id(run_id)}.json"
            if path.is_file() and str(path) not in found:
                found.append(str(path))
    return found


def _plan_files(con: Any, plan: PurgePlan, locator: ArtifactLocator, runs: Mapping, db: Path):
    from consist.store.maintenance import purge as sql

    roots = [locator.run_dir] if locator.run_dir else []
    roots += [Path(p).resolve() for p in locator.mounts.values()]
    shared = sql.remaining_uri_users(con, plan.run_ids, [a.container_uri for a in plan.artifacts])
    for art in plan.artifacts:
        path = locator.locate(art, runs.get(art.run_id))
        if path is None:
            continue
        resolved = path.resolve()
        if art.run_id not in plan.run_ids:
            continue  # an input from elsewhere: never a deletion candidate
        if art.container_uri in shared:
            reason = "another kept artifact points at the same location"
        elif not any(r == resolved or r in resolved.parents for r in roots):
            reason = "outside --run-dir and every --mount"
        elif resolved == db or db in resolved.parents or resolved in db.parents:
            reason = "contains or is the database file"
        else:
            plan.files.append(str(resolved))
            continue
        plan.unsafe_files.append((str(resolved), reason))


def plan_purge(
    db_path: str | os.PathLike[str],
    run_ids: list[str],
    *,
    children: bool = True,
    delete_ingested_data: bool = False,
    prune_cache: bool = False,
    delete_files: bool = False,
    json_dir: str | os.PathLike[str] | None = None,
    run_dir: str | os.PathLike[str] | None = None,
    mounts: Mapping[str, str] | None = None,
    trust_db: bool = False,
) -> PurgePlan:
    """Work out what ``execute_purge`` would delete; changes nothing."""
    from consist.store.maintenance import purge as sql
    from consist.store.runs import get_runs
    from consist.store.snapshots import SNAPSHOT_DIRNAME

    if prune_cache and not delete_ingested_data:
        raise ConfigError(
            "--prune-cache only applies together with --delete-ingested-data.",
            cause="Cache rows are pruned by the references the deleted ingested rows held.",
            fix="Add --delete-ingested-data, or drop --prune-cache.",
        )
    plan = PurgePlan(db_path=str(Path(db_path).resolve()), requested=list(run_ids))
    store = open_store(db_path)
    with store.db.session() as con:
        plan.run_ids = sql.descendant_run_ids(con, list(run_ids), children=children)
        existing = set(sql.descendant_run_ids(con, list(run_ids), children=False))
        plan.missing = [r for r in run_ids if r not in existing]
        plan.artifacts = sql.doomed_artifacts(con, plan.run_ids)
        ids = [a.id for a in plan.artifacts]
        plan.metadata = sql.metadata_counts(con, plan.run_ids, ids)
        plan.shared_outputs = sql.shared_outputs(con, plan.run_ids)
        if delete_ingested_data:
            _plan_ingested(con, plan, prune_cache)
        runs = get_runs(con, plan.run_ids)
        dirs = [Path(json_dir)] if json_dir else []
        if run_dir:
            dirs.append(Path(run_dir) / SNAPSHOT_DIRNAME)
        plan.snapshots = _snapshot_files(runs, dirs, trust_db)
        if delete_files:
            locator = ArtifactLocator(run_dir, mounts, trust_db=trust_db)
            _plan_files(con, plan, locator, runs, Path(plan.db_path))
    return plan


def execute_purge(
    plan: PurgePlan,
    *,
    unsafe_delete_targets: str = "fail",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Carry out ``plan``; returns what was deleted. Nothing changes if the database step fails."""
    from consist.store.maintenance import purge as sql

    plan.require_found()
    if unsafe_delete_targets not in UNSAFE_POLICIES:
        raise ConfigError(
            f"Unknown --unsafe-delete-targets {unsafe_delete_targets!r}.",
            cause="It must be 'fail' or 'skip'.",
            fix="Pass --unsafe-delete-targets fail (default) or skip.",
        )
    if plan.unsafe_files and unsafe_delete_targets == "fail":
        path, reason = plan.unsafe_files[0]
        raise ConfigError(
            f"Refusing to delete {len(plan.unsafe_files)} file(s), e.g. {path}: {reason}.",
            cause="--delete-files only removes files inside --run-dir or a --mount that no "
            "remaining run uses.",
            fix="Check the paths with --dry-run, pass the right --run-dir/--mount, or "
            "--unsafe-delete-targets skip to leave those files alone.",
        )
    store = open_store(plan.db_path)
    total = 1 + len(plan.ingested) + len(plan.cache) + len(plan.snapshots) + len(plan.files)
    result: dict[str, Any] = {"runs": plan.run_ids, "ingested_rows": {}, "cache_rows": {}}
    with task(progress, "purging", total) as step:
        with store.db.transaction() as con:
            for table, _ in plan.cache.items():
                n = sql.delete_cache_rows(con, plan.run_ids, plan.cache_link_tables, table)
                result["cache_rows"][table] = n
                step(1)
            for table, (column, _) in plan.ingested.items():
                result["ingested_rows"][table] = sql.delete_ingested_rows(
                    con, table, column, plan.run_ids
                )
                step(1)
            result["rows"] = sql.delete_metadata(con, plan.run_ids, [a.id for a in plan.artifacts])
            step(1)
        result["snapshots"] = []
        for path in plan.snapshots:
            Path(path).unlink(missing_ok=True)
            result["snapshots"].append(path)
            step(1)
        result["files"] = []
        for path in plan.files:
            target = Path(path)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
            result["files"].append(path)
            step(1)
    result["skipped_files"] = [list(x) for x in plan.unsafe_files]
    return result
