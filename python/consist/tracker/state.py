"""The in-memory state of the one run a tracker has open."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist.models import Artifact, Run

if TYPE_CHECKING:
    from consist.identity import SignatureParts
    from consist.tracker.cache import CachePolicy

__all__ = ["ActiveRun"]


@dataclass(eq=False)
class ActiveRun:
    """What ``begin_run`` set up and ``end_run`` will record.

    ``cached_run``/``cached_outputs`` are set on a cache hit: the completed
    run with the same signature and the outputs it recorded (hydrated copies
    when the policy asked for bytes). ``start_recorded`` says whether the
    "running" row was written (a cache hit through ``tracker.run`` skips that
    and records the finished run once).
    """

    run: Run
    policy: CachePolicy
    artifact_dir: Path
    config: dict[str, Any] = field(default_factory=dict)
    facet: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Artifact] = field(default_factory=dict)
    outputs: dict[str, Artifact] = field(default_factory=dict)
    parts: SignatureParts | None = None
    cached_run: Run | None = None
    cached_outputs: dict[str, Artifact] = field(default_factory=dict)
    start_recorded: bool = False
    replaces_existing: bool = False  # the run id was used before: replace that record
    written_row: list[Any] | None = None  # the "running" row as written (store.runs values)
    minted_ids: set[str] = field(default_factory=set)  # new output ids: no row can exist yet

    @property
    def cache_hit(self) -> bool:
        return self.cached_run is not None

    def demote_cache_hit(self, reason: str) -> None:
        """Turn a hit into a miss (hydration failed, or the body logged new outputs)."""
        self.cached_run = None
        self.cached_outputs = {}
        self.run.cache_hit = False
        self.run.meta.pop("cache_source", None)
        self.run.meta["cache_hit"] = False
        self.run.meta["cache_miss_reason"] = reason
