"""Consist 0.3 Tracker methods: matching runs, run sets, records, config values and diffs,
artifact lookups, facets, lineage, history and the data methods.

Real trackers on real DuckDB files (and JSON-only trackers where the method works without a
database), real files, real Parquet.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import consist
from consist import ExecutionOptions
from consist.errors import ConfigError, ConsistLookupError, ConsistRuntimeError, RunNotFoundError

PATHS = ExecutionOptions(input_binding="paths")


def _sweep(tracker, write_step) -> dict[tuple[str, int], object]:
    """Four "assign" runs (base/policy x 2030/2040) with facets; returns the RunResults."""
    results = {}
    for scenario, scale in (("base", 1.0), ("policy", 1.2)):
        for year in (2030, 2040):
            results[scenario, year] = tracker.run(
                fn=write_step("assign"),
                config={"year": year, "scale": scale},
                year=year,
                tags=[scenario],
                outputs=["assign"],
                facet={"scenario": scenario, "demand": {"scale": scale}},
            )
    return results


def _summarize(assign: Path) -> dict[str, Path]:
    out = assign.with_name(f"summary_{assign.stem}.txt")
    out.write_text(f"summary of {assign.read_text()}")
    return {"summary": out}


def test_matching_runs_sets_and_history(any_tracker, write_step) -> None:
    results = _sweep(any_tracker, write_step)
    policy = any_tracker.find_matching_runs(model="assign", facet={"scenario": "policy"})
    assert [r.year for r in policy] == [2040, 2030]
    run = results["base", 2030].run
    assert any_tracker.find_matching_run(run.config_hash, run.input_hash, run.git_hash).id == run.id
    assert any_tracker.find_matching_run(model="nothing") is None
    assert any_tracker.get_latest_run_id(model="assign") == results["policy", 2040].run.id
    assert any_tracker.get_latest_run_id(model="nothing") is None
    recent = any_tracker.find_recent_completed_runs_for_model("assign", limit=3)
    assert len(recent) == 3 and all(r.status == "completed" for r in recent)
    by_year = any_tracker.run_set("base", facet={"scenario": "base"}).split_by("year")
    assert sorted(by_year) == [2030, 2040] and by_year[2030].label == "base"
    frame = any_tracker.history(limit=3)
    assert len(frame) == 3 and frame["model_name"].tolist() == ["assign"] * 3
    assert set(any_tracker.history(limit=10, tags="policy")["year"]) == {2030, 2040}


def test_run_query_reads_the_database(tracker, write_step) -> None:
    _sweep(tracker, write_step)
    assert tracker.run_query("SELECT count(*) FROM run WHERE model_name = 'assign'") == [(4,)]


def test_records_config_values_and_diffs(any_tracker, write_step) -> None:
    results = _sweep(any_tracker, write_step)
    base, policy = results["base", 2030].run.id, results["policy", 2030].run.id
    record = any_tracker.get_run_record(base)
    assert record.run.id == base and record.config == {"year": 2030, "scale": 1.0}
    assert any_tracker.get_run_config(policy) == {"year": 2030, "scale": 1.2}
    assert any_tracker.get_run_record("nope", allow_missing=True) is None
    assert any_tracker.get_run_config("nope", allow_missing=True) is None
    with pytest.raises(RunNotFoundError, match="No snapshot for run 'nope'"):
        any_tracker.get_run_record("nope")
    rows = any_tracker.get_run_config_kv(base)
    assert [(r["namespace"], r["key"], r["value"]) for r in rows] == [
        ("assign", "demand.scale", 1.0),
        ("assign", "scenario", "base"),
    ]
    assert any_tracker.get_run_config_kv(base, namespace="other") == []
    assert any_tracker.get_config_values(base) == {"demand.scale": 1.0, "scenario": "base"}
    assert any_tracker.get_config_values(base, prefix="demand.") == {"demand.scale": 1.0}
    assert any_tracker.get_config_values(base, keys="scenario") == {"scenario": "base"}
    assert any_tracker.get_config_value(policy, "demand.scale") == 1.2
    assert any_tracker.get_config_value(policy, "missing", default="d") == "d"
    assert any_tracker.diff_runs(base, policy) == {
        "demand.scale": {"left": 1.0, "right": 1.2},
        "scenario": {"left": "base", "right": "policy"},
    }
    same = any_tracker.diff_runs(base, results["base", 2040].run.id, include_equal=True)
    assert same["scenario"] == {"left": "base", "right": "base"}
    assert any_tracker.diff_runs(base, policy, keys=["scenario"], limit=1) == {
        "scenario": {"left": "base", "right": "policy"}
    }


def test_artifact_lookups(any_tracker, write_step, workdir: Path) -> None:
    results = _sweep(any_tracker, write_step)
    made = results["base", 2030]
    used = any_tracker.run(
        fn=_summarize, inputs={"assign": made.outputs["assign"]}, execution_options=PATHS
    )
    assign = made.outputs["assign"]
    assert [a.id for a in any_tracker.find_artifacts(creator=made.run)] == [assign.id]
    assert [a.id for a in any_tracker.find_artifacts(consumer=used.run.id)] == [assign.id]
    assert any_tracker.find_artifacts(creator=made.run, key="other") == []
    assert any_tracker.get_run_artifact(used.run.id, key_contains="summ").key == "summary"
    assert any_tracker.get_run_artifact(used.run.id, direction="input").id == assign.id
    assert any_tracker.get_artifact_by_uri(assign.container_uri).id == assign.id
    assert any_tracker.get_artifact_by_uri(assign.path).id == assign.id  # a local path works too
    assert any_tracker.get_artifact_by_uri(workdir / "nothing.txt") is None
    copy = workdir / "copy.txt"
    copy.write_bytes(assign.path.read_bytes())
    with any_tracker.start_run("copier", model="copier"):
        twin = any_tracker.log_output(copy, key="copy", parent_artifact_id=assign.id)
    assert [a.id for a in any_tracker.find_artifacts_with_same_content(assign)] == [twin.id]
    producers = [r.id for r in any_tracker.find_runs_producing_same_content(assign)]
    assert producers == ["copier", made.run.id]
    assert [a.id for a in any_tracker.get_child_artifacts(assign)] == [twin.id]
    assert any_tracker.get_parent_artifact(twin).id == assign.id
    assert any_tracker.get_parent_artifact(assign) is None


def test_artifact_facets_by_params(any_tracker, workdir: Path) -> None:
    any_tracker.register_artifact_facet_parser(
        "skims_", lambda key: {"period": key.split("_")[1], "year": int(key.split("_")[2])}
    )
    with any_tracker.start_run("skims", model="skims"):
        for key in ("skims_am_2030", "skims_pm_2030", "skims_am_2040"):
            path = workdir / f"{key}.omx"
            path.write_bytes(key.encode())
            any_tracker.log_output(path, key=key)
        other = workdir / "other.csv"
        other.write_text("x\n")
        any_tracker.log_output(other, key="other", facet={"period": "am"}, facet_namespace="misc")
    found = any_tracker.find_artifacts_by_params(params=["period=am", "year>=2035"])
    assert [a.key for a in found] == ["skims_am_2040"]
    am = any_tracker.find_artifacts_by_params(params={"period": "am"}, key_prefix="skims_")
    assert sorted(a.key for a in am) == ["skims_am_2030", "skims_am_2040"]
    assert [a.key for a in any_tracker.find_artifacts_by_params(params={}, namespace="misc")] == [
        "other"
    ]
    assert len(any_tracker.find_artifacts_by_params(params=["year<=2040"], limit=2)) == 2
    with pytest.raises(ConfigError, match="is not KEY=VALUE"):
        any_tracker.find_artifacts_by_params(params=["year"])
    kv = any_tracker.get_artifact_kv(any_tracker.get_artifact("skims_pm_2030"))
    assert [(r["key"], r["value"]) for r in kv] == [("period", "pm"), ("year", 2030)]
    assert any_tracker.get_artifact_kv("skims_pm_2030", prefix="y") == [
        {"namespace": None, "key": "year", "value": 2030}
    ]


def test_stored_run_facets(tracker, write_step, make_tracker, workdir: Path) -> None:
    results = _sweep(tracker, write_step)
    base = results["base", 2030].run.id
    facet_id = tracker.get_run_config_kv(base)[0]["facet_id"]
    assert tracker.get_config_facet(facet_id) == {"scenario": "base", "demand": {"scale": 1.0}}
    assert tracker.get_config_facet("0" * 64) is None
    facets = tracker.get_config_facets(namespace="assign")
    assert sorted(f["facet"]["scenario"] for f in facets) == ["base", "policy"]
    runs = tracker.find_runs_by_facet_kv(key="scenario", value_str="policy")
    assert [r.year for r in runs] == [2040, 2030]
    assert len(tracker.find_runs_by_facet_kv(key="demand.scale", value_num=1.0, limit=1)) == 1
    json_only = make_tracker(run_dir=workdir / "json_runs", db_path=None)
    with pytest.raises(ConsistRuntimeError, match="needs a database"):
        json_only.find_runs_by_facet_kv(key="scenario")


def test_lineage(any_tracker, write_step, capsys) -> None:
    made = _sweep(any_tracker, write_step)["base", 2030]
    used = any_tracker.run(
        fn=_summarize, inputs={"assign": made.outputs["assign"]}, execution_options=PATHS
    )
    summary = used.outputs["summary"]
    lineage = any_tracker.get_artifact_lineage(summary.id)
    labels = [n["label"] for n in lineage["nodes"]]
    assert lineage["root"] == summary.id
    assert labels == ["summary", f"_summarize ({used.run.id})", "assign", f"assign ({made.run.id})"]
    assert len(any_tracker.get_artifact_lineage(summary.id, max_depth=1)["nodes"]) == 2
    text = any_tracker.print_lineage(summary.id)
    assert text == "summary\n└── _summarize\n    └── assign\n        └── assign"
    assert capsys.readouterr().out.strip() == text
    assert used.run.id in any_tracker.print_lineage(summary.id, show_run_ids=True)
    with pytest.raises(ConsistLookupError, match="No run or artifact"):
        any_tracker.get_artifact_lineage("nothing")


TRIP = pa.schema([("id", pa.int64()), ("mode", pa.string())])


def test_data_methods(make_tracker, workdir: Path) -> None:
    from consist.data.schemas import TableSchema

    trip = TableSchema.from_arrow("trip", TRIP)
    tracker = make_tracker(schemas=[trip])

    def trips(n: int) -> dict[str, Path]:
        out = workdir / f"trips_{n}.parquet"
        pq.write_table(pa.table({"id": list(range(n)), "mode": ["car"] * n}, schema=TRIP), out)
        return {"trip": out}

    made = tracker.run(fn=trips, config={"n": 3}, outputs=["trip"])
    assert tracker.load(made.outputs["trip"]).df()["id"].tolist() == [0, 1, 2]
    assert len(tracker.load_run_output(made.run.id, "trip", nrows=2).fetchall()) == 2
    with pytest.raises(KeyError, match="Available keys: trip"):
        tracker.load_run_output(made.run.id, "nope")
    assert tracker.get_registered_schema("trip") is trip
    with pytest.raises(ConsistLookupError, match="No registered schema"):
        tracker.get_registered_schema("Nope")
    assert tracker.ingest(made.outputs["trip"]) == 3
    assert tracker.create_view("v_every_trip", "trip") == "v_every_trip"
    assert tracker.run_query("SELECT count(*) FROM v_every_trip") == [(3,)]  # ingested once
    view_cls = tracker.view(trip)
    assert view_cls.__tablename__ == "v_trip"
    with tracker.start_run("captured", model="capture"):
        with tracker.capture_outputs(workdir / "out", pattern="*.csv") as capture:
            (workdir / "out" / "a.csv").write_text("x\n1\n")
        with tracker.capture_outputs(workdir / "out", pattern="*.csv") as nothing_new:
            pass
        assert tracker.current_consist.run.id == "captured"
        assert [a.key for a in tracker.current_consist.outputs] == ["a"]
    assert sorted(capture.artifacts) == ["a"] and nothing_new.artifacts == {}
    assert tracker.current_consist is None
    copy = tracker.snapshot_db(workdir / "snaps" / "pre.duckdb")
    assert copy.exists() and copy.with_name("pre.snapshot_meta.json").exists()
    assert "snapshot" in (tracker.run_dir / ".consist_audit.log").read_text()
    json_only = make_tracker(run_dir=workdir / "json_runs", db_path=None)
    with pytest.raises(ConsistRuntimeError, match="no database to snapshot"):
        json_only.snapshot_db(workdir / "x.duckdb")


def test_functional_facet_parser_uses_the_tracker_hook(tracker) -> None:
    parsers = consist.register_artifact_facet_parser("a_", lambda key: {"k": key}, tracker=tracker)
    assert tracker._facet_parsers is parsers
    with pytest.raises(consist.errors.ConsistTypeError, match="does not take artifact facet"):
        consist.register_artifact_facet_parser("a_", lambda key: None, tracker=object())
