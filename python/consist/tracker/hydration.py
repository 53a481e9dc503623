"""Putting bytes back on disk on a cache hit (``cache_hydration``).

* ``metadata`` (default, also spelled ``none``): nothing is copied.
* ``outputs-all``: every cached output is placed under the new run's output
  directory, keeping its layout relative to the cached run's directory.
* ``outputs-requested``: the outputs named in ``output_paths`` are placed at
  those destinations. Candidates without a copy of each are skipped during the
  lookup (``cache.py``); if placing still fails, ``cache_hydration_failure``
  decides: ``"warn"`` keeps the hit, ``"miss"`` runs the step instead.
* ``inputs-missing``: before running, inputs produced by earlier runs that
  are missing on disk are restored from any recorded copy (historical run
  directory, recovery roots, archive mounts) or rebuilt from ingested rows
  (``consist.artifacts.hydration``).

Files are placed with ``consist.placement.place_file`` (reflink where the
filesystem supports it, else a safe copy; never a partial file).
Each placed copy is recorded as an artifact of its own (same digest, same
producing run) linked to the new run, so it is found like any other output.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

from consist.errors import ConsistRuntimeError
from consist.models import Artifact, utc_now

if TYPE_CHECKING:
    from consist.tracker.state import ActiveRun
    from consist.tracker.tracker import Tracker

__all__ = ["hydrate_cached_outputs", "restore_missing_inputs"]

logger = logging.getLogger("consist")


def hydrate_cached_outputs(tracker: Tracker, state: ActiveRun) -> bool:
    """Apply the hydration policy to a hit; False means "treat it as a miss"."""
    policy = state.policy
    if policy.hydration == "outputs-all":
        _hydrate_all(tracker, state)
    elif policy.hydration == "outputs-requested":
        return _hydrate_requested(tracker, state)
    return True


def _hydrate_all(tracker: Tracker, state: ActiveRun) -> None:
    cached_root = _cached_artifact_dir(tracker, state)
    placed: dict[str, str] = {}
    for key, artifact in list(state.cached_outputs.items()):
        source = _source_path(tracker, state, artifact, cached_root)
        relative = _relative_to(artifact.path, cached_root)
        destination = state.artifact_dir / relative
        if source is None:
            raise ConsistRuntimeError(
                f"Cannot hydrate cached output '{key}': {artifact.path} does not exist.",
                cause=f"cache_hydration='outputs-all' copies files recorded by run "
                f"{state.cached_run.id!r}, and this one is gone.",
                fix="Pass CacheOptions(materialize_cached_outputs_source_root=...) pointing at "
                "an archive copy, or CacheOptions(cache_mode='overwrite') to recompute.",
            )
        state.cached_outputs[key] = _place(tracker, artifact, source, destination)
        placed[key] = str(destination)
    state.run.meta["materialized_outputs"] = placed


def _hydrate_requested(tracker: Tracker, state: ActiveRun) -> bool:
    cached_root = _cached_artifact_dir(tracker, state)
    placed: dict[str, str] = {}
    failures: list[str] = []
    for key, destination in state.policy.requested_paths.items():
        artifact = state.cached_outputs.get(key)
        source = _source_path(tracker, state, artifact, cached_root) if artifact else None
        if artifact is None or source is None:
            failures.append(key)
            continue
        destination = _absolute(destination, state.artifact_dir)
        state.cached_outputs[key] = _place(tracker, artifact, source, destination)
        placed[key] = str(destination)
    state.run.meta["materialized_outputs"] = placed
    if not failures:
        return True
    message = f"could not hydrate cached outputs {sorted(failures)} of run {state.cached_run.id!r}"
    if state.policy.hydration_failure == "miss":
        logger.info("[consist] %s; running the step instead", message)
        state.demote_cache_hit(message)
        return False
    logger.warning("[consist] %s (cache_hydration_failure='warn': keeping the hit)", message)
    return True


def restore_missing_inputs(tracker: Tracker, state: ActiveRun) -> None:
    """``inputs-missing``: restore produced inputs that are gone from their recovery roots."""
    from consist.artifacts.hydration import restore_input

    restored: dict[str, str] = {}
    validate = state.policy.validate_materialized_inputs
    for key, artifact in state.inputs.items():
        if restore_input(tracker, artifact, validate_existing=validate) is not None:
            restored[key] = str(artifact.path)
    if restored:
        state.run.meta["restored_inputs"] = restored


def _cached_artifact_dir(tracker: Tracker, state: ActiveRun) -> Path | None:
    uri = state.cached_run.meta.get("artifact_dir") if state.cached_run else None
    return tracker.fs.resolve(uri) if uri else None


def _source_path(
    tracker: Tracker, state: ActiveRun, artifact: Artifact, cached_root: Path | None
) -> Path | None:
    from consist.artifacts.hydration import cached_output_source

    return cached_output_source(
        tracker, artifact, source_root=state.policy.source_root, cached_root=cached_root
    )


def _relative_to(path: Path, root: Path | None) -> Path:
    if root is not None:
        try:
            return path.relative_to(root)
        except ValueError:
            pass
    return Path(path.name)


def _absolute(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else base / path


def _place_bytes(source: Path, destination: Path) -> None:
    from consist.placement import place_file

    destination.parent.mkdir(parents=True, exist_ok=True)
    if os.path.abspath(source) != os.path.abspath(destination):
        place_file(source, destination)


def _place(tracker: Tracker, artifact: Artifact, source: Path, destination: Path) -> Artifact:
    _place_bytes(source, destination)
    copy = replace(
        artifact,
        id=str(uuid4()),
        container_uri=tracker.fs.to_uri(destination),
        meta={**artifact.meta, "materialized_from": artifact.id},
        created_at=utc_now(),
        abs_path=str(destination),
    )
    tracker._attach_resolver(copy)
    return copy
