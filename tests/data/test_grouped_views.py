"""tracker.create_grouped_view: one view over artifacts chosen by facets, schema and run fields."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from consist import Tracker
from consist.data.grouped_views import facet_column_type, parse_predicate
from consist.errors import ConfigError, ConsistRuntimeError, ConsistWarning

TRIP = pa.schema([("id", pa.int64()), ("km", pa.float64())])


@pytest.fixture
def tracker(tmp_path: Path):
    t = Tracker(run_dir=tmp_path / "runs", db_path=tmp_path / "provenance.duckdb")
    yield t
    t.close()


def write(path: Path, km: float, extra: bool = False) -> Path:
    columns = {"id": [1, 2], "km": [km, km]}
    if extra:
        columns["mode"] = ["car", "bus"]
    table = pa.table(columns)
    if path.suffix == ".csv":
        pcsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


def populate(tracker: Tracker, tmp_path: Path) -> dict[str, Path]:
    """Three runs, two artifact keys, facets on artifacts and on one run's config."""
    files = {}
    specs = [
        ("r1", 2030, "trips_a", {"scenario": "base", "scale": 1}, ".parquet"),
        ("r2", 2040, "trips_b", {"scenario": "base", "scale": 2.5}, ".csv"),
        ("r3", 2040, "trips_a", {"scenario": "high", "scale": 3}, ".parquet"),
    ]
    for run_id, year, key, facet, suffix in specs:
        with tracker.start_run(
            run_id, model="sim", year=year, parent_run_id="scen", config={"run": run_id}
        ):
            path = write(tmp_path / f"{run_id}{suffix}", float(year), extra=run_id == "r3")
            tracker.log_artifact(path, key=key, facet=facet)
            files[run_id] = path
    with tracker.start_run(
        "r4", model="other", year=2050, config={"run": "r4"}, facet={"scenario": "base"}
    ):
        path = write(tmp_path / "r4.parquet", 5.0)
        tracker.log_artifact(path, key="trips_c")  # no artifact facet: run config is used
        files["r4"] = path
    return files


def rows(tracker: Tracker, sql: str) -> list[tuple]:
    with tracker.db.session() as con:
        return con.execute(sql).fetchall()


def test_params_select_across_keys_with_run_facet_fallback(tracker, tmp_path) -> None:
    populate(tracker, tmp_path)
    assert tracker.create_grouped_view("v_base", params=["scenario=base"]) == "v_base"
    got = rows(tracker, "SELECT consist_run_id, count(*) FROM v_base GROUP BY 1 ORDER BY 1")
    assert got == [("r1", 2), ("r2", 2), ("r4", 2)]
    tracker.create_grouped_view("v_scaled", params=["scale>=2", "scale<=3"])
    got = rows(tracker, "SELECT DISTINCT consist_run_id FROM v_scaled ORDER BY 1")
    assert got == [("r2",), ("r3",)]


def test_run_filters_narrow_the_selection(tracker, tmp_path) -> None:
    populate(tracker, tmp_path)
    tracker.create_grouped_view("v_2040", year=2040, model="sim")
    assert rows(tracker, "SELECT DISTINCT consist_run_id FROM v_2040 ORDER BY 1") == [
        ("r2",),
        ("r3",),
    ]
    tracker.create_grouped_view("v_one", run_id="r1", parent_run_id="scen", status="completed")
    assert rows(tracker, "SELECT DISTINCT consist_scenario_id, consist_year FROM v_one") == [
        ("scen", 2030)
    ]


def test_attached_facets_are_typed_columns(tracker, tmp_path) -> None:
    populate(tracker, tmp_path)
    tracker.create_grouped_view(
        "v_f", params=["scenario=base"], attach_facets=["scenario", "scale"]
    )
    types = dict(rows(tracker, "SELECT column_name, column_type FROM (DESCRIBE v_f)"))
    assert types["facet_scenario"] == "VARCHAR" and types["facet_scale"] == "DOUBLE"
    got = rows(tracker, "SELECT DISTINCT consist_run_id, facet_scale FROM v_f ORDER BY 1")
    assert got == [("r1", 1.0), ("r2", 2.5), ("r4", None)]
    assert facet_column_type([True, False]) == "BOOLEAN"
    assert facet_column_type([1, 2]) == "BIGINT"
    assert facet_column_type(["a", 1]) == "VARCHAR"


