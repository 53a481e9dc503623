"""Every place a copy of an artifact's bytes may be, in the order they are tried.

1. ``source_root / <relative location>``: an explicit mirror (an archive copy
   of the run directory or mount) given by the caller;
2. the artifact's URI resolved today (run directory, mounts);
3. the same URI under the roots recorded with its run (``_physical_run_dir``
   and the mount snapshot): the run directory before it was moved;
4. each ``recovery_roots`` entry, ``root / <relative location>`` then
   ``root / <file name>`` (registered by ``archive_artifact`` and friends);
5. the tracker's ``archive_mounts`` for the artifact's scheme.

The relative location is the URI below its root (``./outputs/m/x.csv`` ->
``outputs/m/x.csv``), so a mirror keeps the run's layout.

Example:
    >>> for source in candidate_sources(tracker, artifact):  # doctest: +SKIP
    ...     print(source.origin, source.path)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from consist.errors import ConsistError

__all__ = ["ORIGINS", "Source", "candidate_sources", "find_source", "relative_location"]

ORIGINS = ("source_root", "artifact_uri", "historical_root", "recovery_root", "archive_mount")


@dataclass(frozen=True, slots=True)
class Source:
    """One place the bytes may be: ``path`` and where that candidate came from (``origin``)."""

    path: Path
    origin: str


def relative_location(tracker: Any, artifact: Any) -> PurePosixPath | None:
    """The artifact's path below its root (None for absolute, unmapped locations).

    Example:
        >>> relative_location(tracker, artifact)  # doctest: +SKIP
        PurePosixPath('outputs/clean/clean_1a2b/cleaned.parquet')
    """
    return tracker.fs.relative_location(artifact.container_uri)


def candidate_sources(
    tracker: Any,
    artifact: Any,
    *,
    source_root: str | os.PathLike[str] | None = None,
    run_meta: Mapping[str, Any] | None = None,
) -> list[Source]:
    """All candidate locations, in order, without duplicates (they may not exist).

    ``run_meta`` is the producing run's ``meta`` (for the historical roots);
    it is fetched from the tracker when not given.

    Example:
        >>> [s.origin for s in candidate_sources(tracker, artifact)]  # doctest: +SKIP
        ['artifact_uri', 'recovery_root']
    """
    relative = relative_location(tracker, artifact)
    found: list[Source] = []

    def add(path: Path | None, origin: str) -> None:
        if path is not None and all(s.path != path for s in found):
            found.append(Source(Path(os.path.abspath(path)), origin))

    if source_root is not None and relative is not None:
        add(Path(source_root) / relative, "source_root")
    add(_current(tracker, artifact), "artifact_uri")
    if run_meta is None:
        run_meta = _run_meta(tracker, artifact)
    add(tracker.fs.historical_path(artifact.container_uri, run_meta), "historical_root")
    for root in artifact.meta.get("recovery_roots") or []:
        if relative is not None:
            add(Path(root) / relative, "recovery_root")
        add(Path(root) / _name(artifact), "recovery_root")
    for path in tracker.fs.archive_candidates(artifact.container_uri):
        add(path, "archive_mount")
    return found


def find_source(tracker: Any, artifact: Any, **kwargs: Any) -> Source | None:
    """The first candidate (see ``candidate_sources``) that exists on disk, or None.

    Example:
        >>> find_source(tracker, artifact, source_root="/archive/mirror")  # doctest: +SKIP
        Source(path=PosixPath('/archive/mirror/outputs/m/x.csv'), origin='source_root')
    """
    for source in candidate_sources(tracker, artifact, **kwargs):
        if source.path.exists():
            return source
    return None


def _current(tracker: Any, artifact: Any) -> Path | None:
    try:
        return Path(tracker.fs.resolve(artifact.container_uri))
    except ConsistError:
        return None  # an unknown scheme today: other candidates may still work


def _run_meta(tracker: Any, artifact: Any) -> Mapping[str, Any] | None:
    if not artifact.run_id:
        return None
    run = tracker.get_run(artifact.run_id)
    return run.meta if run is not None else None


def _name(artifact: Any) -> str:
    uri = artifact.container_uri.rstrip("/")
    return uri.rsplit("/", 1)[-1]
