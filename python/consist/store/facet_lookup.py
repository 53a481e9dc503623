"""SQL for reading the facet values of many runs at once (``run_config_kv``).

Run sets and facet indexes group runs by a facet key; one query for the
whole set keeps that fast at thousands of runs.

Example:
    >>> import duckdb
    >>> from consist.store.facets import record_facet
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> _ = record_facet(con, "r1", {"scenario": "base", "demand": {"scale": 1.1}}, namespace="m")
    >>> run_facet_values(con, ["r1", "r2"])
    {'r1': {'demand.scale': 1.1, 'scenario': 'base'}}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from consist.store.facets import decode_kv_value

__all__ = ["run_facet_values"]

_SELECT = (
    "SELECT run_id, key, value_type, value_str, value_num, value_bool, value_json "
    "FROM run_config_kv WHERE run_id IN (SELECT unnest(?::VARCHAR[]))"
)


def run_facet_values(
    con: Any, run_ids: Iterable[str], *, namespace: str | None = None
) -> dict[str, dict[str, Any]]:
    """``{run_id: {dotted key: value}}`` for the runs that have facet rows.

    Runs without facets are absent. Within one run, a key recorded under
    several namespaces keeps the value of the last namespace in sort order;
    pass ``namespace=`` to pick one.
    """
    ids = list(dict.fromkeys(run_ids))
    if not ids:
        return {}
    sql, params = _SELECT, [ids]
    if namespace is not None:
        sql += " AND namespace = ?"
        params.append(namespace)
    rows = con.execute(sql + " ORDER BY run_id, namespace, key", params).fetchall()
    values: dict[str, dict[str, Any]] = {}
    for run_id, key, value_type, *stored in rows:
        values.setdefault(run_id, {})[key] = decode_kv_value(value_type, *stored)
    return values
