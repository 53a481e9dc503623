"""Hybrid views: ingested rows plus files on disk, across runs, each artifact once."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from consist.data.ingestion import ingest_table
from consist.data.schemas import TableSchema, resolve_schema
from consist.data.views import build_hybrid_view, view
from consist.errors import ConsistRuntimeError, ConsistWarning

# An Arrow schema (the SQLModel flavour is covered in test_log_dataframe.py).
Trip = TableSchema.from_arrow(
    "trip",
    pa.schema(
        [pa.field("id", pa.int64(), nullable=False), ("mode", pa.string()), ("km", pa.float64())]
    ),
    primary_key=["id"],
)


def query(db, sql: str) -> list[tuple]:
    with db.session() as con:
        return con.execute(sql).fetchall()


def write_trips(path: Path, run: int, n: int = 3) -> Path:
    table = pa.table(
        {"id": list(range(n)), "mode": ["car"] * n, "km": [float(run)] * n},
    )
    if path.suffix == ".csv":
        pcsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


def test_view_unions_files_and_ingested_rows_with_provenance(db, record, tmp_path: Path) -> None:
    for run in range(3):  # runs 0-1: files on disk; run 2: CSV
        suffix = "csv" if run == 2 else "parquet"
        path = write_trips(tmp_path / f"trips_{run}.{suffix}", run)
        record(
            path, key="trip", run_id=f"r{run}", year=2020 + run, parent_run_id="scen", driver=suffix
        )
    hot = pa.table({"id": [10, 11], "mode": ["bus", "bus"], "km": [5.0, 5.0]})
    ingest_table(db, hot, table_name="trip", artifact_id="hot1", run_id="r9", year=2050)
    assert build_hybrid_view(db, "trip", schema=resolve_schema(Trip)) == "v_trip"
    assert query(
        db,
        "SELECT consist_run_id, consist_year, consist_scenario_id, count(*), sum(km) "
        "FROM v_trip GROUP BY ALL ORDER BY 1",
    ) == [
        ("r0", 2020, "scen", 3, 0.0),
        ("r1", 2021, "scen", 3, 3.0),
        ("r2", 2022, "scen", 3, 6.0),
        ("r9", 2050, None, 2, 10.0),
    ]


def test_ingested_artifact_counts_once_even_after_its_file_is_deleted(
    db, record, tmp_path: Path
) -> None:
    path = write_trips(tmp_path / "t.parquet", 1)
    artifact = record(path, key="trip", run_id="r1")
    ingest_table(db, pq.read_table(path), table_name="trip", artifact_id=artifact.id, run_id="r1")
    build_hybrid_view(db, "trip")
    assert query(db, "SELECT count(*) FROM v_trip") == [(3,)]  # not 6
    path.unlink()
    build_hybrid_view(db, "trip")  # no warning: the rows are ingested
    assert query(db, "SELECT count(*), min(consist_artifact_id) FROM v_trip") == [(3, artifact.id)]


def test_missing_files_are_skipped_with_a_warning(db, record, tmp_path: Path) -> None:
    kept = record(write_trips(tmp_path / "a.parquet", 1), key="trip", run_id="r1")
    gone = write_trips(tmp_path / "b.parquet", 2)
    record(gone, key="trip", run_id="r2")
    gone.unlink()
    with pytest.warns(ConsistWarning, match="skips 1 missing file"):
        build_hybrid_view(db, "trip")
    assert query(db, "SELECT DISTINCT consist_artifact_id FROM v_trip") == [(kept.id,)]
    build_hybrid_view(db, "trip", missing_files="skip_silent")
    with pytest.raises(ConsistRuntimeError, match="missing file"):
        build_hybrid_view(db, "trip", missing_files="error")


def test_the_same_file_logged_twice_counts_once(db, record, tmp_path: Path) -> None:
    path = write_trips(tmp_path / "a.parquet", 1)
    record(path, key="trip", run_id="r1")
    record(path, key="trip", run_id="r2")
    build_hybrid_view(db, "trip")
    assert query(db, "SELECT count(*) FROM v_trip") == [(3,)]


def test_files_with_different_columns_are_unified_by_name(db, record, tmp_path: Path) -> None:
    record(write_trips(tmp_path / "a.parquet", 1), key="trip", run_id="r1")
    wider = pa.table({"id": [7], "mode": ["bike"], "km": [1.0], "purpose": ["work"]})
    pq.write_table(wider, tmp_path / "b.parquet")
    record(tmp_path / "b.parquet", key="trip", run_id="r2")
    build_hybrid_view(db, "trip")
    assert query(db, "SELECT consist_run_id, count(purpose) FROM v_trip GROUP BY 1 ORDER BY 1") == [
        ("r1", 0),
        ("r2", 1),
    ]


def test_empty_view_is_typed_from_the_schema(db) -> None:
    build_hybrid_view(db, "trip", schema=resolve_schema(Trip))
    described = dict(
        (row[0], row[1]) for row in query(db, "DESCRIBE v_trip")
    )  # fmt: skip
    assert described["id"] == "BIGINT" and described["km"] == "DOUBLE"
    assert described["consist_scenario_id"] == "VARCHAR"
    assert query(db, "SELECT count(*) FROM v_trip") == [(0,)]


def test_sql_view_works_from_plain_duckdb_and_sqlalchemy(db, record, tmp_path: Path) -> None:
    record(write_trips(tmp_path / "a.parquet", 2), key="trip", run_id="r1", year=2030)
    build_hybrid_view(db, "trip", schema=resolve_schema(Trip))
    TripView = view(Trip)
    with Session(db.engine) as session:
        total = session.exec(select(sa.func.sum(TripView.km))).one()
        first = session.exec(select(TripView).where(TripView.id == 0)).one()
    assert total == 6.0
    assert (first.mode, first.consist_run_id, first.consist_year) == ("car", "r1", 2030)
    db.release()
    con = duckdb.connect(str(tmp_path / "provenance.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM v_trip").fetchall() == [(3,)]
    finally:
        con.close()


def test_view_classes_stay_out_of_sqlmodel_metadata() -> None:
    first, second = view(Trip), view(Trip)
    assert first.__tablename__ == second.__tablename__ == "v_trip"
    assert "v_trip" not in SQLModel.metadata.tables
    assert sorted(c.name for c in first.__table__.primary_key) == ["consist_artifact_id", "id"]
