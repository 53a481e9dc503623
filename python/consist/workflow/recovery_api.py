"""Functional forms of the recovery API: ``consist.materialize_run_outputs(...)`` and friends.

Each calls the ``Tracker`` method of the same name on ``tracker=`` or the
current tracker; see ``consist.tracker.recovery_methods`` for the behaviour.

Example:
    >>> consist.materialize_run_outputs("prior_run_id", target_root="rehydrated",
    ...                                 tracker=tracker)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from consist.context import current_tracker

__all__ = [
    "archive_artifact",
    "archive_current_run_outputs",
    "archive_run_outputs",
    "hydrate_run_outputs",
    "hydrate_run_outputs_to_destinations",
    "materialize_artifact",
    "materialize_run_outputs",
    "register_artifact_recovery_copy",
    "register_run_output_recovery_copies",
    "set_artifact_recovery_roots",
    "stage_artifact",
    "stage_inputs",
]


def _on(tracker: Any) -> Any:
    return tracker if tracker is not None else current_tracker()


def materialize_run_outputs(run_id: str, *, tracker: Any = None, **kwargs: Any) -> Any:
    """``Tracker.materialize_run_outputs`` on the current tracker.

    Example:
        >>> consist.materialize_run_outputs("r1", target_root="restored")  # doctest: +SKIP
    """
    return _on(tracker).materialize_run_outputs(run_id, **kwargs)


def hydrate_run_outputs(run_id: str, *, tracker: Any = None, **kwargs: Any) -> Any:
    """``Tracker.hydrate_run_outputs`` on the current tracker.

    Example:
        >>> consist.hydrate_run_outputs("r1", target_root="restored")  # doctest: +SKIP
    """
    return _on(tracker).hydrate_run_outputs(run_id, **kwargs)


def hydrate_run_outputs_to_destinations(
    run_id: str, *, destinations_by_key: Mapping[str, Any], tracker: Any = None, **kwargs: Any
) -> Any:
    """``Tracker.hydrate_run_outputs_to_destinations`` on the current tracker.

    Example:
        >>> consist.hydrate_run_outputs_to_destinations(
        ...     "r1", destinations_by_key={"out": "in/out.csv"})  # doctest: +SKIP
    """
    return _on(tracker).hydrate_run_outputs_to_destinations(
        run_id, destinations_by_key=destinations_by_key, **kwargs
    )


def materialize_artifact(artifact: Any, *, target_root: Any, tracker: Any = None, **kwargs: Any):
    """``Tracker.materialize_artifact`` on the current tracker.

    Example:
        >>> consist.materialize_artifact(art, target_root="restored")  # doctest: +SKIP
    """
    return _on(tracker).materialize_artifact(artifact, target_root=target_root, **kwargs)


def stage_artifact(artifact: Any, *, destination: Any, tracker: Any = None, **kwargs: Any) -> Any:
    """``Tracker.stage_artifact`` on the current tracker.

    Example:
        >>> consist.stage_artifact(art, destination="data/lu.csv")  # doctest: +SKIP
    """
    return _on(tracker).stage_artifact(artifact, destination=destination, **kwargs)


def stage_inputs(
    inputs_by_key: Mapping[str, Any],
    *,
    destinations_by_key: Mapping[str, Any],
    tracker: Any = None,
    **kwargs: Any,
) -> Any:
    """``Tracker.stage_inputs`` on the current tracker.

    Example:
        >>> consist.stage_inputs({"lu": art}, destinations_by_key={"lu": "d/lu.csv"})
        ... # doctest: +SKIP
    """
    return _on(tracker).stage_inputs(
        inputs_by_key, destinations_by_key=destinations_by_key, **kwargs
    )


def set_artifact_recovery_roots(
    artifact: Any, roots: Iterable[Any], *, append: bool = False, tracker: Any = None
) -> Any:
    """``Tracker.set_artifact_recovery_roots`` on the current tracker.

    Example:
        >>> consist.set_artifact_recovery_roots(art, ["/archive/a"])  # doctest: +SKIP
    """
    return _on(tracker).set_artifact_recovery_roots(artifact, roots, append=append)


def register_artifact_recovery_copy(
    artifact: Any, recovery_root: Any, *, tracker: Any = None, **kwargs: Any
) -> Any:
    """``Tracker.register_artifact_recovery_copy`` on the current tracker.

    Example:
        >>> consist.register_artifact_recovery_copy(art, "/archive/a")  # doctest: +SKIP
    """
    return _on(tracker).register_artifact_recovery_copy(artifact, recovery_root, **kwargs)


def register_run_output_recovery_copies(
    run_id: str, recovery_root: Any, *, tracker: Any = None, **kwargs: Any
) -> Any:
    """``Tracker.register_run_output_recovery_copies`` on the current tracker.

    Example:
        >>> consist.register_run_output_recovery_copies("r1", "/archive/a")  # doctest: +SKIP
    """
    return _on(tracker).register_run_output_recovery_copies(run_id, recovery_root, **kwargs)


def archive_artifact(artifact: Any, archive_root: Any, *, tracker: Any = None, **kwargs: Any):
    """``Tracker.archive_artifact`` on the current tracker.

    Example:
        >>> consist.archive_artifact(art, "/archive/runs")  # doctest: +SKIP
    """
    return _on(tracker).archive_artifact(artifact, archive_root, **kwargs)


def archive_run_outputs(run_id: str, archive_root: Any, *, tracker: Any = None, **kwargs: Any):
    """``Tracker.archive_run_outputs`` on the current tracker.

    Example:
        >>> consist.archive_run_outputs("r1", "/archive/runs")  # doctest: +SKIP
    """
    return _on(tracker).archive_run_outputs(run_id, archive_root, **kwargs)


def archive_current_run_outputs(archive_root: Any, *, tracker: Any = None, **kwargs: Any) -> Any:
    """``Tracker.archive_current_run_outputs`` on the current tracker.

    Example:
        >>> consist.archive_current_run_outputs("/archive/runs")  # doctest: +SKIP
    """
    return _on(tracker).archive_current_run_outputs(archive_root, **kwargs)
