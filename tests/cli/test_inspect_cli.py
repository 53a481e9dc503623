"""Inspection commands on the 50-run project: tables for people, JSON for scripts."""

from __future__ import annotations

import shutil
import subprocess

import duckdb
import pytest
from cli_testlib import Project, consist, release_all

from consist.models import Run
from consist.store import MetadataStore


def test_runs_json_rows_and_filters(project: Project) -> None:
    base = ["--db-path", project.db, "--json"]
    rows = consist(["runs", *base]).json()
    assert len(rows) == 10  # default --limit
    assert set(rows[0]) == {
        "id", "model", "status", "scenario_id", "year", "created_at", "duration_seconds",
        "tags", "meta",
    }  # fmt: skip
    everything = consist(["runs", "--limit", "1000", *base]).json()
    assert len(everything) == 50
    assert [r["created_at"] for r in everything] == sorted(
        (r["created_at"] for r in everything), reverse=True
    )
    clean = consist(["runs", "--model", "clean", "--limit", "100", *base]).json()
    assert len(clean) == 41 and {r["model"] for r in clean} == {"clean"}
    odd = consist(["runs", "--tag", "sweep", "--tag", "odd", "--limit", "100", *base]).json()
    assert len(odd) == 20 and all({"sweep", "odd"} <= set(r["tags"]) for r in odd)
    assert consist(["runs", "--status", "failed", *base]).json() == []
    table = consist(["runs", "--model", "ingest", "--db-path", project.db])
    assert table.code == 0 and "ingest_4" in table.stdout and "completed" in table.stdout


def test_runs_usage_errors_exit_2(project: Project) -> None:
    for args in (["--limit", "0"], ["--status", "weird"], ["--bogus"]):
        out = consist(["runs", "--db-path", project.db, *args])
        assert out.code == 2, args
        assert "Usage:" in out.stderr


def test_show_json_and_unknown_run(project: Project) -> None:
    run_id = project.aggregate_ids[0]
    shown = consist(["show", run_id, "--json", "--db-path", project.db])
    assert shown.code == 0, shown.stderr
    data = shown.json()
    assert data["run"]["id"] == run_id and data["run"]["model_name"] == "aggregate"
    assert list(data["inputs"]) == ["cleaned"] and list(data["outputs"]) == ["summary"]
    assert data["identity"]["signature"] == data["run"]["signature"]
    facet = consist(["show", project.clean_ids[3], "--json", "--db-path", project.db]).json()
    assert facet["config"]["clean.scale"] == 3.0
    human = consist(["show", run_id, "--db-path", project.db])
    assert human.code == 0 and run_id in human.stdout and "summary" in human.stdout
    missing = consist(["show", "no-such-run", "--db-path", project.db])
    assert missing.code == 1
    assert missing.stderr.startswith("Problem: No run with id 'no-such-run'.")
    assert "Traceback" not in missing.stderr


def test_artifacts_json_resolves_paths_with_run_dir(project: Project) -> None:
    run_id = project.aggregate_ids[0]
    listed = consist(
        ["artifacts", run_id, "--json", "--run-dir", project.run_dir, "--db-path", project.db]
    ).json()
    assert {(a["direction"], a["key"]) for a in listed} == {
        ("input", "cleaned"),
        ("output", "summary"),
    }
    assert all(a["exists"] for a in listed)
    unresolved = consist(["artifacts", run_id, "--json", "--db-path", project.db]).json()
    assert not any(a["exists"] for a in unresolved)  # ./ URIs need --run-dir
    trips = consist(["artifacts", "--key-prefix", "tri", "--json", "--db-path", project.db]).json()
    assert len(trips) == 5 and {a["key"] for a in trips} == {"trips"}
    bad = consist(["artifacts", run_id, "--mount", "no-equals-sign", "--db-path", project.db])
    assert bad.code == 2 and "NAME=PATH" in bad.stderr


