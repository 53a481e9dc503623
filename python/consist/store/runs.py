"""SQL for the ``run`` table. Functions take an open connection (a ``Database`` session).

Example:
    >>> import duckdb
    >>> from consist.models import Run
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> _ = insert_run(con, Run(id="r1", model_name="m", status="completed", signature="s"))
    >>> find_completed_run_by_signature(con, "s").id
    'r1'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from consist.errors import ConfigError, RunNotFoundError
from consist.models import Run
from consist.store.rows import RUN_COLUMNS, dump_json, first_row, row_to_run, run_params

__all__ = [
    "count_runs",
    "find_completed_run_by_signature",
    "find_completed_runs_by_signature",
    "find_prior_run_for_miss",
    "find_runs",
    "get_run",
    "get_runs",
    "insert_run",
    "update_run",
    "upsert_run",
]

_SELECT = f"SELECT {', '.join(RUN_COLUMNS)} FROM run"
_PLACEHOLDERS = ", ".join("?" for _ in RUN_COLUMNS)
_INSERT = f"INSERT INTO run ({', '.join(RUN_COLUMNS)}) VALUES ({_PLACEHOLDERS})"
_UPSERT = f"INSERT OR REPLACE INTO run ({', '.join(RUN_COLUMNS)}) VALUES ({_PLACEHOLDERS})"
_UPDATE = (
    "UPDATE run SET "
    + ", ".join(f"{column} = ?" for column in RUN_COLUMNS if column != "id")
    + " WHERE id = ?"
)
_ORDERS = {"newest": "created_at DESC, id DESC", "oldest": "created_at ASC, id ASC"}
# find_runs keyword -> column, for plain equality filters.
_EQUALITY_FILTERS = {
    "model": "model_name",
    "year": "year",
    "iteration": "iteration",
    "stage": "stage",
    "phase": "phase",
    "parent_run_id": "parent_run_id",
    "signature": "signature",
    "config_hash": "config_hash",
    "input_hash": "input_hash",
    "git_hash": "git_hash",
    "cache_hit": "cache_hit",
}


def insert_run(con: Any, run: Run) -> list[Any]:
    """Insert a new run row; ``ConfigError`` if the id is already recorded.

    Returns the values written (``update_run(..., written=...)`` uses them).
    """
    import duckdb

    params = run_params(run)
    try:
        con.execute(_INSERT, params)
    except duckdb.ConstraintException as exc:
        raise ConfigError(
            f"A run with id {run.id!r} already exists.",
            cause=str(exc),
            fix="Use a new run id (the default ids add a random suffix), or update_run.",
        ) from exc
    return params


def upsert_run(con: Any, run: Run) -> None:
    """Insert a run row or replace the row with the same id (used by rebuild)."""
    con.execute(_UPSERT, run_params(run))


def update_run(con: Any, run: Run, *, written: list[Any] | None = None) -> list[Any]:
    """Write ``run``'s fields over its existing row; RunNotFoundError if there is none.

    ``written``: the values this process last wrote to the row (what ``insert_run``
    returned); only columns whose value changed since are updated, which costs about
    half of a full-row UPDATE. Returns the values now in the row.
    """
    params = run_params(run)
    if written is None:
        updated = first_row(con.execute(_UPDATE, [*params[1:], params[0]]))
    else:
        changed = [i for i in range(1, len(params)) if params[i] != written[i]]
        if not changed:
            changed = [RUN_COLUMNS.index("status")]  # still check that the row exists
        assignments = ", ".join(f"{RUN_COLUMNS[i]} = ?" for i in changed)
        values = [params[i] for i in changed]
        sql = f"UPDATE run SET {assignments} WHERE id = ?"
        updated = first_row(con.execute(sql, [*values, params[0]]))
    if not updated or updated[0] == 0:
        raise RunNotFoundError(
            f"No run with id {run.id!r} to update.",
            cause="update_run only changes existing rows.",
            fix="Call insert_run first (the tracker records a run when it starts).",
        )
    return params


def get_run(con: Any, run_id: str) -> Run | None:
    """The run with this id, or None."""
    row = first_row(con.execute(f"{_SELECT} WHERE id = ?", [run_id]))
    return None if row is None else row_to_run(row)


def get_runs(con: Any, run_ids: Iterable[str]) -> dict[str, Run]:
    """Runs by id (missing ids are absent from the result)."""
    ids = list(dict.fromkeys(run_ids))
    if not ids:
        return {}
    # A literal IN list keeps the primary-key index in play (a semi-join would scan).
    placeholders = ", ".join("?" for _ in ids)
    rows = con.execute(f"{_SELECT} WHERE id IN ({placeholders})", ids).fetchall()
    return {run.id: run for run in map(row_to_run, rows)}


def _signature_candidates(con: Any, signature: str) -> list[tuple[str, Any, bool]]:
    # (id, created_at, cache_hit) of completed runs with this signature: executed
    # runs first, newest first within each group.
    # Only "signature = ? AND status = ..." in SQL: an ORDER BY/LIMIT, or a filter on
    # the boolean cache_hit, makes DuckDB drop the index scan for a full scan
    # (4-15 ms at 100,000 runs instead of well under 1 ms).
    rows = con.execute(
        "SELECT id, created_at, cache_hit FROM run WHERE signature = ? AND status = 'completed'",
        [signature],
    ).fetchall()
    rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
    return [row for row in rows if not row[2]] + [row for row in rows if row[2]]


def find_completed_runs_by_signature(con: Any, signature: str) -> list[Run]:
    """Every completed run with this signature, executed runs first, newest first within each."""
    order = [row[0] for row in _signature_candidates(con, signature)]
    runs = get_runs(con, order)
    return [runs[run_id] for run_id in order if run_id in runs]


def find_completed_run_by_signature(con: Any, signature: str) -> Run | None:
    """The cache lookup: the newest completed run with this signature that actually executed.

    Cache-hit runs carry the same signature; one is returned only when no executed
    run is left. Running and failed runs never match.
    """
    candidates = _signature_candidates(con, signature)
    return get_run(con, candidates[0][0]) if candidates else None


def find_prior_run_for_miss(
    con: Any, model_name: str, *, exclude_run_id: str | None = None
) -> Run | None:
    """Newest completed run of the same model, to explain why a step ran again."""
    row = first_row(
        con.execute(
            f"{_SELECT} WHERE model_name = ? AND status = 'completed' AND id IS DISTINCT FROM ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            [model_name, exclude_run_id],
        )
    )
    return None if row is None else row_to_run(row)


def _where(filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in filters.items():
        if value is None:
            continue
        if name == "status":
            statuses = [value] if isinstance(value, str) else list(value)
            clauses.append("status IN (SELECT unnest(?::VARCHAR[]))")
            params.append(statuses)
        elif name == "tags":
            tags = [value] if isinstance(value, str) else list(value)
            clauses.append("list_has_all(tags, ?::VARCHAR[])")
            params.append(tags)
        elif name == "meta":
            for key, expected in dict(value).items():
                clauses.append("json_extract(meta, ?) = json(?)")
                params.extend([f'$."{key}"', dump_json(expected)])
        elif name in _EQUALITY_FILTERS:
            clauses.append(f"{_EQUALITY_FILTERS[name]} = ?")
            params.append(value)
        else:
            allowed = ", ".join(sorted([*_EQUALITY_FILTERS, "status", "tags", "meta"]))
            raise ConfigError(
                f"Unknown run filter {name!r}.",
                cause=f"Runs can be filtered by: {allowed}.",
                fix="Use one of those keyword arguments.",
            )
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def find_runs(
    con: Any,
    *,
    limit: int | None = None,
    order: str = "newest",
    **filters: Any,
) -> list[Run]:
    """Runs matching every given filter (None means "any"), newest first by default.

    Filters: model, status (str or list), tags (all must be present), year,
    iteration, stage, phase, parent_run_id, signature, config_hash,
    input_hash, git_hash, cache_hit, meta (dict of key -> JSON value).
    """
    if order not in _ORDERS:
        raise ConfigError(
            f"Unknown run order {order!r}.",
            cause="order must be 'newest' or 'oldest'.",
            fix="Pass order='newest' or order='oldest'.",
        )
    where, params = _where(filters)
    sql = f"{_SELECT}{where} ORDER BY {_ORDERS[order]}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [row_to_run(row) for row in con.execute(sql, params).fetchall()]


def count_runs(con: Any, **filters: Any) -> int:
    """Number of runs matching the filters of ``find_runs``."""
    where, params = _where(filters)
    return int(con.execute(f"SELECT count(*) FROM run{where}", params).fetchall()[0][0])
