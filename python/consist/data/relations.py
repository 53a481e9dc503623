"""The DuckDB connections behind loaded relations, and the leak warning.

Every relation ``consist.load`` returns runs on its own connection (a cursor of
one process-wide in-memory DuckDB instance: a cursor costs microseconds, a new
instance ~10 ms). The relation stays usable until that connection is closed,
which ``to_df(..., close=True)``, ``load_relation(...)`` and garbage collection
do. Files are scanned in place; the provenance database is never attached
here, so an open relation never holds the provenance file lock.

Live relations are tracked weakly. When their number reaches
``CONSIST_RELATION_WARN_THRESHOLD`` (default 100), a
``RelationConnectionLeakWarning`` is emitted (and logged) once; it re-arms when
the count drops below the threshold again.

Example:
    >>> rel = track_relation(new_cursor(), lambda con: con.sql("SELECT 1 AS x"))
    >>> active_relation_count() >= 1, close_relation(rel)
    (True, True)
"""

from __future__ import annotations

import logging
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from consist import settings
from consist.errors import RelationConnectionLeakWarning

__all__ = [
    "active_relation_count",
    "close_relation",
    "connection_of",
    "new_cursor",
    "track_relation",
]

logger = logging.getLogger("consist")

_lock = threading.Lock()
_instance: Any = None
# relation -> its connection; entries vanish when the relation is garbage-collected.
_live: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_warned = False


def new_cursor() -> Any:
    """A fresh connection to the shared in-memory DuckDB instance; close it when done.

    Example:
        >>> con = new_cursor()
        >>> con.execute("SELECT 42").fetchone()
        (42,)
        >>> con.close()
    """
    global _instance
    with _lock:
        if _instance is None:
            import duckdb

            _instance = duckdb.connect(":memory:")
        return _instance.cursor()


def track_relation(con: Any, build: Callable[[Any], Any]) -> Any:
    """Build a relation on ``con``, register it, and close ``con`` if building fails.

    Example:
        >>> rel = track_relation(new_cursor(), lambda con: con.sql("SELECT 2 AS y"))
        >>> rel.fetchall(), close_relation(rel)
        ([(2,)], True)
    """
    try:
        relation = build(con)
    except BaseException:
        con.close()
        raise
    # The connection must outlive every use of the relation, and no longer.
    weakref.finalize(relation, _close_quietly, con)
    with _lock:
        _live[relation] = con
        count = len(_live)
    _maybe_warn(count)
    return relation


def connection_of(relation: Any) -> Any:
    """The connection behind a tracked relation, or ``None`` for foreign relations."""
    with _lock:
        return _live.get(relation)


def close_relation(relation: Any) -> bool:
    """Close the connection behind ``relation``; False if consist did not create it.

    Example:
        >>> close_relation(object())
        False
    """
    global _warned
    with _lock:
        try:
            con = _live.pop(relation)
        except (KeyError, TypeError):
            return False
        if len(_live) < settings.relation_warn_threshold():
            _warned = False
    _close_quietly(con)
    return True


def active_relation_count() -> int:
    """How many relations returned by ``consist.load`` still hold an open connection.

    Example:
        >>> isinstance(active_relation_count(), int)
        True
    """
    with _lock:
        return len(_live)


def _maybe_warn(count: int) -> None:
    global _warned
    threshold = settings.relation_warn_threshold()
    with _lock:
        if count < threshold:
            _warned = False
            return
        if _warned:
            return
        _warned = True
    message = (
        f"Consist has {count} active DuckDB relations. This may indicate unclosed relations. "
        "Use consist.to_df(..., close=True) or consist.load_relation(...) to ensure "
        "connections are closed."
    )
    logger.warning(message)
    warnings.warn(message, RelationConnectionLeakWarning, stacklevel=4)


def _close_quietly(con: Any) -> None:
    try:
        con.close()
    except Exception:  # already closed, or the instance is shutting down
        logger.debug("closing a relation connection failed", exc_info=True)
