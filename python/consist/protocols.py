"""Structural types for code that works with or without provenance.

A workflow written against these protocols accepts a real ``Tracker`` and
the no-op stand-ins (``NoopTracker``, ``NoopArtifact``, ``NoopRunResult``)
alike; see ``consist.runtime.create_tracker``. They are
``runtime_checkable``, so ``isinstance(obj, TrackerLike)`` checks that the
methods exist (not their signatures).

Example:
    >>> from consist.workflow.noop import NoopTracker
    >>> isinstance(NoopTracker(), TrackerLike)
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "ArtifactLike",
    "RunIdentifiedResultLike",
    "RunResultLike",
    "ScenarioLike",
    "TrackerLike",
]


@runtime_checkable
class ArtifactLike(Protocol):
    """Anything with a local ``path`` and a ``container_uri``.

    Example:
        >>> from consist.models import Artifact
        >>> isinstance(Artifact(key="a", container_uri="/a.csv"), ArtifactLike)
        True
    """

    @property
    def path(self) -> Path: ...

    @property
    def container_uri(self) -> str: ...


@runtime_checkable
class RunResultLike(Protocol):
    """A step result: ``outputs`` by key and whether it came from the cache.

    Example:
        >>> from consist.workflow.noop import NoopRunResult
        >>> isinstance(NoopRunResult(), RunResultLike)
        True
    """

    outputs: Mapping[str, Any]
    cache_hit: bool


@runtime_checkable
class RunIdentifiedResultLike(RunResultLike, Protocol):
    """A ``RunResultLike`` that also carries its ``run`` record (None when nothing was recorded).

    Example:
        >>> from consist.models import Run, RunResult
        >>> isinstance(RunResult(run=Run(id="r", model_name="m")), RunIdentifiedResultLike)
        True
    """

    run: Any


@runtime_checkable
class ScenarioLike(Protocol):
    """A scenario: ``run`` steps and ``trace`` blocks.

    Example:
        >>> from consist.workflow.noop import NoopScenarioContext
        >>> isinstance(NoopScenarioContext("s"), ScenarioLike)
        True
    """

    def run(self, fn: Any = None, name: str | None = None, **kwargs: Any) -> Any: ...

    def trace(self, name: str, **kwargs: Any) -> Any: ...


@runtime_checkable
class TrackerLike(Protocol):
    """What workflow code needs from a tracker: log artifacts and open scenarios.

    Example:
        >>> from consist.tracker import Tracker
        >>> isinstance(Tracker, type) and issubclass(Tracker, TrackerLike)
        True
    """

    def log_output(self, path: Any, key: str | None = None, **kwargs: Any) -> Any: ...

    def log_input(self, path: Any, key: str | None = None, **kwargs: Any) -> Any: ...

    def log_artifacts(self, outputs: Mapping[str, Any], **kwargs: Any) -> Any: ...

    def scenario(self, name: str, **kwargs: Any) -> Any: ...
