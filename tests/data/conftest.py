"""Fixtures for the data layer: a real DuckDB provenance file and sample frames."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from consist.models import Artifact, Run
from consist.store import MetadataStore, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[object]:
    database = open_database(tmp_path / "provenance.duckdb")
    yield database
    database.close()


@pytest.fixture
def store(db: object) -> MetadataStore:
    return MetadataStore(db)


@pytest.fixture
def trips() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "mode": ["car", "bike", "walk"],
            "km": [12.5, 3.0, 0.8],
        }
    )


def record_output(
    store: MetadataStore,
    path: Path,
    *,
    key: str,
    run_id: str,
    year: int | None = None,
    parent_run_id: str | None = None,
    driver: str = "parquet",
) -> Artifact:
    """Record a completed run with one output file, as the tracker would."""
    run = Run(id=run_id, model_name="sim", year=year, parent_run_id=parent_run_id)
    store.insert_run(run)
    artifact = Artifact(key=key, container_uri=str(path), driver=driver, run_id=run_id)
    store.insert_artifacts([artifact])
    store.link(run_id, artifact.id, "output", key)
    return artifact


@pytest.fixture
def record(store: MetadataStore):
    """``record(path, key=..., run_id=...)`` -> the recorded output Artifact."""

    def _record(path: Path, **kwargs: object) -> Artifact:
        return record_output(store, path, **kwargs)  # type: ignore[arg-type]

    return _record
