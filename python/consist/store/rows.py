"""Mapping between model objects and database rows.

Timestamps are stored as naive UTC ``TIMESTAMP`` values (what
``SELECT * FROM run`` shows); ``meta`` is JSON text; ``tags`` is a
``VARCHAR[]`` so tag filters run in SQL.

Example:
    >>> from consist.models import Run
    >>> run = Run(id="r", model_name="m", meta={"a": 1})
    >>> row_to_run(run_params(run)).meta
    {'a': 1}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any

from consist.errors import ConfigError
from consist.models import Artifact, Run
from consist.store.schema import RUN_COLUMNS

__all__ = [
    "ARTIFACT_COLUMNS",
    "RUN_COLUMNS",
    "artifact_params",
    "dump_json",
    "first_row",
    "insert_rows",
    "load_json",
    "row_to_artifact",
    "row_to_run",
    "run_params",
    "to_db_time",
]

ARTIFACT_COLUMNS = (
    "id",
    "key",
    "container_uri",
    "table_path",
    "array_path",
    "driver",
    "hash",
    "size",
    "content_id",
    "parent_artifact_id",
    "run_id",
    "meta",
    "created_at",
)


def _json_default(value: Any) -> Any:
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=repr) if not isinstance(value, tuple) else list(value)
    raise ConfigError(
        f"Cannot store a {type(value).__name__} in run or artifact metadata.",
        cause="Metadata is stored as JSON; allowed values are str, int, float, bool, None, "
        "lists and dicts (paths and datetimes are converted to strings).",
        fix=f"Convert the value to one of those types before logging it: {value!r:.50}",
    )


def first_row(result: Any) -> tuple[Any, ...] | None:
    """The first row of an executed statement, or None; the result is read to the end.

    ``fetchone()`` would leave the rest of the result pending on the shared
    connection, and the next statement on it can then fail (DuckDB 2.x).

    Example:
        >>> import duckdb
        >>> first_row(duckdb.connect().execute("SELECT 1 UNION ALL SELECT 2 ORDER BY 1"))
        (1,)
    """
    rows = result.fetchall()
    return rows[0] if rows else None


def dump_json(value: Any) -> str:
    """JSON text for a JSON column (paths and datetimes become strings).

    Example:
        >>> dump_json({"p": PurePath("/a")})
        '{"p": "/a"}'
    """
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def load_json(text: str | None) -> Any:
    """Parse a JSON column value; NULL reads as an empty dict.

    Example:
        >>> load_json(None), load_json('[1]')
        ({}, [1])
    """
    return {} if text is None else json.loads(text)


def _meta_value(stored: Any) -> Any:
    # Either already decoded (a dict) or the stored JSON text.
    return stored if isinstance(stored, dict) else load_json(stored)


# Rows per multi-row INSERT statement. One statement with many VALUES tuples is far
# cheaper than DuckDB's executemany (which runs one statement per row: ~2.5 ms each).
INSERT_CHUNK_ROWS = 256


def insert_rows(con: Any, head: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run ``head VALUES (...), (...)`` for ``rows``, in chunks of ``INSERT_CHUNK_ROWS``.

    Example:
        >>> import duckdb
        >>> con = duckdb.connect(); _ = con.execute("CREATE TABLE t (a INT, b INT)")
        >>> insert_rows(con, "INSERT INTO t (a, b)", [(1, 2), (3, 4)])
        >>> con.execute("SELECT sum(a + b) FROM t").fetchone()
        (10,)
    """
    if not rows:
        return
    tuple_sql = "(" + ", ".join("?" for _ in rows[0]) + ")"
    for start in range(0, len(rows), INSERT_CHUNK_ROWS):
        chunk = rows[start : start + INSERT_CHUNK_ROWS]
        sql = f"{head} VALUES {', '.join(tuple_sql for _ in chunk)}"
        con.execute(sql, [value for row in chunk for value in row])


def to_db_time(value: datetime | None) -> datetime | None:
    """Aware datetime -> naive UTC for a TIMESTAMP column.

    Example:
        >>> to_db_time(datetime(2030, 1, 1, tzinfo=UTC))
        datetime.datetime(2030, 1, 1, 0, 0)
    """
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def run_params(run: Run) -> list[Any]:
    """Values in ``RUN_COLUMNS`` order.

    Example:
        >>> run_params(Run(id="r", model_name="m"))[:3]
        ['r', None, 'running']
    """
    return [
        run.id,
        run.parent_run_id,
        run.status,
        run.model_name,
        run.description,
        run.year,
        run.iteration,
        run.stage,
        run.phase,
        list(run.tags),
        run.config_hash,
        run.git_hash,
        run.input_hash,
        run.signature,
        bool(run.cache_hit),
        dump_json(run.meta),
        to_db_time(run.started_at),
        to_db_time(run.ended_at),
        to_db_time(run.created_at),
        to_db_time(run.updated_at),
    ]


def row_to_run(row: Sequence[Any]) -> Run:
    """Build a Run from a row selected in ``RUN_COLUMNS`` order.

    Example:
        >>> row_to_run(run_params(Run(id="r", model_name="m"))).id
        'r'
    """
    values = dict(zip(RUN_COLUMNS, row, strict=True))
    values["meta"] = _meta_value(values["meta"])
    values["tags"] = list(values["tags"] or [])
    values["cache_hit"] = bool(values["cache_hit"])
    return Run(**values)


def artifact_params(artifact: Artifact) -> list[Any]:
    """Values in ``ARTIFACT_COLUMNS`` order.

    Example:
        >>> artifact_params(Artifact(key="k", container_uri="/x", id="i"))[:3]
        ['i', 'k', '/x']
    """
    return [
        artifact.id,
        artifact.key,
        artifact.container_uri,
        artifact.table_path,
        artifact.array_path,
        artifact.driver,
        artifact.hash,
        artifact.size,
        artifact.content_id,
        artifact.parent_artifact_id,
        artifact.run_id,
        dump_json(artifact.meta),
        to_db_time(artifact.created_at),
    ]


def row_to_artifact(row: Sequence[Any]) -> Artifact:
    """Build an Artifact from a row selected in ``ARTIFACT_COLUMNS`` order.

    Example:
        >>> row_to_artifact(artifact_params(Artifact(key="k", container_uri="/x"))).key
        'k'
    """
    values = dict(zip(ARTIFACT_COLUMNS, row, strict=True))
    values["meta"] = _meta_value(values["meta"])
    return Artifact(**values)
