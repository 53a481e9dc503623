"""Keep registered ``v_<concept>`` views current after runs, without rebuilding them per run.

A view lists the files of its concept when it is built, so a run that
writes a new ``trips`` file makes ``v_trips`` stale for anyone reading the
database directly (``duckdb provenance.duckdb``). Rebuilding on every run
would cost time proportional to the number of files, on every run. Instead
the tracker marks the concepts its completed runs wrote (``mark_stale``,
microseconds; cache hits write nothing) and the views are rebuilt:

- when you access them (``tracker.views.Trip`` always rebuilds),
- on ``tracker.views.refresh()`` or ``tracker.close()``,
- when the process exits (an ``atexit`` hook; failures are logged, never raised).

Example:
    >>> class T:
    ...     registered_schemas = []
    >>> mark_stale(T(), [])
    set()
"""

from __future__ import annotations

import atexit
import logging
import weakref
from collections.abc import Iterable
from typing import Any

__all__ = ["discard_stale", "mark_stale", "refresh_stale", "stale_concepts"]

logger = logging.getLogger("consist")

# tracker -> concepts whose views miss files written since they were last built.
_stale: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_exit_hook_installed = False


def mark_stale(tracker: Any, artifacts: Iterable[Any]) -> set[str]:
    """Remember which registered concepts these new artifacts feed; return them.

    Nothing to do (and no database work) when the tracker registered no schemas.
    """
    from consist.data.view_registry import _registries, registry_for

    if tracker not in _registries and not getattr(tracker, "registered_schemas", None):
        return set()
    registry = registry_for(tracker)
    concepts = set()
    for artifact in artifacts:
        meta = getattr(artifact, "meta", None) or {}
        concepts.update(c for c in (artifact.key, meta.get("table_name")) if c in registry)
    if concepts:
        _stale.setdefault(tracker, set()).update(concepts)
        _install_exit_hook()
    return concepts


def stale_concepts(tracker: Any) -> set[str]:
    """Concepts of ``tracker`` whose views are waiting for a rebuild.

    Example:
        >>> class T:
        ...     registered_schemas = []
        >>> stale_concepts(T())
        set()
    """
    return set(_stale.get(tracker, ()))


def discard_stale(tracker: Any, concept: str) -> None:
    """Forget a concept's stale mark (its view was just rebuilt)."""
    waiting = _stale.get(tracker)
    if waiting is not None:
        waiting.discard(concept)


def refresh_stale(tracker: Any) -> list[str]:
    """Rebuild the stale views of ``tracker``; return the views rebuilt.

    Example:
        >>> class T:
        ...     registered_schemas = []
        >>> refresh_stale(T())
        []
    """
    from consist.data.artifact_access import database_of
    from consist.data.view_registry import registry_for

    waiting = _stale.pop(tracker, set())
    db = database_of(tracker) if waiting else None
    if db is None or db.is_closed:  # nothing stale, or nothing left to write to
        return []
    return registry_for(tracker).refresh(*sorted(waiting))


def _refresh_all_at_exit() -> None:
    for tracker in list(_stale.keys()):
        try:
            refresh_stale(tracker)
        except Exception as exc:  # exiting: report, never raise
            logger.warning("Could not refresh views at exit: %s", exc)


def _install_exit_hook() -> None:
    global _exit_hook_installed
    if not _exit_hook_installed:
        atexit.register(_refresh_all_at_exit)
        _exit_hook_installed = True
