"""What a scenario header records: its start row, and a ledger of its steps.

The header's "running" row is written when the scenario opens. A scenario
re-run under the same name replaces the earlier header row (its id is the
scenario name), as in Consist 0.3. The ledger collects one summary per step
(``meta["steps"]``), the step outputs (linked to the header as outputs) and
the inputs that came from outside the scenario (linked as inputs).

Example:
    >>> ledger = StepLedger()
    >>> ledger.steps, ledger.failed_step
    ([], None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["StepLedger", "record_header_start"]


def record_header_start(tracker: Any, state: Any) -> None:
    """Write the header's "running" row, replacing an earlier header of the same id.

    The earlier header's links and facet rows go with it, so the new header
    links only what this run of the scenario produced.
    """
    store = tracker.metadata_store
    if store is not None:
        from consist.store import runs as run_rows
        from consist.store.maintenance.purge import delete_metadata

        with store.transaction() as con:
            if run_rows.get_run(con, state.run.id) is not None:
                delete_metadata(con, [state.run.id], [])
            run_rows.insert_run(con, state.run)
    state.start_recorded = True


class StepLedger:
    """Summaries, outputs and external inputs of a scenario's steps, in order."""

    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []
        self.failed_step: str | None = None
        self.outputs: dict[str, Any] = {}
        self.inputs: dict[str, Any] = {}
        self._produced: set[str] = set()

    def completed(
        self, run: Any, outputs: Mapping[str, Any], cache_hit: bool, inputs: Mapping[str, Any]
    ) -> None:
        """Record a finished step (executed or a cache hit)."""
        self.steps.append(_summary(run, inputs, outputs, cache_hit))
        for key, artifact in outputs.items():
            self.outputs[key] = artifact
            self._produced.add(artifact.id)
        step = run.model_name
        for key, artifact in inputs.items():
            if artifact.id in self._produced:
                continue  # an intermediate: produced by an earlier step
            known = self.inputs.get(key)
            name = key if known is None or known.id == artifact.id else f"{step}/{key}"
            self.inputs[name] = artifact

    def failed(self, name: str | None, run_id: str | None, last_run: Any) -> None:
        """Record the step that raised (its run summary when the run was recorded)."""
        self.failed_step = name
        if last_run is not None and run_id is not None and last_run.id == run_id:
            self.steps.append(_summary(last_run, {}, {}, False))

    def merge_into(self, state: Any) -> None:
        """Add the ledger to the header's open state before it is recorded."""
        for key, artifact in self.outputs.items():
            state.outputs.setdefault(key, artifact)
        known = {a.id for a in state.inputs.values()}
        for key, artifact in self.inputs.items():
            if artifact.id not in known:  # one link per artifact: the header's own key wins
                state.inputs.setdefault(key, artifact)
        state.run.meta["steps"] = list(self.steps)


def _summary(
    run: Any, inputs: Mapping[str, Any], outputs: Mapping[str, Any], cache_hit: bool
) -> dict[str, Any]:
    return {
        "id": run.id,
        "model": run.model_name,
        "status": run.status,
        "description": run.description,
        "cache_hit": bool(cache_hit),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "ended_at": run.ended_at.isoformat() if run.ended_at else None,
        "duration_seconds": run.duration_seconds,
        "inputs": {a.id: key for key, a in inputs.items()},
        "outputs": {a.id: key for key, a in outputs.items()},
    }
