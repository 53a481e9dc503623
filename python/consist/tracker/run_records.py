"""Writing one run's records: the "running" row at start, snapshot + rows at the end.

A finished run is recorded JSON snapshot first, then database (one
transaction: run row, new artifacts, links, facet), so the database can be
rebuilt from snapshots. ``consist.tracker.lifecycle`` decides when; this
module decides what is written.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from consist.models import ConsistRecord, utc_now
from consist.tracker.state import ActiveRun

if TYPE_CHECKING:
    from consist.tracker.tracker import Tracker

__all__ = ["record_end", "record_start", "replaces_existing_run"]

logger = logging.getLogger("consist")


def replaces_existing_run(tracker: Tracker, run_id: str) -> bool:
    # Consist 0.3 lets a script re-run with the same run ids (e.g. start_run("ingest")):
    # the new run replaces the earlier record. A stat of the snapshot path keeps the
    # common case (a new id) free of queries.
    from consist.store.snapshots import snapshot_path

    if not snapshot_path(tracker.run_dir, run_id).exists():
        return False
    store = tracker._store_or_none()
    if store is not None and store.get_run(run_id) is None:
        return False
    logger.info("[consist] run id %r already exists; its record will be replaced", run_id)
    return True


def _write_run_row(tracker: Tracker, state: ActiveRun, con: Any) -> list[Any]:
    from consist.store import runs as run_rows
    from consist.store.maintenance.purge import delete_metadata

    if state.replaces_existing:
        delete_metadata(con, [state.run.id], [])  # the old row, links and facets; not artifacts
        state.replaces_existing = False
    return run_rows.insert_run(con, state.run)


def record_start(tracker: Tracker, state: ActiveRun) -> None:
    """Write the "running" row (once; nothing in readonly mode).

    The JSON snapshot is written when the run ends: a run that never ends
    leaves only this row, which cache lookups ignore and ``db doctor`` reports.
    """
    if state.start_recorded or not state.policy.persist:
        return
    store = tracker._store_or_none()
    if store is not None:
        with store.transaction() as con:
            written = _write_run_row(tracker, state, con)
        state.written_row = written  # committed: the end updates only what changed
    state.start_recorded = True


def record_end(tracker: Tracker, state: ActiveRun) -> None:
    """Snapshot, then one transaction: run row, artifacts not stored yet, links."""
    from consist.store import artifacts as artifact_rows
    from consist.store import facets as facet_rows
    from consist.store import runs as run_rows

    # Stamped before the snapshot, so a database rebuilt from snapshots is identical.
    state.run.updated_at = utc_now()
    store = tracker._store_or_none()
    # Durability (docs/persistence.md): with a database, the commit below is durable,
    # so the snapshot's directory fsync is batched, and a hit's content fsync too.
    sync = "full" if store is None else ("batched" if state.cache_hit else "file")
    tracker._write_snapshot(_snapshot_record(state), sync=sync)
    run, memory = state.run, tracker._memory
    for artifact in state.inputs.values():
        if artifact.run_id is None:
            memory.remember_raw_input(artifact)
    if store is None:
        return
    # Cached outputs and known inputs are already stored: only link them.
    new_inputs = [a for a in state.inputs.values() if not memory.is_stored(a.id)]
    new_outputs = [a for a in state.outputs.values() if not memory.is_stored(a.id)]
    links = [(a.id, "input", key) for key, a in state.inputs.items()]
    links += [(a.id, "output", key) for key, a in state.outputs.items()]
    with store.transaction() as con:
        if state.start_recorded:
            run_rows.update_run(con, run, written=state.written_row)
        else:
            _write_run_row(tracker, state, con)
        # An input row may carry newer meta (e.g. ingestion flags): never overwrite it.
        minted = [a for a in new_outputs if a.id in state.minted_ids]
        artifact_rows.write_artifacts(
            con,
            new=minted,
            replace=[a for a in new_outputs if a.id not in state.minted_ids],
            keep=new_inputs,
        )
        # The run's row is new (or was replaced with its links), so its links are too:
        # a plain INSERT, the cheapest statement.
        artifact_rows.link_many(con, run.id, links, on_conflict="error")
        if state.facet:
            facet_rows.record_facet(
                con, run.id, state.facet, namespace=run.model_name, new_run=True
            )
    memory.mark_stored(a.id for a in (*new_inputs, *new_outputs))


def _snapshot_record(state: ActiveRun) -> ConsistRecord:
    return ConsistRecord(
        run=state.run,
        inputs=list(state.inputs.values()),
        outputs=list(state.outputs.values()),
        cached_run=state.cached_run,
        config=state.config,
        facet=state.facet,
    )
