"""Which tracker, and which run, is current.

Two context variables, so threads and asyncio tasks each see their own state:

* a stack of trackers with an active run (pushed by ``begin_run``, popped by
  ``end_run``): the top one is "the current tracker" inside a run;
* a default tracker (``use_tracker`` / ``set_current_tracker``) used by the
  functional API (``consist.run``, ``consist.log_artifact``...) outside a run.

This sits low (it imports only ``consist.errors``) so the data layer can find
the tracker in scope without importing the tracker package; the ``Tracker``
and ``Run`` names below are for type checkers only and are never imported at
run time. ``consist.tracker.context`` re-exports these names for old imports.

Example:
    >>> from consist.context import active_tracker
    >>> active_tracker() is None
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from consist.errors import ConsistRuntimeError

if TYPE_CHECKING:
    from consist.models import Run
    from consist.tracker.tracker import Tracker

__all__ = [
    "NO_ACTIVE_RUN",
    "active_tracker",
    "current_run",
    "current_tracker",
    "pop_active",
    "push_active",
    "set_current_tracker",
    "use_tracker",
]

NO_ACTIVE_RUN = (
    "No active Consist run found. Ensure you are within a 'with tracker.start_run()' or "
    "'with consist.start_run(...)' block, or use tracker.run/trace or consist.run/trace."
)

_active: ContextVar[tuple[Tracker, ...]] = ContextVar("consist_active_trackers", default=())
_default: ContextVar[Tracker | None] = ContextVar("consist_default_tracker", default=None)


def push_active(tracker: Tracker) -> None:
    """Mark ``tracker`` as having an active run (called by ``begin_run``)."""
    _active.set((*_active.get(), tracker))


def pop_active(tracker: Tracker) -> None:
    """Undo :func:`push_active` for ``tracker`` (called by ``end_run``)."""
    stack = list(_active.get())
    for index in range(len(stack) - 1, -1, -1):
        if stack[index] is tracker:
            del stack[index]
            break
    _active.set(tuple(stack))


def active_tracker() -> Tracker | None:
    """The tracker whose run is active in this context, if any."""
    stack = _active.get()
    return stack[-1] if stack else None


def current_tracker() -> Tracker:
    """Return the active tracker, else the default one.

    Example:
        >>> with use_tracker(tracker):  # doctest: +SKIP
        ...     assert current_tracker() is tracker

    Raises ``ConsistRuntimeError`` (a ``RuntimeError``) when there is neither.
    """
    tracker = active_tracker() or _default.get()
    if tracker is None:
        raise ConsistRuntimeError(
            NO_ACTIVE_RUN,
            cause="No tracker has an active run and no default tracker is set.",
            fix="Pass tracker=..., or wrap the code in `with consist.use_tracker(tracker):`.",
        )
    return tracker


def set_current_tracker(tracker: Tracker | None) -> Tracker | None:
    """Set (or clear, with ``None``) the default tracker; return the previous one.

    Example:
        >>> previous = set_current_tracker(tracker)  # doctest: +SKIP
    """
    previous = _default.get()
    _default.set(tracker)
    return previous


@contextmanager
def use_tracker(tracker: Tracker) -> Iterator[Tracker]:
    """Make ``tracker`` the default for the functional API inside the block.

    Example:
        >>> with consist.use_tracker(tracker):  # doctest: +SKIP
        ...     result = consist.run(fn=step, inputs={"raw": path})
    """
    token = _default.set(tracker)
    try:
        yield tracker
    finally:
        _default.reset(token)


def current_run() -> Run | None:
    """The run active in this context, or ``None``.

    Example:
        >>> with tracker.start_run("r1", model="demo"):  # doctest: +SKIP
        ...     assert current_run().id == "r1"
    """
    tracker = active_tracker()
    return tracker.current_run if tracker is not None else None
