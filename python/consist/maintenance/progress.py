"""A tiny progress interface so maintenance code can report without knowing about Rich.

Maintenance functions take ``progress: Progress | None``; the CLI passes a
Rich-backed implementation (``consist.cli.progress``), tests and library
callers pass nothing or a recorder.

Example:
    >>> p = RecordingProgress()
    >>> with task(p, "rebuild", 2) as step:
    ...     step(1); step(1)
    >>> p.events
    [('start', 'rebuild', 2), ('advance', 1), ('advance', 1), ('finish',)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

__all__ = ["NullProgress", "Progress", "RecordingProgress", "task"]


class Progress(Protocol):
    """Receives the start, steps and end of one long operation at a time."""

    def start(self, label: str, total: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    """Ignores everything."""

    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class RecordingProgress:
    """Keeps every call in ``events`` (for tests)."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def start(self, label: str, total: int | None) -> None:
        self.events.append(("start", label, total))

    def advance(self, amount: int = 1) -> None:
        self.events.append(("advance", amount))

    def finish(self) -> None:
        self.events.append(("finish",))


@contextmanager
def task(
    progress: Progress | None, label: str, total: int | None
) -> Iterator[Callable[[int], None]]:
    """Start a task on ``progress`` (may be None) and yield its ``advance`` function.

    Example:
        >>> with task(None, "noop", 3) as step:
        ...     step(3)
    """
    sink = progress if progress is not None else NullProgress()
    sink.start(label, total)
    try:
        yield sink.advance
    finally:
        sink.finish()
