"""Queries on the tracker, with a database and from JSON snapshots alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from consist.errors import ConfigError, RunNotFoundError
from consist.tracker import Tracker


def write_out(name: str, workdir: Path):
    def step(year: int) -> dict[str, Path]:
        out = workdir / f"{name}_{year}.txt"
        out.write_text(str(year))
        return {name: out}

    step.__name__ = name
    return step


@pytest.fixture(params=["duckdb", "json-only"])
def populated(request, make_tracker, workdir: Path) -> Tracker:
    db = {} if request.param == "duckdb" else {"db_path": None}
    tracker = make_tracker(**db)
    for year in (2030, 2040):
        tracker.run(
            fn=write_out("trips", workdir),
            config={"year": year},
            year=year,
            tags=["base", f"y{year}"],
            outputs=["trips"],
            facet={"scenario": "base", "year": year},
        )
    tracker.run(fn=write_out("skims", workdir), config={"year": 2030}, outputs=["skims"])
    return tracker


def test_find_runs_filters(populated: Tracker) -> None:
    assert len(populated.find_runs()) == 3
    trips = populated.find_runs(model="trips")
    assert [r.year for r in trips] == [2040, 2030]  # newest first
    assert [r.year for r in populated.find_runs(tags=["base", "y2030"])] == [2030]
    assert populated.find_runs(model="trips", year=2030)[0].model == "trips"
    assert len(populated.find_runs(status="completed", limit=2)) == 2
    assert populated.find_runs(status="failed") == []
    by_year = populated.find_runs(model="trips", index_by="year")
    assert set(by_year) == {2030, 2040}
    assert [r.year for r in populated.find_runs(facet={"year": 2040})] == [2040]


def test_find_run_and_latest(populated: Tracker) -> None:
    latest = populated.find_latest_run(model="trips")
    assert latest.year == 2040
    assert populated.find_run(model="trips", year=2030).year == 2030
    assert populated.find_run(id=latest.id) == latest
    with pytest.raises(ConfigError, match="expected exactly one run"):
        populated.find_run(model="trips")
    with pytest.raises(RunNotFoundError):
        populated.find_run(run_id="nope")
    assert populated.get_run("nope") is None


def test_artifact_queries(populated: Tracker) -> None:
    run = populated.find_latest_run(model="trips")
    outputs = populated.get_artifacts_for_run(run.id).outputs
    assert outputs["trips"].path.read_text() == "2040"
    assert populated.get_run_outputs(run.id) == outputs
    newest = populated.get_artifact("trips")
    assert newest.path.read_text() == "2040"
    assert populated.get_artifact(newest.id) == newest
    older = populated.find_run(model="trips", year=2030)
    assert populated.get_artifact("trips", run_id=older.id).path.read_text() == "2030"
    result = populated.get_run_result(run.id)
    assert result.outputs["trips"] == outputs["trips"] and not result.cache_hit


def test_guide_signature_listing(populated: Tracker) -> None:
    signatures = {run.id: run.signature for run in populated.find_runs()}
    assert all(sig.split(":")[0] in ("blake3", "sha256") for sig in signatures.values())
    assert len(set(signatures.values())) == 3


def test_json_only_tracker_writes_snapshots_and_hits_in_process(
    make_tracker, workdir: Path
) -> None:
    tracker = make_tracker(db_path=None)
    step = write_out("solo", workdir)
    first = tracker.run(fn=step, config={"year": 1}, outputs=["solo"])
    second = tracker.run(fn=step, config={"year": 1}, outputs=["solo"])
    assert not first.cache_hit and second.cache_hit
    assert not (workdir / "provenance.duckdb").exists()
    record = json.loads((tracker.run_dir / "consist_runs" / f"{first.run.id}.json").read_text())
    assert record["outputs"][0]["key"] == "solo"
    with pytest.raises(RuntimeError, match=re.escape("This tracker has no database.")):
        _ = tracker.engine


def test_engine_is_shared_with_the_store(tracker: Tracker) -> None:
    tracker.run(fn=lambda: None, name="one")
    with tracker.engine.begin() as conn:
        conn.exec_driver_sql("VACUUM")
        count = conn.exec_driver_sql("SELECT count(*) FROM run").scalar()
    assert count == 1


def test_openlineage_events(make_tracker) -> None:
    tracker = make_tracker(openlineage_enabled=True, openlineage_namespace="demo")
    tracker.run(fn=lambda: None, name="step")
    with pytest.raises(ValueError):
        tracker.run(fn=lambda: (_ for _ in ()).throw(ValueError("x")), name="bad")
    lines = (tracker.run_dir / "openlineage.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE", "START", "FAIL"]
    assert {e["job"]["namespace"] for e in events} == {"demo"}
    assert events[3]["run"]["facets"]["errorMessage"]["message"] == "x"


def test_json_only_trackers_hit_across_processes(make_tracker, workdir: Path) -> None:
    step = write_out("solo", workdir)
    first = make_tracker(db_path=None).run(fn=step, config={"year": 1}, outputs=["solo"])
    later = make_tracker(db_path=None)  # a new process would start like this
    second = later.run(fn=step, config={"year": 1}, outputs=["solo"])
    assert second.cache_hit and second.run.meta["cache_source"] == first.run.id
    assert second.outputs["solo"].path.read_text() == "1"
