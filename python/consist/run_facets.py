"""Facet values of recorded runs, from the database or (without one) the JSON snapshots.

A run's facet is the small dict given as ``facet=`` (or picked from its
config with ``facet_from=``); it is stored flattened, with dotted keys for
nested values (``{"demand": {"scale": 1.1}}`` -> ``demand.scale``). Run sets
and facet indexes read values through ``facet_values``.

Example:
    >>> flatten_facet({"scenario": "base", "demand": {"scale": 1.1}})
    {'demand.scale': 1.1, 'scenario': 'base'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["facet_values", "flatten_facet"]


def flatten_facet(facet: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested facet dict -> ``{dotted key: leaf value}``, keys sorted (as stored).

    Example:
        >>> flatten_facet({"a": {"b": 1, "c": {}}})
        {'a.b': 1, 'a.c': {}}
    """
    flat: dict[str, Any] = {}
    for key in sorted(facet):
        name = f"{prefix}.{key}" if prefix else str(key)
        value = facet[key]
        if isinstance(value, Mapping) and value:
            flat.update(flatten_facet(value, name))
        else:
            flat[name] = value
    return flat


def facet_values(
    tracker: Any, run_ids: Iterable[str], *, namespace: str | None = None
) -> dict[str, dict[str, Any]]:
    """``{run_id: {dotted key: value}}`` for these runs (runs without a facet map to ``{}``).

    Example:
        >>> facet_values(tracker, ["clean_1a2b3c4d"])  # doctest: +SKIP
        {'clean_1a2b3c4d': {'scenario': 'base', 'year': 2030}}
    """
    ids = list(dict.fromkeys(run_ids))
    store = tracker.metadata_store
    if store is not None:
        from consist.store.facet_lookup import run_facet_values

        with store.db.session() as con:
            found = run_facet_values(con, ids, namespace=namespace)
    else:
        found = _from_snapshots(tracker, set(ids), namespace)
    return {run_id: found.get(run_id, {}) for run_id in ids}


def _from_snapshots(
    tracker: Any, ids: set[str], namespace: str | None
) -> dict[str, dict[str, Any]]:
    from consist.store.snapshots import SNAPSHOT_DIRNAME, iter_snapshots

    found = {}
    for _, record in iter_snapshots(tracker.run_dir / SNAPSHOT_DIRNAME):
        if record.run.id not in ids or not record.facet:
            continue
        # Facets are recorded under the run's model name as namespace.
        if namespace is None or namespace == record.run.model_name:
            found[record.run.id] = flatten_facet(record.facet)
    return found