def test_schema_selects_compatible_artifacts_and_empty_view_is_typed(tracker, tmp_path) -> None:
    populate(tracker, tmp_path)
    with_mode = pa.schema([("id", pa.int64()), ("mode", pa.string())])
    from consist.data.schemas import TableSchema

    schema = TableSchema.from_arrow("trip_mode", with_mode)
    tracker.create_grouped_view("v_mode", schema=schema)
    assert rows(tracker, "SELECT DISTINCT consist_run_id FROM v_mode") == [("r3",)]
    tracker.create_grouped_view("v_none", schema=schema, params=["scenario=nowhere"])
    types = dict(rows(tracker, "SELECT column_name, column_type FROM (DESCRIBE v_none)"))
    assert types["id"] == "BIGINT" and types["mode"] == "VARCHAR"
    assert rows(tracker, "SELECT count(*) FROM v_none") == [(0,)]


def test_modes_hot_cold_and_hybrid(tracker, tmp_path) -> None:
    files = populate(tracker, tmp_path)
    artifact = tracker.get_run_outputs("r1")["trips_a"]
    tracker.ingest(artifact)
    files["r1"].unlink()  # ingested: the rows stay reachable in hybrid / hot_only
    base = {"params": ["scenario=base"], "missing_files": "skip_silent"}
    tracker.create_grouped_view("v_h", **base)
    tracker.create_grouped_view("v_hot", mode="hot_only", **base)
    tracker.create_grouped_view("v_cold", mode="cold_only", **base)
    runs = "SELECT DISTINCT consist_run_id FROM {} ORDER BY 1"
    assert rows(tracker, runs.format("v_h")) == [("r1",), ("r2",), ("r4",)]
    assert rows(tracker, runs.format("v_hot")) == [("r1",)]
    assert rows(tracker, runs.format("v_cold")) == [("r2",), ("r4",)]


def test_missing_files_policy(tracker, tmp_path) -> None:
    files = populate(tracker, tmp_path)
    files["r2"].unlink()
    with pytest.warns(ConsistWarning, match="missing file"):
        tracker.create_grouped_view("v_w", params=["scenario=base"])
    assert rows(tracker, "SELECT DISTINCT consist_run_id FROM v_w ORDER BY 1") == [
        ("r1",),
        ("r4",),
    ]
    with pytest.raises(ConsistRuntimeError, match="missing file"):
        tracker.create_grouped_view("v_e", params=["scenario=base"], missing_files="error")
    assert rows(tracker, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'v_e'") == [(0,)]
    tracker.create_grouped_view("v_s", params=["scenario=base"], missing_files="skip_silent")


def test_if_exists_and_system_columns(tracker, tmp_path) -> None:
    populate(tracker, tmp_path)
    tracker.create_grouped_view("v_x", run_id="r1", include_system_columns=False)
    assert [r[0] for r in rows(tracker, "SELECT column_name FROM (DESCRIBE v_x)")] == ["id", "km"]
    with pytest.raises(ConfigError, match="already exists"):
        tracker.create_grouped_view("v_x", if_exists="error")
    tracker.create_grouped_view("v_x", run_id="r3")  # replace (the default)
    assert rows(tracker, "SELECT DISTINCT consist_run_id FROM v_x") == [("r3",)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "warm"}, "mode must be one of"),
        ({"if_exists": "skip"}, "if_exists must be one of"),
        ({"missing_files": "ignore"}, "missing_files must be one of"),
        ({"params": ["scenario"]}, "Invalid facet predicate"),
    ],
)
def test_bad_options_raise_before_writing(tracker, options, message) -> None:
    with pytest.raises(ConfigError, match=message):
        tracker.create_grouped_view("v_bad", **options)
    assert rows(tracker, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'v_bad'") == [(0,)]


def test_parse_predicate() -> None:
    assert parse_predicate(" year <= 2030 ") == ("year", "<=", "2030")
    assert parse_predicate("a.b=x=y") == ("a.b", "=", "x=y")
