"""OpenLineage run events (``Tracker(openlineage_enabled=True)``).

Each run start, completion and failure appends one JSON line to
``<run_dir>/openlineage.jsonl`` in the OpenLineage ``RunEvent`` shape
(``eventType`` START/COMPLETE/FAIL, ``run.runId``, ``job.namespace``/``name``,
``inputs``/``outputs`` datasets named by artifact URI). The namespace defaults
to the project root's folder name.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from consist.models import Artifact, Run, utc_now

if TYPE_CHECKING:
    from consist.tracker.tracker import Tracker

__all__ = ["OpenLineageEmitter"]

PRODUCER = "https://github.com/consist/consist"
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent"
EVENTS_FILENAME = "openlineage.jsonl"


class OpenLineageEmitter:
    """Writes OpenLineage events for one tracker's runs.

    Example:
        >>> tracker = Tracker("./runs", openlineage_enabled=True)  # doctest: +SKIP
    """

    def __init__(self, tracker: Tracker, *, namespace: str | None = None) -> None:
        self.tracker = tracker
        self.namespace = namespace or tracker.project_root.name or "consist"
        self.path = tracker.run_dir / EVENTS_FILENAME
        self._lock = threading.Lock()

    def register(self) -> None:
        """Attach the emitter to the tracker's lifecycle hooks."""
        self.tracker.on_run_start(lambda run: self.emit("START", run))
        self.tracker.on_run_complete(lambda run, outputs: self.emit("COMPLETE", run, outputs))
        self.tracker.on_run_failed(lambda run, error: self.emit("FAIL", run, error=error))

    def emit(
        self,
        event_type: str,
        run: Run,
        outputs: list[Artifact] | None = None,
        *,
        error: BaseException | None = None,
    ) -> None:
        """Append one event line."""
        active = self.tracker._active
        inputs = list(active.inputs.values()) if active is not None else []
        run_facets: dict[str, Any] = {}
        if error is not None:
            run_facets["errorMessage"] = {"message": str(error), "programmingLanguage": "python"}
        event = {
            "eventType": event_type,
            "eventTime": utc_now().isoformat(),
            "producer": PRODUCER,
            "schemaURL": SCHEMA_URL,
            "run": {"runId": run.id, "facets": run_facets},
            "job": {"namespace": self.namespace, "name": run.model_name},
            "inputs": [_dataset(self.namespace, a) for a in inputs],
            "outputs": [_dataset(self.namespace, a) for a in outputs or []],
        }
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\n")


def _dataset(namespace: str, artifact: Artifact) -> dict[str, Any]:
    return {"namespace": namespace, "name": artifact.container_uri, "facets": {}}
