"""Run lifecycle callbacks: ``on_run_start``, ``on_run_complete``, ``on_run_failed``.

A hook that raises is logged on the ``consist`` logger and otherwise ignored:
observers must never break the run they observe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["HookRegistry", "TrackerHooks"]

HOOK_EVENTS = ("on_run_start", "on_run_complete", "on_run_failed")


class HookRegistry:
    """Callbacks per lifecycle event, fired in registration order.

    Example:
        >>> hooks = HookRegistry()
        >>> seen = []
        >>> _ = hooks.add("on_run_start", seen.append)
        >>> hooks.fire("on_run_start", "run-1")
        >>> seen
        ['run-1']
    """

    def __init__(self) -> None:
        self._callbacks: dict[str, list[Callable[..., Any]]] = {e: [] for e in HOOK_EVENTS}

    def add(self, event: str, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Register ``callback`` for ``event``; returns it (decorator use)."""
        if not callable(callback):
            from consist.errors import ConsistTypeError

            raise ConsistTypeError(
                f"{event} expects a callable.",
                cause=f"Got {type(callback).__name__}.",
                fix=f"Pass a function, e.g. tracker.{event}(my_callback).",
            )
        self._callbacks[event].append(callback)
        return callback

    def extend(self, event: str, callbacks: Callable[..., Any] | Iterable[Callable[..., Any]]):
        """Register one callable or several (used by the Tracker constructor)."""
        for callback in [callbacks] if callable(callbacks) else list(callbacks):
            self.add(event, callback)

    def has(self, event: str) -> bool:
        return bool(self._callbacks[event])

    def fire(self, event: str, *args: Any) -> None:
        """Call every callback of ``event``; failures are logged, never raised."""
        for callback in self._callbacks[event]:
            try:
                callback(*args)
            except Exception as exc:
                import logging  # only on failure: `import logging` is ~3 ms of Tracker's import

                logging.getLogger("consist").warning(
                    "%s hook failed: %s", event, exc, exc_info=True
                )


class TrackerHooks:
    """The hook-registration half of the ``Tracker`` facade (a mixin).

    Example:
        >>> @tracker.on_run_complete  # doctest: +SKIP
        ... def notify(run, outputs):
        ...     print(run.id, [a.key for a in outputs])
    """

    _hooks: HookRegistry

    def on_run_start(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Call ``callback(run)`` when a run begins; returns it (usable as a decorator)."""
        return self._hooks.add("on_run_start", callback)

    def on_run_complete(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Call ``callback(run, outputs)`` after a run completes and is recorded."""
        return self._hooks.add("on_run_complete", callback)

    def on_run_failed(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Call ``callback(run, exc)`` after a run fails and is recorded."""
        return self._hooks.add("on_run_failed", callback)
