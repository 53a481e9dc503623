"""``log_dataframe`` and ``ingest``: from a frame in memory to a file, an artifact and DB rows.

``log_dataframe(tracker, df, key, schema=...)`` runs these steps, in this order:

1. convert the frame (pandas, Polars eager or lazy, Arrow, DuckDB) to Arrow;
2. with a schema, validate it (:mod:`consist.data.validation`): a bad frame
   raises before anything is written;
3. write the file atomically (Parquet by default, CSV, JSON) at ``path`` or
   ``<run artifact dir>/<key>.<driver>``; with a schema (and a database), the
   rows are inserted into ``global_tables.<schema table>`` at the same time, in
   one transaction (:mod:`consist.data.pending_ingest`);
4. log it as an artifact of the active run (the tracker records its digest) and
   make sure the concept's registered view reads the ingested table.

If writing, inserting or logging fails, the error propagates and nothing stays
behind: no file, no rows, no artifact. ``ingest(tracker, artifact)`` re-ingests
a logged artifact later.

Example:
    >>> art = log_dataframe(tracker, df, key="persons", schema=Person)  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from consist.data.artifact_access import database_of
from consist.data.drivers import infer_driver
from consist.data.frames import FrameConversionError, to_arrow
from consist.data.ingestion import ingest_table
from consist.data.schemas import TableSchema, resolve_schema
from consist.data.tabular_formats import dictionary_columns
from consist.data.validation import type_mismatch, validate_table
from consist.data.writers import writable_driver, write_table_atomic
from consist.errors import ConsistRuntimeError, ConsistWarning

__all__ = ["ingest", "log_dataframe", "tracker_of"]


def tracker_of(tracker_or_context: Any) -> Any:
    """The Tracker behind a Tracker or a run context (anything with ``.tracker``)."""
    if hasattr(tracker_or_context, "log_artifact"):
        return tracker_or_context
    inner = getattr(tracker_or_context, "tracker", None)
    if inner is not None and hasattr(inner, "log_artifact"):
        return inner
    raise ConsistRuntimeError(
        "Cannot log artifact: no active run.",
        cause=f"{type(tracker_or_context).__name__} is neither a Tracker nor a run context.",
        fix="Call tracker.log_dataframe(...) inside `with tracker.start_run(...)`.",
    )


def log_dataframe(
    tracker: Any,
    df: Any,
    key: str,
    schema: Any = None,
    direction: str = "output",
    path: str | Path | None = None,
    driver: str | None = None,
    meta: dict[str, Any] | None = None,
    parent_artifact_id: str | None = None,
    *,
    strict_schema: bool = False,
    nulls: str = "warn",
    index: bool = False,
    **to_file_kwargs: Any,
) -> Any:
    """Write ``df`` as an artifact of the active run; validate and ingest it when a schema is given.

    ``schema``: SQLModel/pydantic class, ``pyarrow.Schema`` (named by ``key``) or
    TableSchema. ``nulls``: ``"warn"`` (default), ``"error"`` or ``"ignore"`` for
    nulls in non-optional fields. ``strict_schema=True`` rejects undeclared
    columns. ``index=True`` keeps a pandas index as a column. Other keyword
    arguments go to the file writer (e.g. ``compression="zstd"`` for Parquet).

    Example:
        >>> with tracker.start_run("ingest_data", model="example"):  # doctest: +SKIP
        ...     art = log_dataframe(tracker, df, key="persons", schema=Person)
    """
    tracker = tracker_of(tracker)
    run = getattr(tracker, "current_run", None)
    if run is None:
        raise ConsistRuntimeError(
            "Cannot log artifact: no active run.",
            cause="log_dataframe records the frame as an output of the run in progress.",
            fix="Call it inside `with tracker.start_run(...)`, tracker.run(...) or a trace block.",
        )
    resolved = resolve_schema(schema, fallback_name=key) if schema is not None else None
    table = _to_arrow(df, resolved, index)
    if resolved is not None:
        table = validate_table(table, resolved, nulls=nulls, strict=strict_schema, artifact_key=key)
    driver = driver or (infer_driver(path) if path is not None else "parquet")
    writable_driver(driver)
    target = Path(path) if path is not None else _default_path(tracker, key, driver)
    options = _writer_options(driver, table, resolved, to_file_kwargs)
    artifact_meta = dict(meta or {})
    pending = _start_ingest(tracker, table, resolved, run) if resolved is not None else None
    try:
        write_table_atomic(table, target, driver=driver, options=options)
        if pending is not None:
            # Digest the file while the rows are still going in (the tracker takes it as is).
            if "content_hash" not in artifact_meta:
                artifact_meta["content_hash"] = _file_digest(tracker, target)
            pending.wait()  # an ingestion error surfaces here, before anything is recorded
    except BaseException:
        target.unlink(missing_ok=True)
        if pending is not None:
            pending.discard()
        raise
    if resolved is not None:
        artifact_meta.setdefault("schema_name", resolved.name)
        artifact_meta.setdefault("table_name", resolved.table_name)
    try:
        artifact = tracker.log_artifact(
            target,
            key=key,
            direction=direction,
            driver=driver,
            parent_artifact_id=parent_artifact_id,
            **artifact_meta,
        )
    except BaseException:
        target.unlink(missing_ok=True)  # not recorded: leave no orphan file or rows behind
        if pending is not None:
            pending.discard()
        raise
    if pending is not None:
        _adopt(tracker, artifact, pending, table, resolved, run)
    return artifact


def _writer_options(
    driver: str, table: Any, schema: TableSchema | None, given: dict[str, Any]
) -> dict[str, Any]:
    """The caller's writer options, plus which Parquet columns to dictionary-encode."""
    options = dict(given)
    if driver == "parquet" and schema is not None and "use_dictionary" not in options:
        # A validated one-column primary key never repeats: a dictionary only costs time.
        unique = schema.primary_key if len(schema.primary_key) == 1 else ()
        options["use_dictionary"] = dictionary_columns(table, unique=unique)
    return options


