"""Query helpers: matching runs, run sets, SQLAlchemy sessions and facet pivots.

``find_matching_runs`` / ``find_matching_run`` answer "which completed runs
look like this one" (by run fields and facet, or by the signature parts);
``run_set`` wraps a query in a ``RunSet``. ``db_session`` / ``run_query``
run your own SQLAlchemy statements on the tracker's database (tables in
``consist.store.sql_tables``); ``pivot_facets`` turns facet values into one
column per key; ``config_run_query`` / ``config_run_rows`` join a
content-addressed cache table to its run-link table.

Example:
    >>> from sqlalchemy import select
    >>> from consist.store.sql_tables import run
    >>> scale = pivot_facets(namespace="assign", keys=["demand.scale"])
    >>> stmt = select(run.c.id, scale.c["demand.scale"]).join(scale, scale.c.run_id == run.c.id)
    >>> consist.run_query(stmt, tracker=tracker)  # doctest: +SKIP
    [('assign_1a2b', 1.0), ('assign_3c4d', 1.2)]
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from consist.errors import ConfigError, ConsistTypeError

if TYPE_CHECKING:
    from consist.models import Run
    from consist.runset import RunSet

__all__ = [
    "config_run_query",
    "config_run_rows",
    "db_session",
    "find_matching_run",
    "find_matching_runs",
    "pivot_facets",
    "run_query",
    "run_set",
]

_SIGNATURE_PARTS = ("config_hash", "input_hash", "git_hash", "signature")


def _tracker(tracker: Any) -> Any:
    from consist.context import current_tracker

    return tracker if tracker is not None else current_tracker()


def find_matching_runs(
    *,
    model: str | None = None,
    status: str | Iterable[str] | None = "completed",
    year: int | None = None,
    iteration: int | None = None,
    stage: str | None = None,
    phase: str | None = None,
    cache_epoch: int | None = None,
    parent_id: str | None = None,
    facet: Mapping[str, Any] | None = None,
    limit: int | None = 100,
    allow_missing_cache_epoch: bool = False,
    tracker: Any = None,
) -> list[Run]:
    """Runs (completed by default) with these fields and facet values, newest first.

    ``cache_epoch`` keeps runs recorded under that epoch; runs that predate
    epochs (no ``cache_epoch`` in their meta) count only with
    ``allow_missing_cache_epoch=True``.

    Example:
        >>> consist.find_matching_runs(model="assign", year=2030,
        ...                            facet={"scenario": "base"}, tracker=tracker)  # doctest: +SKIP
    """
    active = _tracker(tracker)
    filters = {
        "model": model,
        "status": status,
        "year": year,
        "iteration": iteration,
        "stage": stage,
        "phase": phase,
        "parent_id": parent_id,
        "facet": dict(facet) if facet else None,
    }
    filters = {k: v for k, v in filters.items() if v is not None}
    if cache_epoch is None:
        return list(active.find_runs(limit=limit, **filters))
    runs = [
        run
        for run in active.find_runs(limit=None, **filters)
        if run.meta.get("cache_epoch") == cache_epoch
        or (allow_missing_cache_epoch and run.meta.get("cache_epoch") is None)
    ]
    return runs if limit is None else runs[:limit]


def find_matching_run(
    config_hash: str | None = None,
    input_hash: str | None = None,
    git_hash: str | None = None,
    *,
    signature: str | None = None,
    tracker: Any = None,
    **filters: Any,
) -> Run | None:
    """The run a cache lookup would reuse, or the newest run matching the filters.

    With any of ``config_hash``/``input_hash``/``git_hash``/``signature``:
    the newest completed run with all the given values, preferring runs that
    executed over cache-hit runs (as the cache does). Otherwise the newest of
    ``find_matching_runs(**filters)``. None when nothing matches.

    Example:
        >>> run = tracker.find_latest_run(model="clean")  # doctest: +SKIP
        >>> consist.find_matching_run(run.config_hash, run.input_hash, run.git_hash,
        ...                           tracker=tracker).id  # doctest: +SKIP
    """
    parts = {
        "config_hash": config_hash,
        "input_hash": input_hash,
        "git_hash": git_hash,
        "signature": signature,
    }
    parts = {k: v for k, v in parts.items() if v is not None}
    if not parts:
        found = find_matching_runs(tracker=tracker, limit=1, **filters)
        return found[0] if found else None
    filters.setdefault("status", "completed")
    runs = _tracker(tracker).find_runs(limit=None, **parts, **filters)
    executed = [run for run in runs if not run.cache_hit]
    return (executed or runs or [None])[0]


def run_set(tracker: Any = None, label: str | None = None, **filters: Any) -> RunSet:
    """``RunSet.from_query``: the runs matching ``tracker.find_runs(**filters)``, unlimited.

    Example:
        >>> base = consist.run_set(tracker, label="base", facet={"scenario": "base"})  # doctest: +SKIP
        >>> base.split_by("year")  # doctest: +SKIP
    """
    from consist.runset import RunSet

    return RunSet.from_query(_tracker(tracker), label, **filters)


@contextlib.contextmanager
def db_session(tracker: Any = None) -> Iterator[Any]:
    """A SQLAlchemy ORM session on the tracker's database (a SQLModel session when installed).

    Example:
        >>> from sqlalchemy import func, select
        >>> from consist.store.sql_tables import run
        >>> with consist.db_session(tracker) as session:  # doctest: +SKIP
        ...     n = session.execute(select(func.count()).select_from(run)).scalar_one()
    """
    engine = _tracker(tracker).engine
    try:
        from sqlmodel import Session
    except ImportError:
        from sqlalchemy.orm import Session
    with Session(engine) as session:
        yield session


def run_query(query: Any, tracker: Any = None) -> list[Any]:
    """Execute a SQLAlchemy statement (or SQL text) and return all result rows.

    ``select(<one ORM entity>)`` returns the objects themselves (SQLModel
    semantics); other statements return rows (tuples with attribute access).

    Example:
        >>> from sqlalchemy import select
        >>> from consist.store.sql_tables import run
        >>> consist.run_query(select(run.c.id, run.c.status), tracker=tracker)  # doctest: +SKIP
        [('clean_1a2b3c4d', 'completed')]
        >>> consist.run_query("SELECT count(*) FROM artifact", tracker=tracker)  # doctest: +SKIP
        [(4,)]
    """
    import sqlalchemy

    if isinstance(query, str):
        query = sqlalchemy.text(query)
    elif not isinstance(query, sqlalchemy.Executable):
        raise ConsistTypeError(
            "run_query expects a SQLAlchemy statement or SQL text.",
            cause=f"Got {type(query).__name__}.",
            fix="Build the query with sqlalchemy.select(...) on consist.store.sql_tables, "
            "or pass a SQL string.",
        )
    with db_session(tracker) as session:
        execute = getattr(session, "exec", None) or session.execute
        return list(execute(query).all())


def pivot_facets(
    *,
    namespace: str,
    keys: Iterable[str],
    value_column: str = "value_num",
    value_columns: Mapping[str, str] | None = None,
    label_prefix: str = "",
    label_map: Mapping[str, str] | None = None,
    run_id_label: str = "run_id",
    table: Any = None,
) -> Any:
    """A subquery with one row per run and one column per facet key.

    Values come from ``value_column`` (``value_num``, ``value_str``,
    ``value_bool`` or ``value_json``; per key with ``value_columns``); columns
    are named ``label_map[key]`` or ``label_prefix + key``. Runs lacking a
    key get NULL there. ``table`` defaults to ``run_config_kv``.

    Example:
        >>> sub = pivot_facets(namespace="assign", keys=["scenario", "demand.scale"],
        ...                    value_columns={"scenario": "value_str"}, label_prefix="f_")
        >>> sub.c.keys()
        ['run_id', 'f_scenario', 'f_demand.scale']
    """
    from sqlalchemy import and_, case, func, select

    kv = _as_table(table) if table is not None else _tables().run_config_kv
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise ConfigError(
            "pivot_facets needs at least one key.",
            cause="Each key becomes one column of the pivot.",
            fix="Pass keys=['scenario', ...].",
        )
    columns = []
    for key in keys:
        source = (value_columns or {}).get(key, value_column)
        if source not in kv.c:
            raise ConfigError(
                f"pivot_facets: unknown value column {source!r}.",
                cause=f"{kv.name} has columns: {', '.join(kv.c.keys())}.",
                fix="Use value_num, value_str, value_bool or value_json.",
            )
        label = (label_map or {}).get(key, f"{label_prefix}{key}")
        picked = case((kv.c.key == key, kv.c[source]))
        columns.append(func.max(picked).label(label))
    return (
        select(kv.c.run_id.label(run_id_label), *columns)
        .where(and_(kv.c.namespace == namespace, kv.c.key.in_(keys)))
        .group_by(kv.c.run_id)
        .subquery()
    )


def config_run_query(
    table: Any,
    *,
    link_table: Any,
    table_name: str | None = None,
    columns: Iterable[str] | None = None,
    where: Any = None,
    join_on: Iterable[str] | Mapping[str, str] | None = None,
) -> Any:
    """Select a cache table's rows together with the runs linked to them.

    Cache tables store each distinct configuration once under its
    ``content_hash``; a run-link table (``run_id``, ``content_hash``, ...)
    records which runs used it. The join is on ``content_hash`` plus any
    ``join_on`` columns (names shared by both, or ``{table_col: link_col}``).
    ``table_name`` keeps link rows whose ``table_name`` column equals it.
    ``where`` is a SQLAlchemy condition, a list of them, or ``{column: value}``
    on the cache table. Tables are SQLAlchemy ``Table`` objects or ORM classes
    (see ``config_run_rows`` for tables named by string).

    Example:
        >>> from sqlalchemy import Column, MetaData, String, Float, Table
        >>> md = MetaData()
        >>> coeffs = Table("coeffs_cache", md, Column("content_hash", String),
        ...                Column("name", String), Column("value", Float))
        >>> link = Table("coeffs_run_link", md, Column("run_id", String),
        ...              Column("content_hash", String))
        >>> stmt = config_run_query(coeffs, link_table=link, columns=["name", "value"],
        ...                         where={"name": "time"})
        >>> [c.name for c in stmt.selected_columns]
        ['run_id', 'name', 'value']
    """
    from sqlalchemy import and_, select

    cache, link = _as_table(table), _as_table(link_table)
    for needed, source in (("content_hash", cache), ("content_hash", link), ("run_id", link)):
        if needed not in source.c:
            raise ConfigError(
                f"config_run_query: {source.name} has no {needed!r} column.",
                cause="Cache tables join their run-link tables on content_hash; links name run_id.",
                fix="Pass the cache table and its run-link table.",
            )
    pairs = dict(join_on) if isinstance(join_on, Mapping) else {c: c for c in join_on or ()}
    condition = and_(
        cache.c.content_hash == link.c.content_hash,
        *(cache.c[a] == link.c[b] for a, b in pairs.items()),
    )
    picked = [cache.c[name] for name in columns] if columns else list(cache.c)
    stmt = select(link.c.run_id, *(c for c in picked if c.name != "run_id")).select_from(
        cache.join(link, condition)
    )
    if table_name is not None and "table_name" in link.c:
        stmt = stmt.where(link.c.table_name == table_name)
    for clause in _where_clauses(cache, where):
        stmt = stmt.where(clause)
    return stmt


def config_run_rows(
    table: Any,
    *,
    link_table: Any,
    table_name: str | None = None,
    columns: Iterable[str] | None = None,
    where: Any = None,
    join_on: Iterable[str] | Mapping[str, str] | None = None,
    tracker: Any = None,
) -> list[Any]:
    """Run ``config_run_query`` on the tracker's database; tables may be given by name.

    A name (``"coeffs_cache"`` or ``"global_tables.coeffs_cache"``) is looked
    up in the database.

    Example:
        >>> consist.config_run_rows("coeffs_cache", link_table="coeffs_run_link",
        ...                         where={"name": "time"}, tracker=tracker)  # doctest: +SKIP
        [('calib_01', 'abc...', 'time', -0.021)]
    """
    active = _tracker(tracker)
    if isinstance(table, str) or isinstance(link_table, str):
        table, link_table = _reflect(active, table), _reflect(active, link_table)
    stmt = config_run_query(
        table,
        link_table=link_table,
        table_name=table_name,
        columns=columns,
        where=where,
        join_on=join_on,
    )
    return run_query(stmt, tracker=active)


# -- helpers ----------------------------------------------------------------------------


def _tables() -> Any:
    from consist.store import sql_tables

    return sql_tables


def _as_table(value: Any) -> Any:
    import sqlalchemy

    table = getattr(value, "__table__", value)
    if not isinstance(table, sqlalchemy.TableClause):
        raise ConsistTypeError(
            f"Expected a SQLAlchemy Table or ORM class; got {type(value).__name__}.",
            cause="Query builders need the table's columns.",
            fix="Pass a Table (e.g. from consist.store.sql_tables), an ORM/SQLModel class, "
            "or use config_run_rows with table names.",
        )
    return table


def _where_clauses(table: Any, where: Any) -> list[Any]:
    if where is None:
        return []
    if isinstance(where, Mapping):
        return [table.c[name] == value for name, value in where.items()]
    if isinstance(where, list | tuple):
        return list(where)
    return [where]


def _reflect(tracker: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    import sqlalchemy

    from consist.store.introspect import table_columns

    schema, _, name = value.rpartition(".")
    store = tracker.metadata_store
    columns = []
    if store is not None:
        with store.db.session() as con:
            columns = table_columns(con, name, schema or None)
    if not columns:
        raise ConfigError(
            f"No table {value!r} in the provenance database.",
            cause="config_run_rows looks tables up by name.",
            fix="Check the name (cache tables may live in the global_tables schema: "
            "'global_tables.<name>').",
        )
    return sqlalchemy.table(name, *map(sqlalchemy.column, columns), schema=schema or None)
