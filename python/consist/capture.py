"""``capture_outputs``: log every file a block creates or modifies in a directory.

For tools that write into a folder rather than return paths (a model binary,
a shell script): the directory is listed before and after the block, and
each new or changed file (by size or modification time) becomes an output of
the active run. Keys are file stems (``trips.csv`` -> ``trips``); with
``recursive=True`` they keep the subfolder (``daily/trips``).

Example:
    >>> with tracker.start_run("assign", model="assign"):  # doctest: +SKIP
    ...     with consist.capture_outputs("outputs/assign", pattern="*.csv") as capture:
    ...         subprocess.run(["./assign", "--out", "outputs/assign"], check=True)
    ...     print(sorted(capture.artifacts))
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, ConsistRuntimeError

__all__ = ["OutputCapture", "capture_outputs"]


@dataclass(slots=True)
class OutputCapture:
    """What ``capture_outputs`` found: ``artifacts`` by key (filled when the block ends).

    Example:
        >>> OutputCapture(directory=Path("/tmp/out")).artifacts
        {}
    """

    directory: Path
    pattern: str = "*"
    recursive: bool = False
    artifacts: dict[str, Any] = field(default_factory=dict)


def _listing(root: Path, pattern: str, recursive: bool) -> dict[Path, tuple[int, int]]:
    matches = root.rglob(pattern) if recursive else root.glob(pattern)
    listing = {}
    for path in matches:
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed while listing
            continue
        if path.is_file():
            listing[path] = (stat.st_mtime_ns, stat.st_size)
    return listing


def _key(path: Path, root: Path, recursive: bool) -> str:
    if not recursive:
        return path.stem
    relative = path.relative_to(root)
    return (relative.parent / relative.stem).as_posix()


@contextmanager
def capture_outputs(
    directory: str | os.PathLike[str],
    pattern: str = "*",
    recursive: bool = False,
    *,
    tracker: Any = None,
) -> Iterator[OutputCapture]:
    """Log files created or modified in ``directory`` during the block as outputs.

    Needs an active run (the current tracker's, or ``tracker=``'s). The
    directory is created if missing. If the block raises, nothing is logged.
    Two new files with the same key (``a.csv`` and ``a.parquet``) are refused
    before anything is logged.

    Example:
        >>> with consist.capture_outputs(out_dir, pattern="*.parquet") as cap:  # doctest: +SKIP
        ...     run_model(out_dir)
        >>> cap.artifacts["trips"].path  # doctest: +SKIP
    """
    from consist.context import current_tracker
    from consist.tracker.tracker import Tracker

    active = tracker if tracker is not None else current_tracker()
    if isinstance(active, Tracker) and active.current_run is None:
        raise ConsistRuntimeError(
            "Cannot capture outputs: no active run.",
            cause="Captured files are logged as outputs of the open run.",
            fix="Use capture_outputs inside `with tracker.start_run(...)` or a traced step.",
        )
    root = Path(os.path.abspath(directory))
    root.mkdir(parents=True, exist_ok=True)
    capture = OutputCapture(directory=root, pattern=pattern, recursive=recursive)
    before = _listing(root, pattern, recursive)
    yield capture
    after = _listing(root, pattern, recursive)
    changed = sorted(path for path, state in after.items() if before.get(path) != state)
    by_key: dict[str, Path] = {}
    for path in changed:
        key = _key(path, root, recursive)
        if key in by_key:
            raise ConfigError(
                f"capture_outputs found two files for key {key!r}: {by_key[key].name} and "
                f"{path.name}.",
                cause="Captured files are keyed by file name without its extension.",
                fix="Narrow pattern= (e.g. '*.parquet') or write the files to separate folders.",
            )
        by_key[key] = path
    for key, path in by_key.items():
        capture.artifacts[key] = active.log_output(path, key=key)