def _file_digest(tracker: Any, path: Path) -> str | None:
    """The tracker's digest of ``path`` (None when the tracker has no identity helper)."""
    identity = getattr(tracker, "identity", None)
    compute = getattr(identity, "compute_file_checksum", None)
    return compute(path) if compute is not None else None


def _start_ingest(tracker: Any, table: Any, schema: TableSchema, run: Any) -> Any:
    """Begin inserting the rows while the file is written (None without a database)."""
    from consist.data.pending_ingest import PendingIngest

    _check_ingest_allowed(tracker)
    db = database_of(tracker)
    if db is None:
        _warn_not_ingested(schema.table_name)
        return None
    return PendingIngest.start(db, table, schema.table_name, run=run)


def _adopt(
    tracker: Any, artifact: Any, pending: Any, table: Any, schema: TableSchema, run: Any
) -> None:
    """Tie the inserted rows to the logged artifact."""
    if artifact.run_id == run.id:
        # A new output of this run. The tracker records artifacts when the run ends,
        # so the id the rows already carry can still become the artifact's id.
        artifact.id = pending.artifact_id
        _refresh_views(tracker, schema.table_name)
        return
    pending.discard()
    if artifact.run_id is None:  # logged as an input: rows follow the input's own id
        _ingest(tracker, artifact, table, schema, run)
    else:
        # A cache hit handed back the cached run's artifact: its rows belong to the run
        # that produced it, and are only (re)ingested if missing.
        _ingest_if_missing(tracker, artifact, table, schema)


def ingest(
    tracker: Any, artifact: Any, data: Any = None, schema: Any = None, run: Any = None
) -> int:
    """Ingest an artifact's rows (``data``, or its file) into ``global_tables``; return the row count.

    The table is the schema's ``__tablename__``, else the artifact's recorded
    ``table_name``, else its key. ``run`` defaults to the artifact's producing run.

    Example:
        >>> ingest(tracker, artifact, data=df, schema=Person)  # doctest: +SKIP
        1000
    """
    from consist.data.loaders import load_arrow

    tracker = tracker_of(tracker)
    _check_ingest_allowed(tracker)
    table_name = artifact.meta.get("table_name") or artifact.key
    resolved = resolve_schema(schema, fallback_name=table_name) if schema is not None else None
    table = _to_arrow(data, resolved, False) if data is not None else load_arrow(artifact, tracker)
    if resolved is not None:
        table = validate_table(table, resolved, artifact_key=artifact.key)
    else:
        resolved = TableSchema(table_name, table_name, ())
    if run is None and artifact.run_id is not None:
        run = tracker.get_run(artifact.run_id) if hasattr(tracker, "get_run") else None
    return _ingest(tracker, artifact, table, resolved, run)


def _to_arrow(df: Any, schema: TableSchema | None, index: bool) -> Any:
    try:
        return to_arrow(df, preserve_index=index)
    except FrameConversionError as exc:
        column = schema.column(exc.column) if schema is not None else None
        if column is None:
            raise
        others = [g for g in exc.got if g != column.label] or list(exc.got)
        raise type_mismatch(column, ", ".join(others), schema) from exc


def _ingest_if_missing(tracker: Any, artifact: Any, table: Any, schema: TableSchema) -> None:
    from consist.store import global_tables as gt

    db = database_of(tracker)
    if db is not None:
        with db.session() as con:
            if gt.table_columns(con, schema.table_name) is not None and gt.artifact_row_count(
                con, schema.table_name, artifact.id
            ):
                return
    producer = tracker.get_run(artifact.run_id) if hasattr(tracker, "get_run") else None
    _ingest(tracker, artifact, table, schema, producer)


def _default_path(tracker: Any, key: str, driver: str) -> Path:
    base = Path(tracker.run_artifact_dir())
    return base / f"{key}.{driver}"


def _check_ingest_allowed(tracker: Any) -> None:
    if getattr(tracker, "access_mode", "standard") == "read_only":
        raise ConsistRuntimeError(
            "Ingestion forbidden in 'read_only' mode. Switch to access_mode='analysis' or "
            "'standard'.",
            cause="This Tracker was created with access_mode='read_only'.",
            fix="Create the Tracker with access_mode='analysis' (ingest only) or 'standard'.",
        )


def _ingest(tracker: Any, artifact: Any, table: Any, schema: TableSchema, run: Any) -> int:
    _check_ingest_allowed(tracker)
    db = database_of(tracker)
    if db is None:
        _warn_not_ingested(artifact.key)
        return 0
    rows = ingest_table(
        db,
        table,
        table_name=schema.table_name,
        artifact_id=artifact.id,
        run_id=getattr(run, "id", artifact.run_id),
        year=getattr(run, "year", None),
        iteration=getattr(run, "iteration", None),
    )
    _refresh_views(tracker, schema.table_name)
    return rows


def _warn_not_ingested(name: str) -> None:
    warnings.warn(
        f"Rows of {name!r} are not ingested: the tracker has no database (db_path=None). "
        "The file is written and logged.",
        ConsistWarning,
        stacklevel=4,
    )


def _refresh_views(tracker: Any, *concepts: str) -> None:
    """Make the registered views of these concepts read their ingested table (SQL users)."""
    from consist.data.view_registry import registry_for

    registry = registry_for(tracker)
    for concept in sorted({c for c in concepts if c in registry}):
        registry.ensure_hot_part(concept)
