"""The relation leak warning fires at the threshold, exactly as the guide quotes it."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from consist.data.loaders import load, load_df, load_relation, to_df
from consist.data.relations import active_relation_count, close_relation
from consist.errors import RelationConnectionLeakWarning


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3]}), path)
    return path


@pytest.fixture(autouse=True)
def _no_leftover_relations() -> None:
    gc.collect()  # relations dropped by earlier tests release their connections


def test_warning_fires_when_the_threshold_is_reached(
    parquet: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    base = active_relation_count()
    monkeypatch.setenv("CONSIST_RELATION_WARN_THRESHOLD", str(base + 3))
    held = [load(parquet), load(parquet)]  # below the threshold: silent
    with (
        caplog.at_level(logging.WARNING, logger="consist"),
        pytest.warns(RelationConnectionLeakWarning) as record,
    ):
        held.append(load(parquet))
    message = str(record[0].message)
    assert message == (
        f"Consist has {base + 3} active DuckDB relations. This may indicate unclosed "
        "relations. Use consist.to_df(..., close=True) or consist.load_relation(...) to "
        "ensure connections are closed."
    )
    assert message in caplog.text
    held.append(load(parquet))  # already warned for this crossing: silent (filterwarnings=error)
    for rel in held:
        to_df(rel)
    assert active_relation_count() == base


def test_warning_re_arms_after_relations_are_closed(
    parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = active_relation_count()
    monkeypatch.setenv("CONSIST_RELATION_WARN_THRESHOLD", str(base + 1))
    with pytest.warns(RelationConnectionLeakWarning):
        first = load(parquet)
    assert close_relation(first)
    with pytest.warns(RelationConnectionLeakWarning):
        second = load(parquet)
    close_relation(second)


def test_invalid_threshold_means_100(parquet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSIST_RELATION_WARN_THRESHOLD", "lots")
    held = [load(parquet) for _ in range(20)]  # well under 100: no warning
    assert active_relation_count() >= 20
    for rel in held:
        close_relation(rel)


def test_load_df_and_load_relation_leave_nothing_open(parquet: Path) -> None:
    base = active_relation_count()
    for _ in range(150):  # more than the default threshold, yet never a warning
        load_df(parquet)
        with load_relation(parquet) as rel:
            rel.fetchall()
    assert active_relation_count() == base


def test_dropped_relations_release_their_connection(parquet: Path) -> None:
    base = active_relation_count()
    rel = load(parquet)
    assert active_relation_count() == base + 1
    del rel
    gc.collect()
    assert active_relation_count() == base
