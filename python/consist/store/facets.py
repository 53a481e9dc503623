"""SQL for run facets: ``config_facet`` (one row per distinct facet) and ``run_config_kv``.

A facet is a small JSON dict describing a run (scenario name, parameters)
that users filter and pivot on. It is stored once under the SHA-256 of its
canonical JSON (Consist 0.3's facet id), and flattened into one key/value row
per leaf (``a.b.c`` dotted keys) for each run that carries it.

Example:
    >>> import duckdb
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> facet_id = record_facet(con, "r1", {"scenario": "base", "demand": {"scale": 1.1}})
    >>> [(row["key"], row["value"]) for row in get_run_config_kv(con, "r1")]
    [('demand.scale', 1.1), ('scenario', 'base')]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from consist.models import utc_now
from consist.store.rows import dump_json, first_row, insert_rows, load_json, to_db_time

__all__ = [
    "canonical_json",
    "decode_kv_value",
    "facet_id_for",
    "get_facet",
    "get_run_config_kv",
    "record_facet",
]

# Plain INSERTs after an indexed check: DuckDB's OR IGNORE / OR REPLACE cost ~2.5 ms
# more per statement (see store/artifacts.py).
_INSERT_FACET = (
    "INSERT INTO config_facet (id, namespace, schema_name, schema_version, json, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?)"
)
_KV_COLUMNS = (
    "run_config_kv (run_id, facet_id, namespace, key, value_type, "
    "value_str, value_num, value_bool, value_json, created_at)"
)


def canonical_json(value: Any) -> str:
    """Compact, key-sorted, ASCII JSON: the text a facet id is computed from.

    Example:
        >>> canonical_json({"b": 1, "a": [True, None]})
        '{"a":[true,null],"b":1}'
    """
    return json.dumps(json.loads(dump_json(value)), sort_keys=True, separators=(",", ":"))


def facet_id_for(facet: Mapping[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON (the same id Consist 0.3 gives a facet).

    Example:
        >>> len(facet_id_for({"a": 1}))
        64
    """
    return hashlib.sha256(canonical_json(facet).encode()).hexdigest()


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping) and value:
        for key in sorted(value):
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def _typed(value: Any) -> tuple[str, str | None, float | None, bool | None, str | None]:
    # (value_type, value_str, value_num, value_bool, value_json)
    if value is None:
        return "null", None, None, None, None
    if isinstance(value, bool):
        return "bool", None, None, value, None
    if isinstance(value, int):
        return "int", None, float(value), None, None
    if isinstance(value, float):
        return "float", None, value, None, None
    if isinstance(value, str):
        return "str", value, None, None, None
    return "json", None, None, None, canonical_json(value)


def record_facet(
    con: Any,
    run_id: str,
    facet: Mapping[str, Any],
    *,
    namespace: str | None = None,
    schema_name: str | None = None,
    schema_version: str | int | None = None,
    created_at: datetime | None = None,
    new_run: bool = False,
) -> str:
    """Store a run's facet and its flattened key/value rows; returns the facet id.

    A facet already stored (same id) is kept; key/value rows replace the run's
    earlier rows with the same key. ``new_run=True`` (the run has no facet rows
    yet, e.g. it is being recorded for the first time) skips that check.
    """
    facet_id = facet_id_for(facet)
    namespace = namespace or ""
    when = to_db_time(created_at or utc_now())
    version = None if schema_version is None else str(schema_version)
    if first_row(con.execute("SELECT 1 FROM config_facet WHERE id = ?", [facet_id])) is None:
        con.execute(
            _INSERT_FACET, [facet_id, namespace, schema_name, version, canonical_json(facet), when]
        )
    by_key = {  # {"a.b": 1, "a": {"b": 2}} flattens to "a.b" twice: the last one wins
        key: [run_id, facet_id, namespace, key, *_typed(value), when]
        for key, value in _flatten(facet)
    }
    rows = list(by_key.values())
    if rows and not new_run:
        insert_rows(con, f"INSERT OR REPLACE INTO {_KV_COLUMNS}", rows)
    else:
        insert_rows(con, f"INSERT INTO {_KV_COLUMNS}", rows)
    return facet_id


def get_facet(con: Any, facet_id: str) -> dict[str, Any] | None:
    """The facet dict stored under this id, or None."""
    row = first_row(con.execute("SELECT json FROM config_facet WHERE id = ?", [facet_id]))
    return None if row is None else load_json(row[0])


def decode_kv_value(value_type: str, text: Any, number: Any, flag: Any, blob: Any) -> Any:
    """A ``run_config_kv`` row's value from its typed columns (None for an unknown type).

    Example:
        >>> decode_kv_value("int", None, 3.0, None, None)
        3
    """
    if value_type == "int":
        return int(number)
    if value_type == "float":
        return number
    if value_type == "bool":
        return flag
    if value_type == "str":
        return text
    if value_type == "json":
        return load_json(blob)
    return None


def get_run_config_kv(
    con: Any, run_id: str, *, namespace: str | None = None, prefix: str | None = None
) -> list[dict[str, Any]]:
    """Flattened facet rows of a run, sorted by key: dicts with namespace, key, value, ..."""
    sql = (
        "SELECT facet_id, namespace, key, value_type, value_str, value_num, value_bool, "
        "value_json FROM run_config_kv WHERE run_id = ?"
    )
    params: list[Any] = [run_id]
    if namespace is not None:
        sql += " AND namespace = ?"
        params.append(namespace)
    if prefix is not None:
        sql += " AND starts_with(key, ?)"
        params.append(prefix)
    rows = con.execute(sql + " ORDER BY namespace, key", params).fetchall()
    return [
        {
            "facet_id": facet_id,
            "namespace": ns,
            "key": key,
            "value_type": value_type,
            "value": decode_kv_value(value_type, *stored),
        }
        for facet_id, ns, key, value_type, *stored in rows
    ]
