"""A three-step scenario (prepare -> simulate -> summarize) over real Parquet data.

Re-running it after one config change, or after editing the upstream input
file, executes exactly the steps downstream of the change; the others are
cache hits.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import consist
from consist import ExecutionOptions

PATHS = ExecutionOptions(input_binding="paths")
EXECUTED: list[str] = []


def prepare(raw: Path, min_age: int) -> dict[str, Path]:
    EXECUTED.append("prepare")
    table = pq.read_table(raw)
    adults = table.filter(pc.greater_equal(table["age"], min_age))
    out = consist.output_path("persons")
    pq.write_table(adults, out)
    return {"persons": out}


def simulate(persons: Path, trips_per_person: int) -> dict[str, Path]:
    EXECUTED.append("simulate")
    table = pq.read_table(persons)
    trips = pa.table(
        {
            "person_id": pa.array(
                [i for i in table["id"].to_pylist() for _ in range(trips_per_person)]
            ),
        }
    )
    out = consist.output_path("trips")
    pq.write_table(trips, out)
    return {"trips": out}


def summarize(trips: Path) -> dict[str, Path]:
    EXECUTED.append("summarize")
    out = consist.output_path("summary", "csv")
    out.write_text(f"trips\n{pq.read_metadata(trips).num_rows}\n")
    return {"summary": out}


def run_pipeline(tracker, raw: Path, *, min_age: int = 18, trips_per_person: int = 2):
    EXECUTED.clear()
    with consist.scenario("pipeline", tracker=tracker, step_tags=["demo"]) as sc:
        prep = sc.run(
            fn=prepare,
            inputs={"raw": raw},
            config={"min_age": min_age},
            outputs=["persons"],
            execution_options=PATHS,
        )
        sim = sc.run(
            fn=simulate,
            inputs=consist.refs(prep),
            config={"trips_per_person": trips_per_person},
            outputs=["trips"],
            execution_options=PATHS,
        )
        summary = sc.run(
            fn=summarize, inputs={"trips": "trips"}, outputs=["summary"], execution_options=PATHS
        )
    hits = {r.run.model_name: r.cache_hit for r in (prep, sim, summary)}
    return summary, list(EXECUTED), hits


@pytest.fixture
def raw(workdir: Path) -> Path:
    path = workdir / "population.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3, 4], "age": [12, 30, 45, 70]}), path)
    return path


def test_unchanged_rerun_is_all_cache_hits(tracker, raw) -> None:
    summary, executed, _ = run_pipeline(tracker, raw)
    assert executed == ["prepare", "simulate", "summarize"]
    assert summary.outputs["summary"].path.read_text() == "trips\n6\n"
    again, executed, hits = run_pipeline(tracker, raw)
    assert executed == [] and all(hits.values())
    assert again.outputs["summary"].id == summary.outputs["summary"].id


def test_a_config_change_reruns_only_downstream_steps(tracker, raw) -> None:
    run_pipeline(tracker, raw)
    summary, executed, hits = run_pipeline(tracker, raw, trips_per_person=3)
    assert executed == ["simulate", "summarize"]
    assert hits == {"prepare": True, "simulate": False, "summarize": False}
    assert summary.outputs["summary"].path.read_text() == "trips\n9\n"
    explanation = tracker.find_latest_run(model="simulate").meta["cache_miss_explanation"]
    assert explanation["reason"] == "config_changed"


def test_an_edited_input_file_reruns_everything_downstream_of_it(tracker, raw) -> None:
    run_pipeline(tracker, raw)
    pq.write_table(pa.table({"id": [1, 2, 3, 4], "age": [12, 30, 45, 17]}), raw)
    summary, executed, _ = run_pipeline(tracker, raw)
    assert executed == ["prepare", "simulate", "summarize"]
    assert summary.outputs["summary"].path.read_text() == "trips\n4\n"


def test_downstream_steps_follow_their_producers_signature(tracker, raw) -> None:
    run_pipeline(tracker, raw)
    # min_age 20 keeps the same adults as 18, so prepare writes identical rows; its output
    # still comes from a run with a new signature, and inputs produced by a run enter the
    # next signature through that run's signature (Merkle linking): everything re-runs.
    _, executed, _ = run_pipeline(tracker, raw, min_age=20)
    assert executed == ["prepare", "simulate", "summarize"]


def test_header_records_steps_links_and_lineage(tracker, raw) -> None:
    summary, _, _ = run_pipeline(tracker, raw)
    header = tracker.get_run("pipeline")
    assert header.status == "completed" and "scenario_header" in header.tags
    assert [s["model"] for s in header.meta["steps"]] == ["prepare", "simulate", "summarize"]
    links = tracker.get_artifacts_for_run("pipeline")
    assert sorted(links.outputs) == ["persons", "summary", "trips"]
    assert sorted(links.inputs) == ["raw"]  # intermediates are not scenario inputs
    step = tracker.get_run(summary.run.id)
    assert step.parent_run_id == "pipeline" and "demo" in step.tags
    assert step.id.startswith("pipeline_summarize_")
    again, _, _ = run_pipeline(tracker, raw, trips_per_person=5)  # replaces the header
    assert tracker.get_run("pipeline").status == "completed"
    relinked = tracker.get_artifacts_for_run("pipeline").outputs
    assert relinked["summary"].id == again.outputs["summary"].id != summary.outputs["summary"].id
    assert len(tracker.metadata_store.get_artifact_links(summary.outputs["summary"].id)) == 1
