"""Batched fsyncs: durability that may trail a write by a fraction of a second.

A run's JSON snapshot is followed by a durable DuckDB commit holding the same
record, so its directory entry (and, for a cache hit, its content) need not
reach the disk before the call returns. Writers queue those fsyncs here; the
background release thread (``_release.py``) runs them once the oldest has
waited ``DELAY_SECONDS``, one fsync per file and per directory however many
runs queued them. ``flush()`` runs them now; it is also called by
``Tracker.close()`` and at interpreter exit.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "a.json").write_text("{}")
    2
    >>> queue = deferred_sync()
    >>> queue.add(folder, file=folder / "a.json")
    >>> queue.flush(); queue.pending_count()
    0
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
from pathlib import Path

from consist.store._release import release_thread

__all__ = ["DELAY_SECONDS", "DeferredSync", "deferred_sync", "flush_deferred_syncs"]

DELAY_SECONDS = 0.25  # the same order as the database idle release


class DeferredSync:
    """Files and directories waiting for an fsync (process-wide: ``deferred_sync()``).

    Example:
        >>> DeferredSync().pending_count()
        0
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: set[str] = set()
        self._dirs: set[str] = set()
        self._oldest: float | None = None  # monotonic time of the oldest queued entry

    def pending_count(self) -> int:
        """Files and directories still waiting for their fsync."""
        with self._lock:
            return len(self._files) + len(self._dirs)

    @property
    def is_attached(self) -> bool:
        """True while work is queued (the release thread keeps watching until then)."""
        return self.pending_count() > 0

    def add(self, directory: Path, *, file: Path | None = None) -> None:
        """Queue an fsync of ``directory`` (and of ``file``, if given)."""
        with self._lock:
            first = self._oldest is None
            self._dirs.add(str(directory))
            if file is not None:
                self._files.add(str(file))
            if first:
                self._oldest = time.monotonic()
        if first:  # waking the release thread on every run would cost more than the fsync
            release_thread().watch(self)

    def flush(self) -> None:
        """Run every queued fsync now (files first, then their directories)."""
        with self._lock:
            files, dirs = sorted(self._files), sorted(self._dirs)
            self._files.clear()
            self._dirs.clear()
            self._oldest = None
        for name in files:
            _fsync_path(name, os.O_RDONLY)
        for name in dirs:
            _fsync_path(name, os.O_RDONLY | os.O_DIRECTORY)

    def try_release_idle(self, now: float) -> float | None:
        """Release-thread hook: flush if due; seconds until due, or None when nothing is left."""
        with self._lock:
            oldest = self._oldest
        if oldest is None:
            return None
        remaining = oldest + DELAY_SECONDS - now
        if remaining > 0:
            return remaining
        self.flush()
        return None


def _fsync_path(name: str, flags: int) -> None:
    # A file renamed or deleted since it was queued has nothing left to make durable.
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        fd = os.open(name, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_instance = DeferredSync()


def deferred_sync() -> DeferredSync:
    """The process-wide queue of deferred fsyncs."""
    return _instance


def flush_deferred_syncs() -> None:
    """Run every queued fsync now (``Tracker.close()`` and interpreter exit call this).

    Example:
        >>> flush_deferred_syncs()
    """
    _instance.flush()


def _reset_after_fork() -> None:
    # The parent flushes what it queued; the child starts with an empty queue.
    global _instance
    _instance = DeferredSync()


atexit.register(flush_deferred_syncs)
os.register_at_fork(after_in_child=_reset_after_fork)
