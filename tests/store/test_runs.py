"""Runs through a real DuckDB file: round trips, updates, lookups and filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from consist.errors import ConfigError, RunNotFoundError
from consist.models import Run
from consist.store import MetadataStore

T0 = datetime(2030, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def make_run(run_id: str, *, minutes: int = 0, **fields: object) -> Run:
    fields.setdefault("model_name", "beam")
    return Run(id=run_id, created_at=T0 + timedelta(minutes=minutes), **fields)  # type: ignore[arg-type]


def test_every_run_field_survives_the_database(store: MetadataStore) -> None:
    run = Run(
        id="beam_0001",
        model_name="beam",
        status="completed",
        description="assignment",
        year=2030,
        iteration=3,
        stage="supply",
        phase="calibration",
        tags=["x", "y"],
        config_hash="blake3:" + "a" * 64,
        git_hash="deadbeef-dirty-0123456789ab",
        input_hash="blake3:" + "b" * 64,
        signature="blake3:" + "c" * 64,
        parent_run_id="scenario_1",
        cache_hit=True,
        meta={"cache_source": "beam_0000", "nested": {"list": [1, 2.5, None, "s"]}},
        created_at=T0,
        started_at=T0,
        ended_at=T0 + timedelta(seconds=12.5),
        updated_at=T0 + timedelta(seconds=13),
    )
    store.insert_run(run)
    again = store.get_run("beam_0001")
    assert again is not None
    assert again.to_dict() == run.to_dict()
    assert again.duration_seconds == pytest.approx(12.5)
    assert store.get_run("nope") is None


def test_update_run_writes_status_end_and_meta(store: MetadataStore) -> None:
    run = make_run("r1", signature="s1")
    store.insert_run(run)
    run.status = "completed"
    run.ended_at = T0 + timedelta(seconds=2)
    run.meta["rows"] = 10
    run.signature = "s2"  # containers overwrite the signature
    store.update_run(run)
    again = store.get_run("r1")
    assert again is not None
    assert (again.status, again.meta, again.signature) == ("completed", {"rows": 10}, "s2")
    assert again.updated_at is not None
    with pytest.raises(RunNotFoundError, match="No run with id 'ghost'"):
        store.update_run(make_run("ghost"))


def test_cache_lookup_takes_the_newest_completed_run_only(store: MetadataStore) -> None:
    store.insert_run(make_run("old", minutes=0, status="completed", signature="sig"))
    store.insert_run(make_run("new", minutes=5, status="completed", signature="sig"))
    store.insert_run(make_run("running", minutes=9, status="running", signature="sig"))
    store.insert_run(make_run("failed", minutes=10, status="failed", signature="sig"))
    store.insert_run(make_run("other", minutes=11, status="completed", signature="zzz"))
    hit = store.find_completed_run_by_signature("sig")
    assert hit is not None and hit.id == "new"
    assert store.find_completed_run_by_signature("missing") is None


def test_running_or_failed_runs_are_never_cache_hits(store: MetadataStore) -> None:
    store.insert_run(make_run("a", status="running", signature="sig"))
    store.insert_run(make_run("b", status="failed", signature="sig"))
    assert store.find_completed_run_by_signature("sig") is None


def test_prior_run_for_a_miss(store: MetadataStore) -> None:
    store.insert_run(make_run("b1", minutes=1, status="completed"))
    store.insert_run(make_run("b2", minutes=2, status="failed"))
    store.insert_run(make_run("a1", minutes=3, status="completed", model_name="asim"))
    prior = store.find_prior_run_for_miss("beam")
    assert prior is not None and prior.id == "b1"
    assert store.find_prior_run_for_miss("beam", exclude_run_id="b1") is None
    assert store.find_prior_run_for_miss("nobody") is None


@pytest.fixture
def populated(store: MetadataStore) -> MetadataStore:
    rows = [
        make_run(
            "s", minutes=0, model_name="scenario", status="completed", tags=["scenario_header"]
        ),
        make_run("b2030", minutes=1, year=2030, iteration=0, parent_run_id="s", tags=["base"]),
        make_run("b2040", minutes=2, year=2040, iteration=1, parent_run_id="s", tags=["base", "x"]),
        make_run("a2030", minutes=3, model_name="asim", year=2030, status="completed"),
        make_run("f", minutes=4, status="failed", stage="supply", phase="p1", meta={"k": 1}),
    ]
    for run in rows:
        store.insert_run(run)
    return store


def ids(runs: list[Run]) -> list[str]:
    return [run.id for run in runs]


def test_find_runs_filters(populated: MetadataStore) -> None:
    store = populated
    assert ids(store.find_runs()) == ["f", "a2030", "b2040", "b2030", "s"]
    assert ids(store.find_runs(order="oldest", limit=2)) == ["s", "b2030"]
    assert ids(store.find_runs(model="beam")) == ["f", "b2040", "b2030"]
    assert ids(store.find_runs(status="completed")) == ["a2030", "s"]
    assert ids(store.find_runs(status=["failed", "completed"], model="beam")) == ["f"]
    assert ids(store.find_runs(tags="base")) == ["b2040", "b2030"]
    assert ids(store.find_runs(tags=["base", "x"])) == ["b2040"]
    assert ids(store.find_runs(year=2030)) == ["a2030", "b2030"]
    assert ids(store.find_runs(iteration=1)) == ["b2040"]
    assert ids(store.find_runs(parent_run_id="s")) == ["b2040", "b2030"]
    assert ids(store.find_runs(stage="supply", phase="p1")) == ["f"]
    assert ids(store.find_runs(meta={"k": 1})) == ["f"]
    assert ids(store.find_runs(meta={"k": 2})) == []
    assert store.count_runs() == 5 and store.count_runs(model="beam") == 3
    latest = store.find_latest_run(model="beam", status="running")
    assert latest is not None and latest.id == "b2040"
    assert store.find_latest_run(model="nobody") is None


def test_unknown_filter_and_order_are_clear_errors(store: MetadataStore) -> None:
    with pytest.raises(ConfigError, match="Unknown run filter 'colour'"):
        store.find_runs(colour="red")
    with pytest.raises(ConfigError, match="Unknown run order 'sideways'"):
        store.find_runs(order="sideways")


def test_unstorable_meta_is_rejected_and_nothing_is_written(store: MetadataStore) -> None:
    run = make_run("bad", meta={"obj": object()})
    with pytest.raises(ConfigError, match="Cannot store a object in run or artifact metadata"):
        store.insert_run(run)
    assert store.count_runs() == 0
    ok = make_run("ok", meta={"path": Path("/x"), "when": T0, "set": {2, 1}})
    store.insert_run(ok)
    again = store.get_run("ok")
    assert again is not None
    assert again.meta == {"path": "/x", "when": T0.isoformat(), "set": [1, 2]}


def test_duplicate_run_id_is_refused_and_the_first_row_kept(store: MetadataStore) -> None:
    store.insert_run(make_run("dup", description="first"))
    with pytest.raises(ConfigError, match="A run with id 'dup' already exists"):
        store.insert_run(make_run("dup", description="second"))
    again = store.get_run("dup")
    assert again is not None and again.description == "first"


def test_get_runs_by_ids(populated: MetadataStore) -> None:
    found = populated.get_runs(["s", "f", "missing", "s"])
    assert sorted(found) == ["f", "s"]
    assert populated.get_runs([]) == {}


def test_executed_runs_win_over_newer_cache_hits(store: MetadataStore) -> None:
    store.insert_run(make_run("producer", minutes=0, status="completed", signature="sig"))
    store.insert_run(
        make_run("hit1", minutes=5, status="completed", signature="sig", cache_hit=True)
    )
    found = store.find_completed_run_by_signature("sig")
    assert found is not None and found.id == "producer"
    candidates = store.find_completed_runs_by_signature("sig")
    assert [run.id for run in candidates] == ["producer", "hit1"]
    producer = store.get_run("producer")
    assert producer is not None
    producer.status = "failed"  # e.g. fixed by `consist db fix-status`
    store.update_run(producer)
    fallback = store.find_completed_run_by_signature("sig")
    assert fallback is not None and fallback.id == "hit1"
