"""Byte lookups for cache hydration (``cache_hydration``) on behalf of the tracker.

* ``cached_output_source``: where to copy a cached output from on a hit
  (``outputs-all`` / ``outputs-requested``): the candidates of
  ``consist.artifacts.sources`` with ``materialize_cached_outputs_source_root``
  as the mirror, which may hold the run directory's layout or only the
  cached run's output folder;
* ``restore_input`` (``inputs-missing``): put back an input produced by an
  earlier run when its file is gone (or, with ``validate_materialized_inputs``,
  no longer has its recorded digest), from any copy, else from ingested rows.

Example:
    >>> restore_input(tracker, artifact)  # doctest: +SKIP
    'recovery_root'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from consist.artifacts.ghost import rebuild_from_rows
from consist.artifacts.placing import HashMismatch, place_bytes
from consist.artifacts.sources import candidate_sources

__all__ = ["cached_output_source", "restore_input"]


def cached_output_source(
    tracker: Any,
    artifact: Any,
    *,
    source_root: str | os.PathLike[str] | None = None,
    cached_root: Path | None = None,
) -> Path | None:
    """An existing copy of a cached output, or None.

    Example:
        >>> cached_output_source(tracker, art, source_root="/archive/mirror")  # doctest: +SKIP
        PosixPath('/archive/mirror/outputs/step/step_1a2b/out.csv')
    """
    candidates = [s.path for s in candidate_sources(tracker, artifact, source_root=source_root)]
    if source_root is not None:
        # Mirrors of just the cached run's output folder, or flat ones.
        path = _path_or_none(artifact)
        if path is not None and cached_root is not None and cached_root in path.parents:
            candidates.append(Path(source_root) / path.relative_to(cached_root))
        if path is not None:
            candidates.append(Path(source_root) / path.name)
    return next((c for c in candidates if c.exists()), None)


def restore_input(tracker: Any, artifact: Any, *, validate_existing: bool = False) -> str | None:
    """Restore a produced input at its own location; return where the bytes came from.

    Returns None when nothing had to be done or no copy was found (the step
    then fails on the missing file as it would without hydration).

    Example:
        >>> restore_input(tracker, artifact)  # doctest: +SKIP
        'historical_root'
    """
    target = _path_or_none(artifact)
    if target is None or artifact.run_id is None:
        return None
    if target.exists():
        if not validate_existing or _matches(target, artifact.hash):
            return None
    for source in candidate_sources(tracker, artifact):
        if source.path == target or not source.path.exists():
            continue
        try:
            place_bytes(source.path, target, expected=artifact.hash, validate="if-present")
        except (HashMismatch, OSError):
            continue
        return source.origin
    target.parent.mkdir(parents=True, exist_ok=True)
    if rebuild_from_rows(tracker, artifact, target, validate="never") is not None:
        return "database"
    return None


def _matches(path: Path, expected: str | None) -> bool:
    algorithm = expected.split(":", 1)[0] if expected and ":" in expected else None
    if algorithm not in ("blake3", "sha256"):
        return True  # nothing to check against
    from consist.identity.hash_backend import digest_path

    return digest_path(path, algorithm=algorithm, strategy="full") == expected


def _path_or_none(artifact: Any) -> Path | None:
    try:
        return Path(artifact.path)
    except (ValueError, OSError):
        return None