def test_lineage_json_tree_and_formats(project: Project, tmp_path) -> None:
    run_id = project.aggregate_ids[1]
    graph = consist(["lineage", run_id, "--json", "--db-path", project.db]).json()
    kinds = {n["label"]: n["kind"] for n in graph["nodes"]}
    assert graph["root"] == run_id
    assert kinds["raw"] == "artifact" and kinds["summary"] == "artifact"
    assert sum(k == "run" for k in kinds.values()) == 2  # the aggregate and the clean run
    relations = {(e["relation"]) for e in graph["edges"]}
    assert relations == {"input", "output"}
    up = consist(["lineage", run_id, "--direction", "up", "--json", "--db-path", project.db]).json()
    assert "summary" not in {n["label"] for n in up["nodes"]}
    shallow = consist(
        ["lineage", run_id, "--direction", "up", "--depth", "1", "--json", "--db-path", project.db]
    ).json()
    assert {n["label"] for n in shallow["nodes"]} == {graph["nodes"][0]["label"], "cleaned"} | {
        n["label"] for n in shallow["nodes"] if n["id"] == run_id
    }
    by_key = consist(["lineage", "raw", "--json", "--direction", "down", "--db-path", project.db])
    assert by_key.code == 0  # by key: the newest artifact called "raw", and the run it fed
    assert [n["kind"] for n in by_key.json()["nodes"]][:2] == ["artifact", "run"]
    tree = consist(["lineage", run_id, "--db-path", project.db])
    assert tree.code == 0 and "upstream" in tree.stdout and "raw" in tree.stdout
    mermaid = consist(["lineage", run_id, "--format", "mermaid", "--db-path", project.db])
    assert mermaid.stdout.startswith("flowchart LR\n") and "-->" in mermaid.stdout
    unknown = consist(["lineage", "nothing-here", "--db-path", project.db])
    assert unknown.code == 1 and unknown.stderr.startswith("Problem: No run or artifact named")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_lineage_dot_renders_with_graphviz(project: Project, tmp_path) -> None:
    dot = consist(["lineage", project.aggregate_ids[0], "--format", "dot", "--db-path", project.db])
    assert dot.code == 0 and dot.stdout.startswith("digraph lineage {")
    rendered = subprocess.run(
        ["dot", "-Tsvg"], input=dot.stdout, capture_output=True, text=True, check=True
    )
    assert rendered.stdout.lstrip().startswith("<?xml") and "<svg" in rendered.stdout
    assert project.aggregate_ids[0] in rendered.stdout


def test_summary_and_search(project: Project) -> None:
    summary = consist(["summary", "--json", "--db-path", project.db]).json()
    assert summary["totals"]["run"] == 50
    models = {m["model"]: m for m in summary["models"]}
    assert models["clean"]["runs"] == 41 and models["clean"]["cache_hits"] == 1
    assert {d["driver"] for d in summary["artifacts_by_driver"]} == {"csv", "parquet"}
    assert "Runs by model" in consist(["summary", "--db-path", project.db]).stdout
    found = consist(["search", "ingest_", "--json", "--db-path", project.db]).json()
    assert sorted(r["id"] for r in found) == project.ingest_ids
    assert consist(["search", "%", "--json", "--db-path", project.db]).json() == []  # literal
    tagged = consist(["search", "odd", "--limit", "100", "--json", "--db-path", project.db])
    assert len(tagged.json()) == 20
    too_long = consist(["search", "x" * 300, "--db-path", project.db])
    assert too_long.code == 2


