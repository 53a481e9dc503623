"""The troubleshooting guide's "Data & Schema Issues" snippets, run unchanged.

Each guide block is quoted verbatim (between the ``# --- guide`` markers) around
the frames and schemas it assumes (``df``, ``MySchema``, ``Person``, ``Trip``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

import duckdb
import pandas as pd
import pytest
from sqlmodel import Field, SQLModel

import consist
from consist import Tracker
from consist.errors import NullValueWarning, SchemaValidationError


class GuideSchema(SQLModel, table=True):
    __tablename__ = "guide_data"
    id: int = Field(primary_key=True)
    name: str
    age: int
    income: Optional[float] = None  # noqa: UP045 (the guide's style)


MySchema = GuideSchema


@pytest.fixture
def tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    monkeypatch.chdir(tmp_path)
    t = Tracker(run_dir="./runs", db_path="./provenance.duckdb")
    yield t
    t.close()


def test_schema_mismatch_then_the_guide_fix(tracker: Tracker) -> None:
    df = pd.DataFrame({"id": [1, 2], "name": ["a", "b"], "age": ["31", "42"], "income": [1, 2]})
    with pytest.raises(ValueError, match="Column 'age' expected int, got str"):
        with tracker.start_run("ingest_data_bad", model="example"):
            tracker.log_dataframe(df, key="data", schema=MySchema)
    # --- guide: "Schema mismatch during ingestion"
    # fmt: off
    # Check types
    print(df.dtypes)

    # Convert if needed
    df = df.astype({
        "age": "int64",
        "income": "float64",
        "name": "object",
    })

    with tracker.start_run("ingest_data", model="example"):
        tracker.log_dataframe(df, key="data", schema=MySchema)
    # fmt: on
    # --- end guide
    df["age"] = pd.to_numeric(df["age"], errors="coerce")  # the guide's alternative
    assert _count(tracker, "guide_data") == 2


def test_null_in_non_optional_field_then_the_guide_fixes(tracker: Tracker) -> None:
    df = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"], "age": [30, None, 50]})
    with pytest.warns(NullValueWarning, match="Null value in non-optional field 'age'"):
        with tracker.start_run("with_nulls", model="example"):
            tracker.log_dataframe(df, key="data", schema=MySchema)
    # --- guide: "Null in non-optional field" (1. drop, 2. fill)
    dropped = df.dropna(subset=["age"])
    df["age"] = df["age"].fillna(0)  # Default value
    # --- end guide
    with tracker.start_run("dropped", model="example"):
        tracker.log_dataframe(dropped, key="data", schema=MySchema)
    with tracker.start_run("filled", model="example"):
        tracker.log_dataframe(df, key="data", schema=MySchema)
    assert _count(tracker, "guide_data") == 3 + 2 + 3


def test_duplicate_primary_keys_then_the_guide_fix(tracker: Tracker) -> None:
    df = pd.DataFrame({"id": [1, 1, 2], "name": ["a", "a2", "b"], "age": [1, 2, 3]})
    with pytest.raises(SchemaValidationError, match="Primary key violation: duplicate ID"):
        with tracker.start_run("ingest_dupes", model="example"):
            tracker.log_dataframe(df, key="data", schema=MySchema)
    assert not list(Path("runs").rglob("data.parquet"))  # nothing written
    original = df
    # --- guide: "Duplicate primary keys"
    # Keep last occurrence (or "first")
    df = df.drop_duplicates(subset=["id"], keep="last")

    # Or remove all duplicates
    df = df[~df.duplicated(subset=["id"], keep=False)]

    with tracker.start_run("ingest_deduped", model="example"):
        tracker.log_dataframe(df, key="data", schema=MySchema)
    # --- end guide
    assert len(original) == 3 and _count(tracker, "guide_data") == 2


def test_database_is_huge_and_slow_snippets(tracker: Tracker) -> None:
    df = pd.DataFrame({"x": range(5000)})
    # --- guide: "Database is huge and slow" (1. vacuum, 3. selective ingestion)
    with tracker.engine.begin() as conn:
        conn.exec_driver_sql("VACUUM")

    with tracker.start_run("sample_ingest", model="example"):
        tracker.log_dataframe(df.head(1000), key="sample")  # Sample instead of all
    # --- end guide
    artifact = tracker.get_artifacts_for_run("sample_ingest").outputs["sample"]
    assert len(consist.load_df(artifact)) == 1000


def test_cant_query_across_runs_snippets(tmp_path: Path, tracker: Tracker) -> None:
    tracker.close()

    class Person(SQLModel, table=True):
        __tablename__ = "guide_person"
        id: int = Field(primary_key=True)
        age: Optional[int] = None  # noqa: UP045

    class Trip(SQLModel, table=True):
        __tablename__ = "guide_trip"
        id: int = Field(primary_key=True)

    df = pd.DataFrame({"id": [1, 2], "age": [30, None]})
    # --- guide: "Can't query across runs"
    tracker = Tracker(
        run_dir="./runs",
        db_path="./provenance.duckdb",
        schemas=[Person, Trip],  # Register here
    )
    with tracker.start_run("ingest_persons", model="example"):
        tracker.log_dataframe(df, key="persons", schema=Person)
    print(tracker.views.Person)  # Should not raise AttributeError
    # --- end guide
    assert _count(tracker, "guide_person") == 2


def _count(tracker: Tracker, table: str) -> int:
    tracker.close()  # release the file, then read it as the guide's "Inspect Database" does
    con = duckdb.connect("provenance.duckdb", read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM global_tables.{table}").fetchall()[0][0]
    finally:
        con.close()
