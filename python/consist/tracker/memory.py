"""What a tracker remembers about completed runs within this process.

* signature -> (run, outputs) of recent completed runs, so back-to-back cache
  hits skip the lookup queries (bounded LRU; misses are never memoised,
  because another process may complete the same step at any time);
* run id -> signature, for Merkle linking of inputs produced by those runs;
* (container URI, digest) -> producing (artifact, run) or "no producer", so an
  unchanged input is looked up once per process (without a database, outputs
  of this process are the only producers);
* model -> newest completed run, to explain a miss without a query;
* ids of artifacts known to be stored, so a hit links its cached outputs and
  known inputs without writing their rows again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from consist.models import Artifact, Run

__all__ = ["RunMemory"]

_MEMO_SIZE = 1024
_STORED_IDS_LIMIT = 100_000  # forget (and re-insert with OR IGNORE) beyond this


class RunMemory:
    """Per-tracker memory of completed runs.

    Example:
        >>> memory = RunMemory()
        >>> run = Run(id="r1", model_name="m", status="completed", signature="blake3:aa")
        >>> memory.remember(run, {})
        >>> memory.hit("blake3:aa")[0].id
        'r1'
    """

    def __init__(self, size: int = _MEMO_SIZE) -> None:
        self._size = size
        self._hits: OrderedDict[str, tuple[Run, dict[str, Artifact]]] = OrderedDict()
        self._signatures: dict[str, str] = {}
        self._latest_by_model: dict[str, Run] = {}
        self._producers: dict[tuple[str, str], tuple[Artifact, Run] | None] = {}
        self._stored_ids: set[str] = set()
        self._raw_inputs: dict[str, Artifact | None] = {}

    def hit(self, signature: str) -> tuple[Run, dict[str, Artifact]] | None:
        """The remembered completed run with this signature and its outputs."""
        item = self._hits.get(signature)
        if item is None:
            return None
        self._hits.move_to_end(signature)
        return item[0], dict(item[1])

    def remember(self, run: Run, outputs: Mapping[str, Artifact]) -> None:
        """Remember a completed run (and its outputs) by signature."""
        self.remember_signature(run)
        if not run.signature or run.status != "completed":
            return
        self._hits[run.signature] = (run, dict(outputs))
        self._hits.move_to_end(run.signature)
        while len(self._hits) > self._size:
            self._hits.popitem(last=False)
        self._latest_by_model[run.model_name] = run
        self.mark_stored(a.id for a in outputs.values())
        for artifact in outputs.values():
            if artifact.hash and artifact.run_id == run.id:
                self._producers[(artifact.container_uri, artifact.hash)] = (artifact, run)

    def remember_signature(self, run: Run) -> str | None:
        """Remember ``run.id -> run.signature``; returns the signature."""
        if run.signature:
            self._signatures[run.id] = run.signature
        return run.signature

    def signature_of(self, run_id: str, store: Any) -> str | None:
        """Signature of a run, from memory or (once) from the store."""
        signature = self._signatures.get(run_id)
        if signature is None and store is not None:
            run = store.get_run(run_id)
            if run is not None:
                signature = self.remember_signature(run)
        return signature

    def producer(self, uri: str, digest: str, lookup: Any) -> tuple[Artifact, Run] | None:
        """The completed run that wrote these bytes at ``uri``, if any.

        ``lookup(uri)`` asks the store (newest completed producer at ``uri``);
        it runs at most once per (uri, digest) in this process.
        """
        key = (uri, digest)
        if key in self._producers:
            return self._producers[key]
        found = lookup(uri) if lookup is not None else None
        if found is not None and found[0].hash != digest:
            found = None  # the file changed since that run wrote it: a raw input now
        if found is not None:
            self.remember_signature(found[1])
            self.mark_stored([found[0].id])
        self._producers[key] = found
        return found

    def is_stored(self, artifact_id: str) -> bool:
        """True if this artifact's row is known to be in the database."""
        return artifact_id in self._stored_ids

    def mark_stored(self, artifact_ids: Any) -> None:
        """Remember that these artifact rows are in the database."""
        if len(self._stored_ids) > _STORED_IDS_LIMIT:
            self._stored_ids.clear()
            self._raw_inputs.clear()
        self._stored_ids.update(artifact_ids)

    def stored_artifact(self, artifact_id: str, lookup: Any) -> Artifact | None:
        """The stored row of a raw input id (asked once per process), or None if new."""
        known = self._raw_inputs.get(artifact_id)
        if known is None and lookup is not None:
            known = lookup(artifact_id)
            if known is not None:
                self.mark_stored([artifact_id])
                self._raw_inputs[artifact_id] = known
        return known

    def remember_raw_input(self, artifact: Artifact) -> None:
        """Remember a raw input recorded by this process."""
        self._raw_inputs[artifact.id] = artifact

    def latest_of_model(self, model: str, lookup: Any) -> Run | None:
        """Newest completed run of ``model`` (remembered, else ``lookup(model)``)."""
        run = self._latest_by_model.get(model)
        if run is None and lookup is not None:
            run = lookup(model)
            if run is not None:
                self._latest_by_model[model] = run
        return run

    def clear(self) -> None:
        """Forget everything (e.g. after the database was replaced)."""
        self._hits.clear()
        self._signatures.clear()
        self._latest_by_model.clear()
        self._producers.clear()
        self._stored_ids.clear()
        self._raw_inputs.clear()
