"""The process-wide registry: one ``Database`` per resolved file path.

``open_database`` hands out the shared handle (see ``consist.store.connection``
for why there must be only one per file), ``release_all`` detaches every file
(also at interpreter exit), and fork handlers keep a forked child off the
parent's DuckDB instance. ``Database.close`` calls back into ``_forget`` (set
as the handle's close hook here), so the connection module never imports this
one.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb"
    >>> db = open_database(path)
    >>> db.close(); open_database(path) is db
    False
    >>> open_database(path).close()
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path
from typing import Any

from consist.store.connection import Database

__all__ = ["open_database", "release_all"]

_registry: dict[str, Database] = {}
_registry_lock = threading.Lock()


def open_database(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    idle_release_seconds: float | None = None,
) -> Database:
    """The process-wide ``Database`` for ``path`` (same object for the same resolved path).

    A writable request upgrades an existing read-only handle. The parent
    directory is created for writable databases; the schema is created on the
    first writable attach.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb"
        >>> open_database(path) is open_database(str(path))
        True
        >>> open_database(path).close()
    """
    resolved = Path(path).expanduser().resolve()
    with _registry_lock:
        db = _registry.get(str(resolved))
        if db is None:
            if not read_only:
                resolved.parent.mkdir(parents=True, exist_ok=True)
            from consist.store.schema import ensure_schema

            db = Database(resolved, read_only=read_only, idle_release_seconds=idle_release_seconds)
            db.add_attach_hook(ensure_schema)
            db._on_close = _forget
            _registry[str(resolved)] = db
        elif db.read_only and not read_only:
            db.read_only = False
            resolved.parent.mkdir(parents=True, exist_ok=True)
        if idle_release_seconds is not None:
            db.idle_release_seconds = idle_release_seconds
        return db


def _forget(db: Database) -> None:
    # Close hook: a closed handle leaves the registry (unless already replaced).
    with _registry_lock:
        if _registry.get(str(db.path)) is db:
            del _registry[str(db.path)]


def release_all() -> None:
    """Detach every open database (runs at interpreter exit).

    Example:
        >>> release_all()
    """
    with _registry_lock:
        databases = list(_registry.values())
    for db in databases:
        db.release()


# DuckDB objects inherited through fork: kept referenced forever, because even
# destroying them in the child touches the parent's (absent) threads and segfaults.
_inherited_from_parent: list[Any] = []


def _release_before_fork() -> None:
    # DuckDB remembers attached files process-wide, and a forked child inherits that
    # memory: a file still attached at fork time stays unusable in the child. So
    # release whatever is idle now (busy handles are left alone).
    for db in list(_registry.values()):
        if db._lock.acquire(blocking=False):
            try:
                if db._depth == 0 and db._users == 0:
                    db._detach()
            finally:
                db._lock.release()


def _forget_after_fork() -> None:
    # A forked child must not use the parent's DuckDB instance (its threads and file
    # locks do not survive fork): every handle starts from scratch.
    for db in _registry.values():
        _inherited_from_parent.extend([db._root, db._con, db._engine])
        db._reset_state()


atexit.register(release_all)
os.register_at_fork(before=_release_before_fork, after_in_child=_forget_after_fork)
