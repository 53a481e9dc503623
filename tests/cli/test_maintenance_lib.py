"""The maintenance library behind ``consist db``: discovery, audit, lineage rendering,
purge options and preconditions, fix-status, export/merge guards, compact, bench."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_testlib import Project, consist, release_all

from consist.errors import ConfigError, ConsistError
from consist.maintenance.audit import AUDIT_FILENAME, append_audit, read_audit
from consist.maintenance.lineage import LineageGraph, LineageNode, build_lineage, to_dot, to_mermaid
from consist.maintenance.locate import DatabaseNotFoundError, find_db_path
from consist.maintenance.progress import RecordingProgress
from consist.maintenance.purge import execute_purge, plan_purge
from consist.store import MetadataStore, open_database


def _count(db: Path, sql: str) -> int:
    with open_database(db, read_only=True).session() as con:
        return con.execute(sql).fetchone()[0]


def test_find_db_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSIST_DB", raising=False)
    for folder in (".consist", "db", "data", "."):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "provenance.duckdb").touch()
        assert find_db_path(cwd=tmp_path) == tmp_path / folder / "provenance.duckdb"
    monkeypatch.setenv("CONSIST_DB", str(tmp_path / "env.duckdb"))
    with pytest.raises(DatabaseNotFoundError, match=r"Database not found at .*env\.duckdb"):
        find_db_path(cwd=tmp_path)
    assert find_db_path(cwd=tmp_path, must_exist=False) == tmp_path / "env.duckdb"
    assert find_db_path(tmp_path / "x.duckdb", must_exist=False) == tmp_path / "x.duckdb"


def test_audit_log_lines(tmp_path: Path) -> None:
    append_audit(tmp_path, "purge", "deleted\trun r1\nand more")
    append_audit(tmp_path, "compact", "10 -> 5 bytes")
    lines = (tmp_path / AUDIT_FILENAME).read_text().splitlines()
    assert [line.count("\t") for line in lines] == [2, 2]
    entries = read_audit(tmp_path)
    assert [(e.operation, e.summary) for e in entries] == [
        ("purge", "deleted run r1 and more"),
        ("compact", "10 -> 5 bytes"),
    ]
    assert entries[0].timestamp.endswith("+00:00")


class _Links:
    """An in-memory LinkSource: r1 reads a0 and writes a1; r2 reads a1 and writes a0 (a cycle)."""

    links = [("r1", "a0", "input"), ("r1", "a1", "output"), ("r2", "a1", "input"),
             ("r2", "a0", "output")]  # fmt: skip

    def describe(self, ids):
        return {
            i: LineageNode(i, "run" if i.startswith("r") else "artifact", f'"{i}"') for i in ids
        }

    def run_links(self, ids):
        return [link for link in self.links if link[0] in ids]

    def artifact_links(self, ids):
        return [link for link in self.links if link[1] in ids]


def test_lineage_walk_terminates_on_cycles_and_renders_safely() -> None:
    graph = build_lineage(_Links(), LineageNode("a1", "artifact", 'say "hi"'))
    assert set(graph.nodes) == {"a1", "r1", "r2", "a0"}
    dot = to_dot(graph)
    assert 'label="say \\"hi\\""' in dot and dot.rstrip().endswith("}")
    mermaid = to_mermaid(graph)
    assert "#quot;" in mermaid and '"hi"' not in mermaid
    limited = build_lineage(_Links(), LineageNode("a1", "artifact", "x"), direction="up", depth=1)
    assert set(limited.nodes) == {"a1", "r1"}
    assert to_mermaid(LineageGraph(root="none")) == "flowchart LR\n"


def test_doctor_flags_stuck_runs_orphans_and_drift(project: Project) -> None:
    from consist.models import Run

    release_all()
    store = MetadataStore.open(project.db)
    store.insert_run(Run(id="stuck", model_name="m"))  # status running, no end
    store.insert_run(Run(id="orphan_child", model_name="m", status="completed",
                         parent_run_id="gone"))  # fmt: skip
    with store.db.transaction() as con:
        con.execute("CREATE TABLE global_tables.legacy (consist_run_id VARCHAR, x INT)")
        con.execute("INSERT INTO global_tables.legacy VALUES ('never_was', 1)")
        con.execute(
            "INSERT INTO run_artifact_link VALUES ('stuck', 'no-artifact', 'input', 'k', false)"
        )
    store.db.release()
    report = consist(["db", "doctor", "--json", "--no-files", "--db-path", project.db])
    assert report.code == 1
    found = {f["check"]: f for f in report.json()["findings"] if f["severity"] != "ok"}
    assert found["running_runs"]["sample"][0][0] == "stuck"
    assert found["unfinished_runs"]["sample"][0][0] == "orphan_child"
    assert found["dangling_parents"]["sample"][0] == ["orphan_child", "gone"]
    assert found["orphaned_links"]["severity"] == "error"
    assert found["global_table_schema"]["sample"][0][0] == "legacy"
    assert found["orphaned_ingested_rows"]["sample"] == [["legacy", 1]]
    text = consist(["db", "doctor", "--no-files", "--db-path", project.db]).stdout
    assert "fix: consist db fix-status" in text and text.rstrip().endswith("problems found")


def test_prune_cache_needs_delete_ingested_data(project: Project) -> None:
    with pytest.raises(ConfigError, match="--prune-cache only applies together with"):
        plan_purge(project.db, ["ingest_0"], prune_cache=True)
    out = consist(["db", "purge", "ingest_0", "--prune-cache", "--yes", "--db-path", project.db])
    assert out.code == 2 and "--delete-ingested-data" in out.stderr


def test_prune_cache_is_a_noop_without_derivable_references(project: Project) -> None:
    release_all()
    with open_database(project.db).transaction() as con:
        con.execute("ALTER TABLE global_tables.config_link DROP COLUMN content_hash")
    plan = plan_purge(project.db, ["ingest_1"], delete_ingested_data=True, prune_cache=True)
    assert plan.cache == {} and "not derivable" in plan.cache_notes[0]
    progress = RecordingProgress()
    execute_purge(plan, progress=progress)
    assert _count(project.db, "SELECT count(*) FROM global_tables.config_cache") == 4
    assert progress.events[0][0] == "start" and progress.events[-1] == ("finish",)


def test_purge_children_are_scenario_steps_not_consumers(project: Project) -> None:
    from consist.models import Run

    clean, aggregate = project.clean_ids[1], project.aggregate_ids[1]
    base = ["--db-path", project.db, "--run-dir", project.run_dir]
    keep_child = consist(["db", "purge", clean, "--no-children", "--dry-run", "--json", *base])
    plan = keep_child.json()
    assert plan["runs"] == [clean]
    assert [o["key"] for o in plan["shared_outputs_kept"]] == ["cleaned"]
    # The run that read clean's output is downstream, not a child: purging the producer
    # keeps it, and keeps the output it still uses.
    plan = consist(["db", "purge", clean, "--delete-files", "--dry-run", "--json", *base]).json()
    assert plan["runs"] == [clean] and plan["files"] == []
    assert [o["key"] for o in plan["shared_outputs_kept"]] == ["cleaned"]
    # Children are the steps of a scenario: runs whose parent_run_id is the header.
    release_all()
    store = MetadataStore.open(project.db)
    store.insert_run(Run(id="sweep", model_name="scenario", status="completed"))
    for step in store.get_runs([clean, aggregate]).values():
        step.parent_run_id = "sweep"
        store.update_run(step)
    store.db.release()
    header_only = consist(["db", "purge", "sweep", "--no-children", "--dry-run", "--json", *base])
    assert header_only.json()["runs"] == ["sweep"]
    with_child = consist(["db", "purge", "sweep", "--delete-files", "--dry-run", "--json", *base])
    plan = with_child.json()
    assert sorted(plan["runs"]) == sorted(["sweep", clean, aggregate])
    assert sorted(Path(f).name for f in plan["files"]) == ["agg_clean_001.0.csv", "clean_001.0.csv"]
    done = consist(["db", "purge", "sweep", "--delete-files", "--yes", *base])
    assert done.code == 0, done.stderr
    assert not (project.run_dir / "clean_001.0.csv").exists()
    assert (project.root / "raw.csv").exists()  # an input from elsewhere is never deleted
    assert (project.run_dir / "clean_002.0.csv").exists()


def test_purge_refuses_unsafe_files_unless_skipped(project: Project, tmp_path: Path) -> None:
    from consist.models import Artifact, Run

    outside = tmp_path / "elsewhere" / "result.csv"
    outside.parent.mkdir()
    outside.write_text("x\n")
    release_all()
    store = MetadataStore.open(project.db)
    run = Run(id="writes_outside", model_name="odd", status="completed")
    store.insert_run(run)
    art = Artifact(key="result", container_uri=str(outside), driver="csv", run_id=run.id)
    store.finish_run(run, outputs={"result": art})
    store.db.release()
    base = ["db", "purge", "writes_outside", "--delete-files", "--yes", "--db-path", project.db,
            "--run-dir", project.run_dir]  # fmt: skip
    refused = consist(base)
    assert refused.code == 1
    assert (
        "Refusing to delete 1 file(s)" in refused.stderr and "outside --run-dir" in refused.stderr
    )
    assert outside.exists() and _count(project.db, "SELECT count(*) FROM run") == 51
    skipped = consist([*base, "--unsafe-delete-targets", "skip", "--json"])
    assert skipped.code == 0, skipped.stderr
    assert skipped.json()["skipped_files"][0][0] == str(outside)
    assert outside.exists() and _count(project.db, "SELECT count(*) FROM run") == 50


def test_fix_status_round_trip(project: Project) -> None:
    run_id, base = project.ingest_ids[4], ["--db-path", project.db, "--run-dir", project.run_dir]
    failed = consist(
        ["db", "fix-status", run_id, "failed", "--reason", "node died", "--json", *base]
    )
    assert failed.code == 0, failed.stderr
    assert failed.json()["previous"] == "completed"
    snapshot = json.loads((project.json_dir / f"{run_id}.json").read_text())
    assert snapshot["run"]["status"] == "failed"
    assert snapshot["run"]["meta"]["status_fix_reason"] == "node died"
    back = consist(["db", "fix-status", run_id, "running", *base])
    assert back.code == 1 and "--force" in back.stderr
    forced = consist(["db", "fix-status", run_id, "running", "--force", "--json", *base])
    assert forced.code == 0
    run = MetadataStore.open(project.db, read_only=True).get_run(run_id)
    assert run.status == "running" and run.ended_at is None
    assert [e.operation for e in read_audit(project.run_dir)] == ["fix-status", "fix-status"]
    assert consist(["db", "fix-status", run_id, "paused", *base]).code == 2


def test_export_and_merge_guards(project: Project, tmp_path: Path) -> None:
    base = ["--db-path", project.db]
    shard = tmp_path / "s.duckdb"
    assert consist(["db", "export", "nope", "--out", shard, *base]).code == 1
    assert not shard.exists()
    assert consist(["db", "export", project.ingest_ids[0], "--out", shard, *base]).code == 0
    again = consist(["db", "export", project.ingest_ids[0], "--out", shard, *base])
    assert again.code == 1 and "already exists" in again.stderr
    itself = consist(["db", "merge", project.db, *base])
    assert itself.code == 1 and "into itself" in itself.stderr
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database at all")
    broken = consist(["db", "merge", junk, *base])
    assert broken.code == 1 and broken.stderr.startswith("Problem: Database file is damaged")
    dry = consist(["db", "merge", shard, "--dry-run", "--json", *base]).json()
    assert dry["merged_runs"] == [] and dry["identical_runs"] == [project.ingest_ids[0]]


def test_snapshot_and_compact(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    with open_database(db).transaction() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS global_tables")
        con.execute(
            "CREATE TABLE global_tables.big AS SELECT i AS consist_run_id, md5(i::VARCHAR) AS v "
            "FROM range(300000) t(i)"
        )
    with open_database(db).transaction() as con:
        con.execute("DELETE FROM global_tables.big WHERE consist_run_id > 10")
    open_database(db).release()
    with pytest.raises(ConsistError, match="destination is the database itself"):
        from consist.maintenance.snapshot import snapshot_database

        snapshot_database(db, db)
    before = db.stat().st_size
    out = consist(["db", "compact", "--json", "--db-path", db])
    assert out.code == 0, out.stderr
    assert out.json()["bytes_after"] < before
    assert _count(db, "SELECT count(*) FROM global_tables.big") == 11
    assert read_audit(tmp_path)[0].operation == "compact"  # no run dir: next to the database


def test_bench_quick_json(tmp_path: Path) -> None:
    out = consist(["bench", "--quick", "--size-mb", "1", "--files", "20", "--json",
                   "--dir", tmp_path])  # fmt: skip
    assert out.code == 0, out.stderr
    report = out.json()
    names = [row["name"] for row in report["rows"]]
    for expected in ("page-cache read", "hash_file blake3", "digest_directory (stat cache warm)",
                     "stat-cache hit per file", "record one run (connection kept open)"):  # fmt: skip
        assert expected in names
    blake3 = next(r for r in report["rows"] if r["name"] == "hash_file blake3")
    assert blake3["unit"] == "GB/s" and blake3["reference_name"] == "page-cache read"
    assert list(tmp_path.iterdir()) == []  # scratch data removed


def test_purge_in_a_copied_database_leaves_the_original_snapshots(
    project: Project, built_project: Project
) -> None:
    original = built_project.json_dir / f"{project.ingest_ids[2]}.json"
    dry = consist(["db", "purge", project.ingest_ids[2], "--dry-run", "--json", "--trust-db",
                   "--db-path", project.db])  # fmt: skip
    assert dry.json()["snapshots"] == [str(original)]  # the recorded run dir, on request only
    done = consist(["db", "purge", project.ingest_ids[2], "--yes", "--db-path", project.db])
    assert done.code == 0, done.stderr
    assert original.exists()
    assert (project.json_dir / original.name).exists()  # not found without --run-dir: kept
