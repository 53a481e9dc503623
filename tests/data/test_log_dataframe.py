"""log_dataframe through a real Tracker: write, record, ingest, load, view."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, select

import consist
from consist.errors import ConsistWarning, NullValueWarning, SchemaValidationError
from consist.tracker.tracker import Tracker


class Trip(SQLModel, table=True):
    __tablename__ = "trip"
    id: int = Field(primary_key=True)
    mode: str
    km: float
    purpose: Optional[str] = None  # noqa: UP045 (0.3 style)


TRIPS = {"id": [1, 2, 3], "mode": ["car", "bike", "walk"], "km": [12.5, 3.0, 0.75]}


def make_project(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git repository with one commit (the default repo_git code identity needs it)."""
    git = ["git", "-C", str(path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    monkeypatch.chdir(path)


@pytest.fixture
def tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    make_project(tmp_path, monkeypatch)
    t = Tracker(run_dir=tmp_path / "runs", db_path=tmp_path / "provenance.duckdb", schemas=[Trip])
    yield t
    t.close()


def hot_rows(tracker: Tracker, sql: str) -> list[tuple]:
    with tracker.db.session() as con:
        return con.execute(sql).fetchall()


def outputs_on_disk(tracker: Tracker) -> list[Path]:
    return [p for p in (tracker.run_dir / "outputs").rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "make",
    [
        lambda: pd.DataFrame(TRIPS),
        lambda: pl.DataFrame(TRIPS),
        lambda: pl.DataFrame(TRIPS).lazy(),
        lambda: pa.table(TRIPS),
    ],
    ids=["pandas", "polars", "polars-lazy", "arrow"],
)
def test_frames_round_trip_through_log_load_and_view(tracker: Tracker, make) -> None:
    with tracker.start_run("r1", model="sim", year=2030):
        artifact = consist.log_dataframe(make(), key="trips", schema=Trip, tracker=tracker)
    assert artifact.driver == "parquet" and artifact.hash.startswith("blake3:")
    assert artifact.path.name == "trips.parquet"
    expected = pd.DataFrame(TRIPS)
    pd.testing.assert_frame_equal(consist.load_df(artifact), expected, check_dtype=False)
    assert consist.load_polars(artifact).collect().to_dict(as_series=False) == TRIPS
    assert consist.load_arrow(artifact).to_pydict() == TRIPS
    TripView = tracker.views.Trip
    with Session(tracker.engine) as session:
        rows = session.exec(select(TripView).order_by(TripView.id)).all()
    assert [(r.id, r.mode, r.km, r.consist_run_id, r.consist_year) for r in rows] == [
        (1, "car", 12.5, "r1", 2030),
        (2, "bike", 3.0, "r1", 2030),
        (3, "walk", 0.75, "r1", 2030),
    ]


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ({**TRIPS, "km": ["far", "near", "here"]}, "Column 'km' expected float, got str"),
        ({**TRIPS, "id": [7, 7, 8]}, "Primary key violation: duplicate ID 7"),
        ({"id": [1], "mode": ["car"]}, "Missing column 'km' required by schema 'Trip'"),
    ],
)
def test_guide_schema_errors_write_nothing(tracker: Tracker, frame: dict, error: str) -> None:
    with pytest.raises(SchemaValidationError, match=error), tracker.start_run("bad", model="sim"):
        consist.log_dataframe(pd.DataFrame(frame), key="trips", schema=Trip)
    assert outputs_on_disk(tracker) == []
    assert hot_rows(tracker, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'trip'") == [
        (0,)
    ]
    assert tracker.get_artifacts_for_run("bad").outputs == {}


def test_mixed_object_column_reports_the_foreign_type(tracker: Tracker) -> None:
    frame = pd.DataFrame({**TRIPS, "id": pd.Series([1, "2", 3], dtype=object)})
    with pytest.raises(SchemaValidationError, match="Column 'id' expected int, got str"):
        with tracker.start_run("bad", model="sim"):
            consist.log_dataframe(frame, key="trips", schema=Trip)
    assert outputs_on_disk(tracker) == []


def test_null_in_non_optional_field_warns_or_raises(tracker: Tracker) -> None:
    frame = pd.DataFrame({**TRIPS, "km": [1.0, None, 2.0]})
    with tracker.start_run("warned", model="sim"):
        with pytest.warns(NullValueWarning, match="Null value in non-optional field 'km'"):
            consist.log_dataframe(frame, key="trips", schema=Trip)
    assert hot_rows(tracker, "SELECT count(*) FROM global_tables.trip") == [(3,)]
    with tracker.start_run("strict", model="sim"):
        with pytest.raises(SchemaValidationError, match="Null value in non-optional field 'km'"):
            consist.log_dataframe(frame, key="more", schema=Trip, nulls="error")
    assert not (tracker.run_artifact_dir(tracker.get_run("strict")) / "more.parquet").exists()


