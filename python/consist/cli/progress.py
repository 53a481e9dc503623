"""Rich progress bars for long maintenance commands, drawn on stderr.

Bars appear only when stderr is a terminal, so pipes, ``--json`` output and
CI logs stay clean. Maintenance code reports through the small
``consist.maintenance.progress.Progress`` interface; this module is its Rich
implementation.

Example:
    >>> with rich_progress(enabled=False) as progress:
    ...     progress.start("rebuild", 10); progress.advance(10); progress.finish()
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from consist.maintenance.progress import NullProgress, Progress

__all__ = ["RichProgress", "rich_progress"]


class RichProgress:
    """One Rich ``Progress`` display; each ``start`` adds a task, ``finish`` completes it."""

    def __init__(self, display: Any) -> None:
        self._display = display
        self._task: Any = None

    def start(self, label: str, total: int | None) -> None:
        self._task = self._display.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._display.advance(self._task, amount)

    def finish(self) -> None:
        if self._task is not None:
            task = next((t for t in self._display.tasks if t.id == self._task), None)
            if task is not None and task.total is not None:
                self._display.update(self._task, completed=task.total)
            self._task = None


@contextmanager
def rich_progress(*, enabled: bool | None = None) -> Iterator[Progress]:
    """Yield a progress sink: Rich bars on a terminal, a silent one otherwise.

    Example:
        >>> with rich_progress(enabled=False) as p:
        ...     type(p).__name__
        'NullProgress'
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield NullProgress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import (
        Progress as RichDisplay,
    )

    display = RichDisplay(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with display:
        yield RichProgress(display)
