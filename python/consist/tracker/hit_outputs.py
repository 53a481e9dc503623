"""An output logged while the open run is a cache hit (the body of ``trace`` always runs).

* same key, same location, same digest: it *is* the cached output; the
  cached artifact is returned and the hit stands;
* same key and digest at another location (the body wrote identical bytes
  to this run's own folder): the hit stands and the new location is recorded;
* anything else (new key, different bytes): the run is not a cache hit
  after all. It is demoted to a normal run, with one warning, and records
  only what its body logs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consist.models import Artifact
    from consist.tracker.state import ActiveRun

__all__ = ["output_during_hit"]

logger = logging.getLogger("consist")


def output_during_hit(state: ActiveRun, key: str, artifact: Artifact) -> Artifact:
    """The artifact to record for ``key`` (see the module docstring); may demote the hit.

    Example:
        >>> artifact = output_during_hit(state, "out", logged)  # doctest: +SKIP
    """
    cached = state.cached_outputs.get(key)
    if cached is not None and artifact.hash and cached.hash == artifact.hash:
        if cached.container_uri == artifact.container_uri:
            return cached
        state.cached_outputs.pop(key)
        return artifact
    cached_id = state.cached_run.id if state.cached_run is not None else "?"
    reason = (
        f"output {key!r} logged during the cache hit differs from cached run {cached_id!r}"
        if cached is not None
        else f"output {key!r} logged during the cache hit is not an output of cached run "
        f"{cached_id!r}"
    )
    logger.warning("[consist] %s: recording run %s as a new run.", reason, state.run.id)
    state.demote_cache_hit(reason)
    return artifact
