"""Read queries behind the inspection commands: lineage links, search, scenarios, summary.

Example:
    >>> import duckdb
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> search_runs(con, "100%_done", limit=5)
    []
"""

from __future__ import annotations

from typing import Any

from consist.store.rows import RUN_COLUMNS, row_to_run

__all__ = [
    "SCENARIO_TAG",
    "artifact_links",
    "artifacts_by_key_prefix",
    "escape_like",
    "run_links",
    "runs_matching_params",
    "scenario_headers",
    "search_runs",
    "summary_figures",
]

SCENARIO_TAG = "scenario_header"
_RUN_SELECT = f"SELECT {', '.join('r.' + c for c in RUN_COLUMNS)} FROM run r"


def escape_like(text: str) -> str:
    """Escape ``%``, ``_`` and ``\\`` so ``text`` matches literally inside LIKE (ESCAPE '\\').

    Example:
        >>> escape_like("a_b%")
        'a\\\\_b\\\\%'
    """
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def run_links(con: Any, run_ids: list[str]) -> list[tuple[str, str, str]]:
    """``(run_id, artifact_id, direction)`` links of the given runs."""
    if not run_ids:
        return []
    return con.execute(
        "SELECT run_id, artifact_id, direction FROM run_artifact_link "
        "WHERE run_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY run_id, direction, key",
        [run_ids],
    ).fetchall()


def artifact_links(con: Any, artifact_ids: list[str]) -> list[tuple[str, str, str]]:
    """``(run_id, artifact_id, direction)`` links of the given artifacts.

    An artifact's producer also counts when only ``artifact.run_id`` records it.
    """
    if not artifact_ids:
        return []
    return con.execute(
        "SELECT run_id, artifact_id, direction FROM run_artifact_link "
        "WHERE artifact_id IN (SELECT unnest(?::VARCHAR[])) "
        "UNION SELECT a.run_id, a.id, 'output' FROM artifact a "
        "WHERE a.id IN (SELECT unnest(?::VARCHAR[])) AND a.run_id IS NOT NULL "
        "ORDER BY 1, 3",
        [artifact_ids, artifact_ids],
    ).fetchall()


def search_runs(con: Any, text: str, *, limit: int) -> list[Any]:
    """Runs whose id, model name, description or a tag contains ``text`` (case-insensitive)."""
    pattern = f"%{escape_like(text)}%"
    rows = con.execute(
        f"{_RUN_SELECT} WHERE r.id ILIKE $p ESCAPE '\\' OR r.model_name ILIKE $p ESCAPE '\\' "
        "OR coalesce(r.description, '') ILIKE $p ESCAPE '\\' "
        "OR len(list_filter(coalesce(r.tags, []), lambda t: t ILIKE $p ESCAPE '\\')) > 0 "
        "ORDER BY r.created_at DESC, r.id DESC LIMIT $n",
        {"p": pattern, "n": int(limit)},
    ).fetchall()
    return [row_to_run(row) for row in rows]


def artifacts_by_key_prefix(con: Any, prefix: str, *, limit: int) -> list[tuple]:
    """``(id, key, driver, container_uri, run_id, created_at)`` of artifacts whose key starts so."""
    return con.execute(
        "SELECT id, key, driver, container_uri, run_id, created_at FROM artifact "
        "WHERE starts_with(key, ?) ORDER BY created_at DESC, id DESC LIMIT ?",
        [prefix, int(limit)],
    ).fetchall()


def scenario_headers(con: Any, *, limit: int, name: str | None = None) -> list[tuple[Any, int]]:
    """``(header Run, number of step runs)``: runs tagged ``scenario_header``, newest first."""
    sql = (
        f"{_RUN_SELECT} WHERE list_contains(coalesce(r.tags, []), ?) "
        + ("AND r.id = ? " if name is not None else "")
        + "ORDER BY r.created_at DESC, r.id DESC LIMIT ?"
    )
    params: list[Any] = [SCENARIO_TAG] + ([name] if name is not None else []) + [int(limit)]
    headers = [row_to_run(row) for row in con.execute(sql, params).fetchall()]
    if not headers:
        return []
    counts = dict(
        con.execute(
            "SELECT parent_run_id, count(*) FROM run WHERE parent_run_id IN "
            "(SELECT unnest(?::VARCHAR[])) GROUP BY parent_run_id",
            [[h.id for h in headers]],
        ).fetchall()
    )
    return [(h, int(counts.get(h.id, 0))) for h in headers]


def summary_figures(con: Any) -> dict[str, Any]:
    """Totals for ``consist summary``: runs per model and status, artifacts per driver, dates."""
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM run").fetchall()[0]
    models = con.execute(
        "SELECT model_name, count(*), count(*) FILTER (status = 'completed'), "
        "count(*) FILTER (status = 'failed'), count(*) FILTER (cache_hit), max(created_at) "
        "FROM run GROUP BY model_name ORDER BY count(*) DESC, model_name"
    ).fetchall()
    drivers = con.execute(
        "SELECT driver, count(*), sum(size) FROM artifact GROUP BY driver ORDER BY count(*) DESC"
    ).fetchall()
    scenarios = con.execute(
        "SELECT count(*) FROM run WHERE list_contains(coalesce(tags, []), ?)", [SCENARIO_TAG]
    ).fetchall()[0][0]
    return {
        "first_run_at": first,
        "last_run_at": last,
        "scenarios": int(scenarios),
        "models": [
            {
                "model": m,
                "runs": int(n),
                "completed": int(ok),
                "failed": int(bad),
                "cache_hits": int(hits),
                "last_run_at": latest,
            }
            for m, n, ok, bad, hits, latest in models
        ],
        "artifacts_by_driver": [
            {"driver": d, "artifacts": int(n), "bytes": None if s is None else int(s)}
            for d, n, s in drivers
        ],
    }


def _param_clause(op: str, value: str) -> tuple[str, list[Any]]:
    # Numbers compare numerically, true/false as booleans, anything else as text.
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        return f"value_num {op} ?", [number]
    if op == "=" and value.lower() in ("true", "false"):
        return "value_bool = ?", [value.lower() == "true"]
    return f"value_str {op} ?", [value]


def runs_matching_params(
    con: Any, params: list[tuple[str, str, str]], *, namespace: str | None = None
) -> list[str]:
    """Run ids whose facet values satisfy every ``(key, op, value)`` (op: ``=``, ``>=``, ``<=``)."""
    sql = "SELECT id FROM run WHERE TRUE"
    args: list[Any] = []
    for key, op, value in params:
        clause, values = _param_clause(op, value)
        scope = " AND namespace = ?" if namespace is not None else ""
        sql += f" AND id IN (SELECT run_id FROM run_config_kv WHERE key = ?{scope} AND {clause})"
        args += [key, *([namespace] if namespace is not None else []), *values]
    rows = con.execute(sql + " ORDER BY created_at DESC, id DESC", args).fetchall()
    return [r[0] for r in rows]