def test_scenarios_list_and_detail(project: Project) -> None:
    release_all()
    store = MetadataStore.open(project.db)
    store.insert_run(Run(id="baseline", model_name="scenario", tags=["scenario_header"]))
    for i in range(3):
        store.insert_run(Run(id=f"baseline_step{i}", model_name="step", parent_run_id="baseline"))
    store.db.release()
    listed = consist(["scenarios", "--json", "--db-path", project.db]).json()
    assert [(s["id"], s["runs"], s["scenario_id"]) for s in listed] == [("baseline", 3, "baseline")]
    detail = consist(["scenario", "baseline", "--json", "--db-path", project.db]).json()
    assert [s["id"] for s in detail["steps"]] == [f"baseline_step{i}" for i in range(3)]
    assert {s["scenario_id"] for s in detail["steps"]} == {"baseline"}
    steps = consist(["runs", "--model", "step", "--json", "--db-path", project.db]).json()
    assert {r["scenario_id"] for r in steps} == {"baseline"}
    assert "baseline_step2" in consist(["scenario", "baseline", "--db-path", project.db]).stdout
    assert consist(["scenario", "nope", "--db-path", project.db]).code == 1


def test_preview_reads_file_then_ingested_rows(project: Project) -> None:
    base = ["--db-path", project.db]
    from_file = consist(
        ["preview", "trips", "--rows", "3", "--json", "--run-dir", project.run_dir, *base]
    )
    assert from_file.code == 0, from_file.stderr
    data = from_file.json()
    assert data["columns"] == ["trip_id", "mode"] and len(data["rows"]) == 3
    assert data["source"].endswith(".parquet")
    ingested = consist(["preview", "trips", "-n", "2", "--json", *base]).json()
    assert ingested["source"] == "ingested rows" and ingested["rows"] == [[40, "car"], [41, "car"]]
    csv_out = consist(["preview", "summary", "--run-dir", project.run_dir, *base])
    assert csv_out.code == 0 and "total" in csv_out.stdout
    gone = consist(["preview", "summary", *base])  # ./ URI, no --run-dir, not ingested
    assert gone.code == 1 and gone.stderr.startswith("Problem: Artifact 'summary'")


def test_validate_detects_missing_and_changed_files(project: Project) -> None:
    base = ["--db-path", project.db, "--run-dir", project.run_dir]
    ok = consist(["validate", "--json", *base])
    assert ok.code == 0, ok.stdout
    # Every recorded artifact row is checked once (a raw input read by many runs is one row).
    with duckdb.connect(str(project.db), read_only=True) as con:
        recorded = con.execute("SELECT count(*) FROM artifact").fetchall()[0][0]
    assert ok.json()["ok"] == ok.json()["checked"] == recorded > 0
    without_dir = consist(["validate", "--json", "--db-path", project.db])
    assert without_dir.code == 1 and without_dir.json()["unresolved"]
    changed = project.run_dir / "clean_003.0.csv"
    changed.write_text(changed.read_text() + "tampered\n")
    (project.run_dir / "clean_004.0.csv").unlink()
    bad = consist(["validate", "--json", *base])
    assert bad.code == 1
    report = bad.json()
    assert [m["path"] for m in report["mismatched"]] == [str(changed)]
    assert [m["uri"] for m in report["missing"]] == ["./clean_004.0.csv"]
    fixed = consist(["validate", "--fix", "--no-digest", "--json", *base])
    assert fixed.json()["fixed"] == 1
    meta = MetadataStore.open(project.db, read_only=True).find_artifacts(key="cleaned")
    flagged = [a.container_uri for a in meta if a.meta.get("missing_on_disk")]
    assert flagged == ["./clean_004.0.csv"]
    human = consist(["validate", *base])
    assert "1 missing, 1 changed" in human.stdout


def test_artifacts_by_config_params(project: Project) -> None:
    base = ["artifacts", "--json", "--db-path", project.db]
    high = consist([*base, "--param", "scale>=37", "--param", "family.even=true"]).json()
    assert [a["container_uri"] for a in high] == ["./clean_038.0.csv"]
    low = consist([*base, "--param", "scale<=1", "--namespace", "clean"]).json()
    assert sorted(a["container_uri"] for a in low) == ["./clean_000.0.csv", "./clean_001.0.csv"]
    assert consist([*base, "--param", "scale>=1", "--namespace", "other"]).json() == []
    named = consist([*base, "--param", "family.name=sweep", "--limit", "5"]).json()
    assert len(named) == 5
    assert consist([*base, "--param", "scale"]).code == 2
