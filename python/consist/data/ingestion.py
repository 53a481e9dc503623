"""Ingest an Arrow table into ``global_tables.<table>`` of the provenance database.

One transaction per ingestion (on the shared DuckDB instance of the database
file, lock retries per ``CONSIST_DLT_LOCK_*``):

* the table is created on first use from the incoming columns plus the
  provenance columns ``consist_run_id``, ``consist_artifact_id``,
  ``consist_year``, ``consist_iteration``;
* schema evolution: columns a later run brings are added (nullable); columns it
  lacks are stored as NULL; a column whose type changed incompatibly raises the
  guide's ``Column 'age' expected int, got str`` and nothing is written;
* idempotent: re-ingesting an artifact replaces its rows;
* provenance columns already present in the frame (a frame read back from a
  view) are replaced by the ingesting run's values.

A failure anywhere rolls the whole transaction back: no partial rows.

Example:
    >>> import pyarrow as pa, tempfile, pathlib
    >>> from consist.store import open_database
    >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb")
    >>> ingest_table(db, pa.table({"id": [1, 2]}), table_name="trip", artifact_id="a1", run_id="r1")
    2
    >>> db.close()
"""

from __future__ import annotations

import uuid
from typing import Any

from consist import settings
from consist.data.column_types import accepts, label_of_duckdb
from consist.errors import SchemaValidationError
from consist.store import global_tables as gt

__all__ = ["DERIVED_COLUMNS", "ingest_table", "strip_provenance"]

#: Columns consist adds: the four stored ones plus the scenario id views derive.
DERIVED_COLUMNS: tuple[str, ...] = (
    *(name for name, _ in gt.PROVENANCE_COLUMNS),
    "consist_scenario_id",
)


def strip_provenance(table: Any) -> Any:
    """Drop consist's provenance columns from an Arrow table (no copy of the rest).

    Example:
        >>> import pyarrow as pa
        >>> strip_provenance(pa.table({"a": [1], "consist_run_id": ["r"]})).column_names
        ['a']
    """
    present = [c for c in DERIVED_COLUMNS if c in table.column_names]
    return table.drop_columns(present) if present else table


def ingest_table(
    db: Any,
    table: Any,
    *,
    table_name: str,
    artifact_id: str,
    run_id: str | None,
    year: int | None = None,
    iteration: int | None = None,
    replace: bool = True,
) -> int:
    """Insert ``table`` into ``global_tables.<table_name>`` in one transaction; return the row count.

    ``db`` is a ``consist.store.Database``. ``replace=False`` skips deleting the
    artifact's earlier rows: only for an id minted for this insert, which has none.

    Example:
        >>> import pyarrow as pa, tempfile, pathlib
        >>> from consist.store import open_database
        >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb")
        >>> args = dict(table_name="t", artifact_id="a", run_id="r")
        >>> ingest_table(db, pa.table({"x": [1]}), **args), ingest_table(db, pa.table({"x": [1]}), **args)
        (1, 1)
        >>> db.close()
    """
    table = strip_provenance(table)
    source = f"__consist_ingest_{uuid.uuid4().hex}"
    with db.transaction(retry=settings.dlt_lock_retry()) as con:
        con.register(source, table)
        try:
            gt.ensure_global_schema(con)
            existing = gt.table_columns(con, table_name)
            if existing is None:
                gt.create_table_from(con, table_name, source)
            else:
                incoming = gt.relation_columns(con, source)
                _check_compatible(table_name, existing, incoming)
                new = [(n, t) for n, t in incoming.items() if n not in existing]
                gt.add_columns(con, table_name, [(n, _nullable_type(t)) for n, t in new])
                if replace:
                    gt.delete_artifact_rows(con, table_name, artifact_id)
            gt.insert_rows(
                con,
                table_name,
                source,
                run_id=run_id,
                artifact_id=artifact_id,
                year=year,
                iteration=iteration,
            )
        finally:
            con.unregister(source)
    return table.num_rows


def _check_compatible(table_name: str, existing: dict[str, str], incoming: dict[str, str]) -> None:
    for name, incoming_type in incoming.items():
        if name not in existing:
            continue
        expected = label_of_duckdb(existing[name])
        got = label_of_duckdb(incoming_type)
        if not accepts(expected, got):
            raise SchemaValidationError(
                f"Column {name!r} expected {expected}, got {got}",
                cause=f"global_tables.{table_name}.{name} holds {existing[name]} values from "
                f"earlier runs; this frame has {incoming_type}.",
                fix=f"Convert the column to {expected} before logging, or ingest into a new "
                "table (another key or schema).",
            )


def _nullable_type(duckdb_type: str) -> str:
    # An all-null Arrow column has DuckDB type "NULL", which cannot be a column type.
    return "VARCHAR" if label_of_duckdb(duckdb_type) == "null" else duckdb_type