def test_one_view_query_aggregates_100_runs_including_deleted_files(tracker: Tracker) -> None:
    expected: dict[int, float] = {}
    artifacts = []
    for i in range(100):
        year = 2020 + i % 4
        frame = pd.DataFrame({"id": [0, 1], "mode": ["car", "bus"], "km": [float(i), 1.0]})
        with tracker.start_run(f"sim_{i:03d}", model="sim", year=year):
            # even runs ingest (schema given), odd runs leave only their Parquet file
            schema = Trip if i % 2 == 0 else None
            artifacts.append(consist.log_dataframe(frame, key="trip", schema=schema))
        expected[year] = expected.get(year, 0.0) + float(i) + 1.0
    for artifact in artifacts[0:40:2]:  # delete 20 ingested runs' files
        artifact.path.unlink()
    TripView = tracker.views.Trip
    query = select(TripView.consist_year, sa.func.sum(TripView.km), sa.func.count())
    with Session(tracker.engine) as session:
        rows = session.exec(query.group_by(TripView.consist_year)).all()
    assert {year: total for year, total, _ in rows} == expected
    assert sum(n for _, _, n in rows) == 200
    assert len(hot_rows(tracker, "SELECT DISTINCT consist_run_id FROM v_trip")) == 100


def test_ghost_mode_loads_ingested_rows_of_a_deleted_file(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        artifact = consist.log_dataframe(pd.DataFrame(TRIPS), key="trips", schema=Trip)
    artifact.path.unlink()
    with pytest.raises(FileNotFoundError, match=r"Artifact 'trips' \(ID: .*\) not found"):
        consist.load_df(artifact, tracker)
    frame = consist.load_df(artifact, tracker, db_fallback="always")
    assert frame.sort_values("id")["km"].tolist() == TRIPS["km"]
    assert "consist_run_id" not in frame.columns
    assert consist.load_polars(artifact, tracker, db_fallback="always").collect().height == 3


def test_csv_and_json_drivers(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        csv = consist.log_dataframe(pd.DataFrame(TRIPS), key="t_csv", driver="csv")
        js = consist.log_dataframe(pl.DataFrame(TRIPS), key="t_json", driver="json")
        custom = consist.log_dataframe(
            pa.table(TRIPS),
            key="t_zstd",
            path=tracker.run_dir / "x" / "t.parquet",
            compression="zstd",
        )
    assert csv.path.suffix == ".csv" and js.path.suffix == ".json"
    assert consist.load_df(csv)["mode"].tolist() == TRIPS["mode"]
    assert consist.load_df(js)["km"].tolist() == TRIPS["km"]
    assert consist.load_arrow(custom).to_pydict() == TRIPS
    with pytest.raises(ValueError, match="Unsupported driver for log_dataframe: xlsx"):
        with tracker.start_run("r2", model="sim"):
            consist.log_dataframe(pd.DataFrame(TRIPS), key="t", driver="xlsx")


def test_no_active_run_writes_nothing(tracker: Tracker) -> None:
    with pytest.raises(RuntimeError, match=r"Cannot log artifact: no active run\."):
        consist.log_dataframe(pd.DataFrame(TRIPS), key="trips", tracker=tracker)
    with pytest.raises(RuntimeError, match="No active Consist run found"):
        consist.log_dataframe(pd.DataFrame(TRIPS), key="trips")
    assert not (tracker.run_dir / "outputs").exists() or outputs_on_disk(tracker) == []


def test_schema_evolution_and_reingestion_through_ingest(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        first = consist.log_dataframe(pd.DataFrame(TRIPS), key="trip", schema=Trip)
    wider = pd.DataFrame({**TRIPS, "purpose": ["work", None, "shop"], "speed": [50, 10, 5]})
    with tracker.start_run("r2", model="sim"):
        consist.log_dataframe(wider, key="trip", schema=Trip)
    assert consist.ingest(first, tracker=tracker) == 3  # idempotent: replaces r1's rows
    assert hot_rows(
        tracker, "SELECT consist_run_id, count(*), count(speed) FROM v_trip GROUP BY 1 ORDER BY 1"
    ) == [("r1", 3, 0), ("r2", 3, 3)]


def test_tracker_without_database_still_writes_the_file(tmp_path: Path, monkeypatch) -> None:
    make_project(tmp_path, monkeypatch)
    tracker = Tracker(run_dir=tmp_path / "runs")
    with tracker.start_run("r1", model="sim"):
        with pytest.warns(ConsistWarning, match="are not ingested"):
            artifact = consist.log_dataframe(pd.DataFrame(TRIPS), key="t", schema=Trip)
    assert consist.load_df(artifact)["id"].tolist() == [1, 2, 3]


def test_view_by_unregistered_name_is_an_attribute_error(tracker: Tracker) -> None:
    with pytest.raises(AttributeError, match="'ViewRegistry' object has no attribute 'Person'"):
        tracker.views.Person  # noqa: B018
    print(tracker.views.Trip)  # the guide's check: registered, so no AttributeError
    assert "v_trip" not in SQLModel.metadata.tables


def test_registered_view_class_without_a_database(tmp_path: Path, monkeypatch) -> None:
    make_project(tmp_path, monkeypatch)
    tracker = Tracker(run_dir=tmp_path / "runs", schemas=[Trip])
    TripView = tracker.views.Trip
    assert TripView.__tablename__ == "v_trip"
    with pytest.raises(RuntimeError, match="Views need a database"):
        tracker.views.refresh()


def test_views_by_key_and_register_views(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim", year=2040):
        consist.log_dataframe(pd.DataFrame({"stop": [1, 2]}), key="stops")  # files only
    StopsView = tracker.views["stops"]  # any key, registered or not
    with Session(tracker.engine) as session:
        assert session.exec(select(sa.func.count()).select_from(StopsView)).one() == 2
    with consist.use_tracker(tracker):
        classes = consist.register_views(Trip)
    assert set(classes) == {"Trip"} and "Trip" in tracker.views
    assert tracker.views.refresh() == ["v_trip"]


def test_read_only_tracker_refuses_ingestion(tracker: Tracker, tmp_path: Path) -> None:
    with tracker.start_run("r1", model="sim"):
        artifact = consist.log_dataframe(pd.DataFrame(TRIPS), key="trips")
    tracker.close()
    reader = Tracker(
        run_dir=tmp_path / "runs", db_path=tmp_path / "provenance.duckdb", access_mode="read_only"
    )
    with pytest.raises(RuntimeError, match="Ingestion forbidden in 'read_only' mode"):
        consist.ingest(artifact, schema=Trip, tracker=reader)
    reader.close()


def test_a_refused_artifact_leaves_no_file(tracker: Tracker) -> None:
    # The tracker rejects the key only when logging, after the file was written.
    with pytest.raises(ValueError, match="Invalid artifact key"):
        with tracker.start_run("r1", model="sim"):
            consist.log_dataframe(pd.DataFrame(TRIPS), key="bad..key")
    assert outputs_on_disk(tracker) == []


def test_cache_hit_that_hands_back_the_cached_artifact_keeps_its_rows(tracker: Tracker) -> None:
    from consist.workflow.trace import trace

    target = tracker.run_dir / "shared" / "trips.parquet"
    for _ in range(2):  # the second trace is a cache hit; its body runs again
        with trace(tracker, "make_trips", config={"n": 3}, year=2031):
            consist.log_dataframe(pd.DataFrame(TRIPS), key="trips", schema=Trip, path=target)
    runs = tracker.find_runs(model="make_trips")
    producer = next(r for r in runs if not r.cache_hit)
    assert len(runs) == 2 and any(r.cache_hit for r in runs)
    assert hot_rows(
        tracker, "SELECT consist_run_id, count(*) FROM global_tables.trip GROUP BY 1"
    ) == [(producer.id, 3)]


def test_inputs_only_fallback_inside_a_later_run(tracker: Tracker) -> None:
    with tracker.start_run("producer", model="sim"):
        artifact = consist.log_dataframe(pd.DataFrame(TRIPS), key="trips", schema=Trip)
    artifact.path.unlink()
    with tracker.start_run("consumer", model="sim"):
        frame = consist.load_df(artifact)  # default db_fallback="inputs-only"
    assert sorted(frame["id"]) == [1, 2, 3]


def test_an_ingestion_conflict_leaves_no_file_rows_or_artifact(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        consist.log_dataframe(
            pd.DataFrame({**TRIPS, "speed": [50, 10, 5]}), key="trip", schema=Trip
        )
    clash = pd.DataFrame({**TRIPS, "speed": ["fast", "slow", "slow"]})  # not declared: free type
    with pytest.raises(SchemaValidationError, match="Column 'speed' expected int, got str"):
        with tracker.start_run("r2", model="sim"):
            consist.log_dataframe(clash, key="trip", schema=Trip)
    assert [p.parent.name for p in outputs_on_disk(tracker)] == ["r1"]
    assert hot_rows(tracker, "SELECT DISTINCT consist_run_id FROM global_tables.trip") == [("r1",)]
    assert tracker.get_artifacts_for_run("r2").outputs == {}


def test_a_failed_write_leaves_no_rows(tracker: Tracker) -> None:
    nested = pa.table({**TRIPS, "stops": [[1, 2], [3], []]})  # CSV cannot hold lists
    with pytest.raises(pa.ArrowException), tracker.start_run("r1", model="sim"):
        consist.log_dataframe(nested, key="trip", schema=Trip, driver="csv")
    assert outputs_on_disk(tracker) == []
    assert hot_rows(tracker, "SELECT count(*) FROM global_tables.trip") == [(0,)]


def test_rows_carry_the_logged_artifact_id(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        artifact = consist.log_dataframe(pd.DataFrame(TRIPS), key="trip", schema=Trip)
    recorded = tracker.get_artifacts_for_run("r1").outputs["trip"]
    assert recorded.id == artifact.id
    assert hot_rows(tracker, "SELECT DISTINCT consist_artifact_id FROM global_tables.trip") == [
        (artifact.id,)
    ]


def test_a_frame_logged_as_an_input_keeps_the_inputs_id(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        artifact = consist.log_dataframe(
            pd.DataFrame(TRIPS), key="trips_in", schema=Trip, direction="input"
        )
    assert artifact.run_id is None
    assert hot_rows(tracker, "SELECT DISTINCT consist_artifact_id FROM global_tables.trip") == [
        (artifact.id,)
    ]
