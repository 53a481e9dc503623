"""``consist db fix-status RUN_ID STATUS``: correct a run's recorded status by hand.

Typical use: a process was killed, so its run stays ``running`` forever;
mark it ``failed``. The reason goes into ``meta["status_fix_reason"]`` (with
the previous status and the time of the fix), finished statuses get an end
time if they lack one, and going back to ``running`` needs ``force`` (a
running run is never a cache hit, so this is rarely what you want). The
run's JSON snapshot in ``json_dir`` (the CLI's ``--run-dir``/consist_runs) is
updated too, so a later ``db rebuild`` keeps the fix.

Example:
    >>> import tempfile, pathlib
    >>> from consist.maintenance.database import open_store
    >>> from consist.models import Run
    >>> d = pathlib.Path(tempfile.mkdtemp()); store = open_store(d / "p.duckdb")
    >>> store.insert_run(Run(id="r1", model_name="m"))
    >>> fix_status(d / "p.duckdb", "r1", "failed", reason="killed")["status"]
    'failed'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, RunNotFoundError
from consist.maintenance.database import open_store
from consist.models import utc_now

__all__ = ["FIXABLE_STATUSES", "fix_status"]

FIXABLE_STATUSES = ("running", "completed", "failed")


def _snapshot_for(run: Any, json_dirs: list[Path]) -> Path | None:
    from consist.store.snapshots import safe_run_id

    for folder in json_dirs:
        path = folder / f"{safe_run_id(run.id)}.json"
        if path.is_file():
            return path
    return None


def fix_status(
    db_path: str | os.PathLike[str],
    run_id: str,
    status: str,
    *,
    reason: str | None = None,
    force: bool = False,
    json_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Set ``run_id``'s status (see the module docstring); returns before/after."""
    from consist.store.snapshots import atomic_write_text, read_snapshot

    if status not in FIXABLE_STATUSES:
        raise ConfigError(
            f"Unknown status {status!r}.",
            cause=f"fix-status sets one of: {', '.join(FIXABLE_STATUSES)}.",
            fix="Pass running, completed or failed.",
        )
    store = open_store(db_path)
    run = store.get_run(run_id)
    if run is None:
        raise RunNotFoundError(
            f"No run with id {run_id!r}.",
            cause="fix-status edits a run recorded in this database.",
            fix="List runs with `consist runs --limit 50` and check the id.",
        )
    previous = run.status
    if status == "running" and previous != "running" and not force:
        raise ConfigError(
            f"Refusing to set run {run_id!r} back to running without --force.",
            cause=f"It is {previous}; a running run never serves cache hits.",
            fix="Add --force if you really mean it.",
        )
    run.status = status
    run.ended_at = None if status == "running" else (run.ended_at or utc_now())
    run.meta.update(
        status_fix_reason=reason or f"set from {previous} to {status} by consist db fix-status",
        status_fix_previous=previous,
        status_fixed_at=utc_now().isoformat(),
    )
    snapshot = _snapshot_for(run, [Path(json_dir)] if json_dir else [])
    store.update_run(run)
    if snapshot is not None:
        record = read_snapshot(snapshot)
        record.run = run
        atomic_write_text(snapshot, json.dumps(record.to_dict(), indent=2, ensure_ascii=False))
    return {
        "run_id": run_id,
        "previous": previous,
        "status": status,
        "reason": run.meta["status_fix_reason"],
        "snapshot": None if snapshot is None else str(snapshot),
    }
