"""The cheap paths of log_dataframe + ingestion keep every guarantee.

Provenance columns get a fixed compression (and ingestion still works on a file
with an older storage version), the Parquet writer skips a dictionary only on a
validated one-column key, the digest computed while rows go in is the file's, and
``replace=False`` is the only way to skip the delete of an artifact's rows.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlmodel import Field, SQLModel

import consist
from consist.data.ingestion import ingest_table
from consist.hashing import hash_file
from consist.store import global_tables as gt
from consist.tracker.tracker import Tracker


class Stop(SQLModel, table=True):
    __tablename__ = "stop"
    id: int = Field(primary_key=True)
    line: str
    minutes: float


class Leg(SQLModel, table=True):
    __tablename__ = "leg"
    trip: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    line: str


STOPS = {"id": list(range(50)), "line": ["a", "b"] * 25, "minutes": [1.5] * 50}


@pytest.fixture
def tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    monkeypatch.chdir(tmp_path)
    t = Tracker(run_dir=tmp_path / "runs", db_path=tmp_path / "provenance.duckdb")
    yield t
    t.close()


def table_sql(con, name: str) -> str:
    rows = con.execute(
        "SELECT sql FROM duckdb_tables() WHERE schema_name = 'global_tables' AND table_name = ?",
        [name],
    ).fetchall()
    return rows[0][0]


def dictionary_encoded(path: Path) -> dict[str, bool]:
    meta = pq.ParquetFile(path).metadata.row_group(0)
    columns = (meta.column(i) for i in range(meta.num_columns))
    return {c.path_in_schema: any("DICTIONARY" in e for e in c.encodings) for c in columns}


def test_provenance_columns_get_a_fixed_compression(db) -> None:
    ingest_table(db, pa.table({"id": [1, 2]}), table_name="trip", artifact_id="a", run_id="r")
    with db.session() as con:
        sql = table_sql(con, "trip")
    assert "consist_year BIGINT USING COMPRESSION RLE" in sql
    assert "consist_artifact_id VARCHAR USING COMPRESSION DICT_FSST" in sql
    assert "id BIGINT," in sql  # the data columns keep DuckDB's own choice


def test_an_older_storage_version_gets_rle_only_and_still_ingests(tmp_path: Path) -> None:
    con = duckdb.connect()
    path = tmp_path / "old.duckdb"
    con.execute(f"ATTACH '{path}' AS old (STORAGE_VERSION 'v1.0.0')")
    con.execute("USE old")
    con.register("incoming", pa.table({"id": [1, 2, 3]}))
    con.execute("BEGIN TRANSACTION")
    gt.ensure_global_schema(con)
    gt.create_table_from(con, "trip", "incoming")
    gt.insert_rows(con, "trip", "incoming", run_id="r", artifact_id="a", year=2030, iteration=1)
    con.execute("COMMIT")
    assert "DICT_FSST" not in table_sql(con, "trip")
    assert gt.artifact_row_count(con, "trip", "a") == 3
    con.close()


def test_replace_false_is_the_only_way_to_keep_an_artifacts_earlier_rows(db) -> None:
    table = pa.table({"id": [1, 2, 3]})
    args = {"table_name": "t", "artifact_id": "a", "run_id": "r"}
    ingest_table(db, table, **args)
    ingest_table(db, table, **args, replace=False)
    with db.session() as con:
        assert gt.artifact_row_count(con, "t", "a") == 6
    ingest_table(db, table, **args)
    with db.session() as con:
        assert gt.artifact_row_count(con, "t", "a") == 3


def test_parquet_skips_the_dictionary_only_on_a_one_column_key(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        stops = consist.log_dataframe(pd.DataFrame(STOPS), key="stops", schema=Stop)
        legs = consist.log_dataframe(
            pd.DataFrame({"trip": [1, 1, 2], "seq": [1, 2, 1], "line": ["a", "a", "b"]}),
            key="legs",
            schema=Leg,
        )
    assert dictionary_encoded(Path(stops.path)) == {"id": False, "line": True, "minutes": False}
    # A composite key repeats per column: each column keeps its dictionary.
    assert dictionary_encoded(Path(legs.path)) == {"trip": True, "seq": True, "line": True}


def test_writer_options_from_the_caller_win(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        art = consist.log_dataframe(
            pd.DataFrame(STOPS), key="stops", schema=Stop, use_dictionary=["id"]
        )
    assert dictionary_encoded(Path(art.path)) == {"id": True, "line": False, "minutes": False}


def test_the_digest_taken_while_rows_go_in_is_the_files(tracker: Tracker) -> None:
    with tracker.start_run("r1", model="sim"):
        art = consist.log_dataframe(pd.DataFrame(STOPS), key="stops", schema=Stop)
    assert art.hash == str(hash_file(art.path))
    assert "content_hash" not in art.meta
    recorded = tracker.get_artifacts_for_run("r1").outputs["stops"]
    assert recorded.hash == art.hash
    with tracker.db.session() as con:
        assert gt.artifact_row_count(con, "stop", art.id) == 50
