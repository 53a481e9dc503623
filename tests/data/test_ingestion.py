"""Ingestion from Arrow into global_tables: one transaction, evolution, idempotence."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest

from consist.data.ingestion import ingest_table
from consist.errors import SchemaValidationError


def rows(db, sql: str) -> list[tuple]:
    with db.session() as con:
        return con.execute(sql).fetchall()


def test_rows_carry_provenance_columns(db, trips: pa.Table) -> None:
    n = ingest_table(
        db, trips, table_name="trip", artifact_id="a1", run_id="r1", year=2030, iteration=2
    )
    assert n == 3
    assert rows(
        db,
        "SELECT id, mode, consist_run_id, consist_artifact_id, consist_year, consist_iteration "
        "FROM global_tables.trip ORDER BY id",
    ) == [
        (1, "car", "r1", "a1", 2030, 2),
        (2, "bike", "r1", "a1", 2030, 2),
        (3, "walk", "r1", "a1", 2030, 2),
    ]
    types = dict(rows(db, "SELECT column_name, data_type FROM duckdb_columns() "
                          "WHERE table_name = 'trip'"))  # fmt: skip
    assert types["consist_year"] == "BIGINT" and types["consist_run_id"] == "VARCHAR"


def test_pandas_and_polars_sources_land_the_same(db, trips: pa.Table) -> None:
    ingest_table(
        db, pa.Table.from_pandas(trips.to_pandas()), table_name="t", artifact_id="p", run_id="r"
    )
    ingest_table(db, pl.from_arrow(trips).to_arrow(), table_name="t", artifact_id="q", run_id="r")
    assert rows(
        db, "SELECT consist_artifact_id, sum(km) FROM global_tables.t GROUP BY 1 ORDER BY 1"
    ) == [
        ("p", 16.3),
        ("q", 16.3),
    ]


def test_reingesting_an_artifact_replaces_its_rows(db, trips: pa.Table) -> None:
    for _ in range(3):
        ingest_table(db, trips, table_name="trip", artifact_id="a1", run_id="r1")
    ingest_table(db, trips.slice(0, 1), table_name="trip", artifact_id="a2", run_id="r2")
    assert rows(
        db, "SELECT consist_artifact_id, count(*) FROM global_tables.trip GROUP BY 1 ORDER BY 1"
    ) == [
        ("a1", 3),
        ("a2", 1),
    ]


def test_a_new_nullable_column_in_a_later_run_is_added(db, trips: pa.Table) -> None:
    ingest_table(db, trips, table_name="trip", artifact_id="a1", run_id="r1")
    later = trips.append_column("purpose", pa.array(["work", "shop", None]))
    ingest_table(db, later.drop_columns(["km"]), table_name="trip", artifact_id="a2", run_id="r2")
    assert rows(
        db, "SELECT consist_run_id, purpose, km FROM global_tables.trip WHERE id = 1 ORDER BY 1"
    ) == [
        ("r1", None, 12.5),
        ("r2", "work", None),
    ]


def test_incompatible_type_change_is_the_guide_error_and_writes_nothing(
    db, trips: pa.Table
) -> None:
    ingest_table(db, trips, table_name="trip", artifact_id="a1", run_id="r1")
    bad = trips.set_column(0, "id", pa.array(["x", "y", "z"])).append_column(
        "new", pa.array([1, 2, 3])
    )
    with pytest.raises(SchemaValidationError, match="Column 'id' expected int, got str"):
        ingest_table(db, bad, table_name="trip", artifact_id="a2", run_id="r2")
    assert rows(db, "SELECT count(*) FROM global_tables.trip") == [(3,)]
    columns = [r[0] for r in rows(db, "DESCRIBE global_tables.trip")]
    assert "new" not in columns


def test_a_failure_mid_insert_rolls_everything_back(db) -> None:
    first = pa.table({"id": pa.array([1], pa.int32())})
    ingest_table(db, first, table_name="small", artifact_id="a1", run_id="r1")
    # int64 values that overflow the table's INTEGER column fail inside INSERT, after
    # the ALTER TABLE and DELETE ran: all of it must roll back.
    overflow = pa.table({"id": pa.array([2, 2**40], pa.int64()), "extra": ["a", "b"]})
    with pytest.raises(duckdb.Error):
        ingest_table(db, overflow, table_name="small", artifact_id="a1", run_id="r1")
    assert rows(db, "SELECT id, consist_artifact_id FROM global_tables.small") == [(1, "a1")]
    assert [r[0] for r in rows(db, "DESCRIBE global_tables.small")][:2] == ["id", "consist_run_id"]


def test_provenance_columns_in_the_frame_are_replaced(db, trips: pa.Table) -> None:
    echoed = trips.append_column("consist_run_id", pa.array(["old"] * 3)).append_column(
        "consist_scenario_id", pa.array(["s"] * 3)
    )
    ingest_table(db, echoed, table_name="trip", artifact_id="a9", run_id="new")
    assert rows(db, "SELECT DISTINCT consist_run_id FROM global_tables.trip") == [("new",)]
    assert "consist_scenario_id" not in [r[0] for r in rows(db, "DESCRIBE global_tables.trip")]


def test_ingested_table_is_visible_to_plain_duckdb_after_release(
    db, trips: pa.Table, tmp_path: Path
) -> None:
    ingest_table(db, trips, table_name="trip", artifact_id="a1", run_id="r1")
    db.release()
    con = duckdb.connect(str(tmp_path / "provenance.duckdb"))
    try:
        assert con.execute("SELECT count(*) FROM global_tables.trip").fetchall() == [(3,)]
    finally:
        con.close()


def test_odd_table_names_are_quoted(db, trips: pa.Table) -> None:
    ingest_table(db, trips, table_name='we"ird name/1', artifact_id="a", run_id="r")
    assert rows(db, 'SELECT count(*) FROM global_tables."we""ird name/1"') == [(3,)]
