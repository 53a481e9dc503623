"""Provenance on or off at run time: ``create_tracker``.

Workflow code that should also run where recording is impossible (a laptop
without the shared database, a quick dry run) asks for a tracker through
``create_tracker``: a real one from the factory when enabled, otherwise a
``NoopTracker`` that accepts the same logging calls and records nothing.

Example:
    >>> tracker = create_tracker(enabled=False)
    >>> type(tracker).__name__
    'NoopTracker'
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from consist.errors import ConfigError

__all__ = ["create_tracker"]

logger = logging.getLogger("consist")


def create_tracker(
    *, enabled: bool = True, tracker_factory: Callable[[], Any] | None = None
) -> Any:
    """A tracker from ``tracker_factory()``, or a ``NoopTracker`` when disabled.

    ``enabled=True`` needs a factory (``ValueError`` otherwise). A factory that
    raises is logged on the ``consist`` logger and a ``NoopTracker`` is
    returned, so the workflow still runs, unrecorded.

    Example:
        >>> from consist import Tracker
        >>> tracker = create_tracker(tracker_factory=lambda: Tracker(run_dir="./runs"))  # doctest: +SKIP
        >>> create_tracker(enabled=True)
        Traceback (most recent call last):
        ...
        consist.errors.ConfigError: Problem: create_tracker(enabled=True) requires tracker_factory.
        ...
    """
    from consist.workflow.noop import NoopTracker

    if not enabled:
        return NoopTracker()
    if tracker_factory is None:
        raise ConfigError(
            "create_tracker(enabled=True) requires tracker_factory.",
            cause="An enabled tracker is built by the factory you pass.",
            fix="Pass tracker_factory=lambda: Tracker(run_dir=..., db_path=...), "
            "or enabled=False for a no-op tracker.",
        )
    try:
        return tracker_factory()
    except Exception as exc:
        logger.error(
            "create_tracker: tracker_factory failed (%s: %s); provenance is disabled for this "
            "workflow (NoopTracker).",
            type(exc).__name__,
            exc,
        )
        return NoopTracker()
