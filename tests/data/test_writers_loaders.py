"""Writers are atomic; loaders scan files in place and push work down."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from consist.data.drivers import Driver, driver_names, get_driver, infer_driver, register_driver
from consist.data.loaders import load, load_arrow, load_df, load_polars, load_relation, to_df
from consist.data.relations import active_relation_count
from consist.data.writers import write_table_atomic
from consist.errors import ArtifactFileMissingError, ConfigError, ConsistTypeError
from consist.models import Artifact


@pytest.mark.parametrize("driver", ["parquet", "csv", "json"])
def test_each_driver_round_trips_through_every_loader(
    tmp_path: Path, trips: pa.Table, driver: str
) -> None:
    path = write_table_atomic(trips, tmp_path / f"trips.{driver}", driver=driver)
    assert infer_driver(path) == driver
    artifact = Artifact(key="trips", container_uri=str(path), driver=driver)
    expected = trips.to_pandas()
    pd.testing.assert_frame_equal(load_df(artifact), expected, check_dtype=False)
    assert load_polars(artifact).collect().to_dicts() == trips.to_pylist()
    assert load_arrow(artifact).to_pylist() == trips.to_pylist()
    assert load_arrow(artifact, dataset=True).to_table().to_pylist() == trips.to_pylist()
    assert [p.name for p in tmp_path.iterdir()] == [f"trips.{driver}"]  # no temp files left


def test_json_lines_and_records(tmp_path: Path, trips: pa.Table) -> None:
    records = write_table_atomic(trips, tmp_path / "a.json", driver="json")
    assert json.loads(records.read_text())[0] == {"id": 1, "mode": "car", "km": 12.5}
    lines = write_table_atomic(trips, tmp_path / "b.jsonl", driver="json", options={"lines": True})
    assert len(lines.read_text().splitlines()) == 3
    assert load_df(lines, lines=True)["mode"].tolist() == ["car", "bike", "walk"]
    assert load_polars(lines, lines=True).collect().height == 3
    # pandas read_json options switch to the pandas reader (0.3 compatibility)
    assert load_df(records, orient="records")["id"].tolist() == [1, 2, 3]


def test_failed_write_leaves_no_file_and_no_temp(tmp_path: Path, trips: pa.Table) -> None:
    target = tmp_path / "out.parquet"
    with pytest.raises(ConsistTypeError, match="Unsupported write option"):
        write_table_atomic(trips, target, options={"no_such_option": 1})
    with pytest.raises(ConsistTypeError, match="Unsupported write option"):
        write_table_atomic(trips, tmp_path / "o.csv", driver="csv", options={"quoting": 1})
    assert list(tmp_path.iterdir()) == []


def test_failed_rewrite_keeps_the_previous_file(tmp_path: Path, trips: pa.Table) -> None:
    target = write_table_atomic(trips, tmp_path / "t.csv", driver="csv")
    before = target.read_bytes()
    nested = pa.table({"x": [[1, 2]]})  # CSV cannot hold lists
    with pytest.raises(pa.ArrowException):
        write_table_atomic(nested, target, driver="csv")
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_unsupported_writer_driver_uses_the_0_3_message(tmp_path: Path, trips: pa.Table) -> None:
    with pytest.raises(ValueError, match="Unsupported driver for log_dataframe: zarr"):
        write_table_atomic(trips, tmp_path / "t.zarr", driver="zarr")


def test_load_options_are_checked_per_driver(tmp_path: Path, trips: pa.Table) -> None:
    path = write_table_atomic(trips, tmp_path / "t.csv", driver="csv", options={"sep": ";"})
    assert load_df(path, sep=";", columns=["mode"], nrows=2)["mode"].tolist() == ["car", "bike"]
    assert load_arrow(path, delimiter=";", columns=["km"]).column_names == ["km"]
    assert load_polars(path, sep=";", nrows=1).collect().height == 1
    with pytest.raises(TypeError, match="Unsupported load option\\(s\\) for driver 'csv': bogus"):
        load(path, bogus=1)


def test_polars_scan_pushes_projection_and_filter_down(tmp_path: Path, trips: pa.Table) -> None:
    path = write_table_atomic(trips, tmp_path / "t.parquet")
    plan = load_polars(path).filter(pl.col("km") > 1).select("mode").explain()
    scan = plan[plan.index("Parquet SCAN") :]
    assert "PROJECT 2/3 COLUMNS" in scan  # only 'km' and 'mode' are read
    assert 'SELECTION: [(col("km")) > (1.0)]' in scan or 'SELECTION: col("km") > 1.0' in scan


def test_arrow_dataset_is_lazy(tmp_path: Path, trips: pa.Table) -> None:
    path = write_table_atomic(trips, tmp_path / "t.parquet")
    dataset = load_arrow(path, dataset=True)
    assert isinstance(dataset, ds.Dataset)
    assert dataset.to_table(filter=ds.field("km") > 1, columns=["id"]).column("id").to_pylist() == [
        1,
        2,
    ]


def test_relation_is_lazy_and_to_df_closes_it(tmp_path: Path, trips: pa.Table) -> None:
    path = write_table_atomic(trips, tmp_path / "t.parquet")
    before = active_relation_count()
    rel = load(path)
    assert active_relation_count() == before + 1
    assert rel.filter("km > 1").aggregate("count(*)").fetchall() == [(2,)]
    assert len(to_df(rel)) == 3
    assert active_relation_count() == before
    with pytest.raises(Exception, match="closed"):
        rel.fetchall()


def test_load_relation_closes_its_connection_even_on_error(tmp_path: Path, trips: pa.Table) -> None:
    path = write_table_atomic(trips, tmp_path / "t.parquet")
    before = active_relation_count()
    with pytest.raises(RuntimeError, match="boom"), load_relation(path) as rel:
        assert active_relation_count() == before + 1
        raise RuntimeError("boom")
    assert active_relation_count() == before
    with pytest.raises(Exception, match="closed"):
        rel.fetchall()


def test_to_df_rejects_non_relations() -> None:
    with pytest.raises(TypeError, match=r"to_df expects a DuckDB Relation\."):
        to_df(pd.DataFrame())


def test_missing_file_without_tracker_or_fallback(tmp_path: Path) -> None:
    ghost = Artifact(key="trips", container_uri=str(tmp_path / "gone.parquet"), driver="parquet")
    with pytest.raises(FileNotFoundError, match=r"Artifact 'trips' \(ID: .*\) not found\."):
        load_df(ghost, db_fallback="never")
    with pytest.raises(RuntimeError, match=r"consist\.load\(\) requires a Tracker instance"):
        load_df(ghost)
    with pytest.raises(ArtifactFileMissingError, match="File not found"):
        load_df(tmp_path / "nope.parquet")
    with pytest.raises(ConfigError, match="db_fallback must be one of"):
        load_df(ghost, db_fallback="sometimes")


def test_driver_registry_is_open(tmp_path: Path) -> None:
    assert {"parquet", "csv", "json"} <= set(driver_names())
    text = register_driver(
        Driver("lines_txt", (".lines",), open=lambda path, options: path.read_text().split()),
        replace=True,
    )
    path = tmp_path / "a.lines"
    path.write_text("x y")
    assert get_driver("lines_txt") is text
    assert load(path) == ["x", "y"]
    with pytest.raises(ConfigError, match="already registered"):
        register_driver(text)
    with pytest.raises(ConfigError, match="Unsupported driver for disk load: lines_txt"):
        load_polars(path)
    with pytest.raises(ValueError, match="Unsupported driver for disk load: nope"):
        get_driver("nope")
