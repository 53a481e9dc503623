"""SQL for the Tracker's lookup methods: artifacts by producer, consumer, location,
content and parentage; runs by one facet value; stored facets.

Each function takes an open connection and returns model objects (or plain
rows for facets). Results are newest first and ``limit`` is applied in SQL.

Example:
    >>> import duckdb
    >>> from consist.models import Artifact
    >>> from consist.store.artifacts import insert_artifacts, link
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> a = Artifact(key="t", container_uri="./t.csv", driver="csv", hash="blake3:aa", run_id="r1")
    >>> insert_artifacts(con, [a]); link(con, "r2", a.id, "input", key="t")
    >>> [x.key for x in artifacts_linked(con, creator="r1", consumer="r2")]
    ['t']
    >>> runs_with_content(con, "blake3:aa")
    ['r1']
"""

from __future__ import annotations

from typing import Any

from consist.models import Artifact
from consist.store.rows import ARTIFACT_COLUMNS, load_json, row_to_artifact

__all__ = [
    "artifact_at_uri",
    "artifacts_linked",
    "artifacts_with_content",
    "artifacts_with_facet",
    "child_artifacts",
    "config_facets",
    "runs_by_facet_value",
    "runs_with_content",
]

_SELECT = "SELECT " + ", ".join(f"a.{c}" for c in ARTIFACT_COLUMNS) + " FROM artifact a"
_NEWEST = " ORDER BY a.created_at DESC, a.id DESC"


def _limited(sql: str, params: list[Any], limit: int | None) -> tuple[str, list[Any]]:
    if limit is None:
        return sql, params
    return sql + " LIMIT ?", [*params, int(limit)]


def _artifacts(con: Any, sql: str, params: list[Any], limit: int | None) -> list[Artifact]:
    sql, params = _limited(sql + _NEWEST, params, limit)
    return [row_to_artifact(row) for row in con.execute(sql, params).fetchall()]


def artifacts_linked(
    con: Any,
    *,
    creator: str | None = None,
    consumer: str | None = None,
    key: str | None = None,
    limit: int | None = 100,
) -> list[Artifact]:
    """Artifacts written by run ``creator`` and/or read by run ``consumer`` (and with ``key``)."""
    clauses, params = [], []
    if creator is not None:
        # The producer is artifact.run_id; a cache-hit run also "wrote" what it linked.
        clauses.append(
            "(a.run_id = ? OR a.id IN (SELECT artifact_id FROM run_artifact_link "
            "WHERE run_id = ? AND direction = 'output'))"
        )
        params += [creator, creator]
    if consumer is not None:
        clauses.append(
            "a.id IN (SELECT artifact_id FROM run_artifact_link "
            "WHERE run_id = ? AND direction = 'input')"
        )
        params.append(consumer)
    if key is not None:
        clauses.append("a.key = ?")
        params.append(key)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return _artifacts(con, _SELECT + where, params, limit)


def artifact_at_uri(
    con: Any, uri: str, *, table_path: str | None = None, array_path: str | None = None
) -> Artifact | None:
    """The newest artifact recorded at this location (URI plus table/array path)."""
    sql = (
        f"{_SELECT} WHERE a.container_uri = ? AND a.table_path IS NOT DISTINCT FROM ? "
        "AND a.array_path IS NOT DISTINCT FROM ?"
    )
    found = _artifacts(con, sql, [uri, table_path, array_path], 1)
    return found[0] if found else None


def child_artifacts(con: Any, parent_id: str) -> list[Artifact]:
    """Artifacts whose ``parent_artifact_id`` is ``parent_id`` (e.g. tables of a container file)."""
    return _artifacts(con, f"{_SELECT} WHERE a.parent_artifact_id = ?", [parent_id], None)


def artifacts_with_content(
    con: Any, digest: str, *, exclude_id: str | None = None
) -> list[Artifact]:
    """Other artifacts with the same content digest."""
    sql = f"{_SELECT} WHERE a.hash = ? AND a.id IS DISTINCT FROM ?"
    return _artifacts(con, sql, [digest, exclude_id], None)


def runs_with_content(con: Any, digest: str) -> list[str]:
    """Ids of the runs that produced an artifact with this content digest, newest first."""
    rows = con.execute(
        "SELECT a.run_id, max(a.created_at) AS made FROM artifact a "
        "WHERE a.hash = ? AND a.run_id IS NOT NULL GROUP BY a.run_id ORDER BY made DESC, a.run_id",
        [digest],
    ).fetchall()
    return [row[0] for row in rows]


def artifacts_with_facet(
    con: Any, *, key_prefix: str | None = None, limit: int | None = None
) -> list[Artifact]:
    """Artifacts carrying a facet (``meta.facet``), optionally with keys starting ``key_prefix``."""
    sql = f"{_SELECT} WHERE json_extract(a.meta, '$.facet') IS NOT NULL"
    params: list[Any] = []
    if key_prefix is not None:
        sql += " AND starts_with(a.key, ?)"
        params.append(key_prefix)
    return _artifacts(con, sql, params, limit)


def config_facets(
    con: Any,
    *,
    namespace: str | None = None,
    schema_name: str | None = None,
    limit: int | None = 100,
) -> list[dict[str, Any]]:
    """Stored run facets: dicts with id, namespace, schema_name, schema_version, facet."""
    sql = "SELECT id, namespace, schema_name, schema_version, json FROM config_facet"
    clauses, params = [], []
    for column, value in (("namespace", namespace), ("schema_name", schema_name)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    sql += (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY created_at DESC, id"
    sql, params = _limited(sql, params, limit)
    keys = ("id", "namespace", "schema_name", "schema_version")
    return [
        {**dict(zip(keys, row[:4], strict=True)), "facet": load_json(row[4])}
        for row in con.execute(sql, params).fetchall()
    ]


def runs_by_facet_value(
    con: Any,
    *,
    key: str,
    namespace: str | None = None,
    value_type: str | None = None,
    value_str: str | None = None,
    value_num: float | None = None,
    value_bool: bool | None = None,
    limit: int | None = 100,
) -> list[str]:
    """Ids of runs with facet ``key`` (matching each given value), newest run first."""
    sql = (
        "SELECT DISTINCT kv.run_id, r.created_at FROM run_config_kv kv "
        "JOIN run r ON r.id = kv.run_id WHERE kv.key = ?"
    )
    params: list[Any] = [key]
    for column, value in (
        ("namespace", namespace),
        ("value_type", value_type),
        ("value_str", value_str),
        ("value_num", value_num),
        ("value_bool", value_bool),
    ):
        if value is not None:
            sql += f" AND kv.{column} = ?"
            params.append(value)
    sql, params = _limited(sql + " ORDER BY r.created_at DESC, kv.run_id", params, limit)
    return [row[0] for row in con.execute(sql, params).fetchall()]
