"""Background thread that detaches idle databases and runs batched fsyncs.

One daemon thread per process watches every attached ``Database`` and
detaches it once it has seen no DB work for its idle period. Starting a timer
per operation would cost more than the operation; here a session end only
stores a timestamp. The queue of deferred fsyncs (``deferred_sync.py``) is
watched the same way: anything with ``try_release_idle(now)`` (do the work if
due; seconds until due, or None when done) and ``is_attached`` (work left).

Example:
    >>> release_thread() is release_thread()
    True
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

__all__ = ["ReleaseThread", "release_thread"]


class ReleaseThread:
    """Wakes at the earliest idle deadline and asks each database to release itself.

    Example:
        >>> ReleaseThread().watched_count()
        0
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._watched: set[Any] = set()
        self._thread: threading.Thread | None = None

    def watched_count(self) -> int:
        """Number of databases currently attached and watched."""
        with self._cond:
            return len(self._watched)

    def watch(self, db: Any) -> None:
        """Start watching ``db`` (called when it attaches its file)."""
        with self._cond:
            self._watched.add(db)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="consist-db-release", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._watched:
                    self._cond.wait()
                watched = list(self._watched)
            wait = 1.0
            for db in watched:
                next_check = db.try_release_idle(time.monotonic())
                if next_check is None:
                    with self._cond:
                        # It may have re-attached meanwhile; it re-adds itself then.
                        if not db.is_attached:
                            self._watched.discard(db)
                else:
                    wait = min(wait, next_check)
            with self._cond:
                if self._watched:
                    self._cond.wait(timeout=wait)


_instance = ReleaseThread()


def release_thread() -> ReleaseThread:
    """The process-wide release thread (a fresh one after ``fork``)."""
    return _instance


def _reset_after_fork() -> None:
    global _instance
    _instance = ReleaseThread()


os.register_at_fork(after_in_child=_reset_after_fork)
