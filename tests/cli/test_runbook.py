"""The troubleshooting guide's "Database Maintenance Runbook", walked end to end.

Snapshot -> inspect -> doctor -> purge (preview, then for real, then with
--prune-cache) -> merge (both conflict policies) -> rebuild (minimal and full,
into empty databases, compared field by field) -> compact, on a real
50-run database built by the Tracker, every step through the real CLI.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_testlib import Project, consist, release_all

from consist.maintenance.audit import read_audit
from consist.store import open_database

_METADATA = ("run", "artifact", "run_artifact_link", "config_facet", "run_config_kv")
_ORDER = {
    "run": "id",
    "artifact": "id",
    "run_artifact_link": "run_id, artifact_id, direction",
    "config_facet": "id",
    "run_config_kv": "run_id, facet_id, namespace, key",
}


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with open_database(db, read_only=True).session() as con:
        return con.execute(sql, params or []).fetchall()


def census(db: Path) -> dict[str, int]:
    """Rows in every table of the database (metadata and global_tables)."""
    tables = query(
        db,
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() ORDER BY 1, 2",
    )
    return {f"{s}.{t}": query(db, f'SELECT count(*) FROM "{s}"."{t}"')[0][0] for s, t in tables}


def rows(db: Path, table: str, where: str = "") -> list[tuple]:
    return query(db, f"SELECT * FROM {table} {where} ORDER BY {_ORDER[table]}")


def restorable(db: Path, table: str) -> list[tuple]:
    """Every column, ``run.updated_at`` included: the snapshot carries it."""
    return rows(db, table)


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and p.suffix != ".wal"
    }


def test_runbook_end_to_end(project: Project, tmp_path: Path) -> None:
    db, run_dir = project.db, project.run_dir
    base = ["--db-path", db]

    # 1. Snapshot first.
    snap = project.root / "snapshots" / "provenance.pre-maintenance.duckdb"
    out = consist(["db", "snapshot", "--out", snap, "--run-dir", run_dir, *base])
    assert out.code == 0, out.stderr
    sidecar = json.loads(
        snap.with_name("provenance.pre-maintenance.snapshot_meta.json").read_text()
    )
    assert sidecar["runs"] == 50 and sidecar["digest"].startswith("blake3:")
    assert census(snap) == census(db)
    backup_runs = project.root / "backup_runs"  # the snapshots' JSON, kept with the copy
    shutil.copytree(project.json_dir, backup_runs / "consist_runs")

    # 2. Diagnose before mutating.
    inspected = consist(["db", "inspect", "--json", "--run-dir", run_dir, *base])
    assert inspected.code == 0, inspected.stderr
    report = inspected.json()
    assert report["totals"]["run"] == 50
    assert report["runs_by_status"] == {"completed": 50}
    assert report["json_snapshots"]["in_parity"] is True
    kinds = {t["table"]: t["kind"] for t in report["global_tables"]}
    assert kinds == {
        "trips": "run_scoped",
        "config_link": "run_link",
        "config_cache": "unscoped_cache",
    }
    doctor = consist(["db", "doctor", "--json", "--run-dir", run_dir, *base])
    assert doctor.code == 0, doctor.stdout
    assert doctor.json()["healthy"] is True
    assert (
        consist(["db", "doctor", *base, "--run-dir", run_dir]).stdout.rstrip().endswith("healthy")
    )

    # 3a. Purge preview: nothing changes, not a row, not a file.
    before_counts, before_files = census(db), files_under(project.root)
    release_all()
    preview = consist(
        [
            "db",
            "purge",
            "ingest_0",
            "--dry-run",
            "--delete-ingested-data",
            *base,
            "--run-dir",
            run_dir,
            "--json",
        ]
    )
    assert preview.code == 0, preview.stderr
    plan = preview.json()
    assert plan["runs"] == ["ingest_0"] and plan["ingested_rows"]["trips"] == 10
    assert census(db) == before_counts
    release_all()
    assert files_under(project.root) == before_files

    # 3b. Purge for real: the run, its links and its ingested rows go; nothing else changes.
    others = {t: rows(db, t) for t in _METADATA}
    trips_before = query(db, "SELECT * FROM global_tables.trips ORDER BY trip_id")
    done = consist(
        ["db", "purge", "ingest_0", "--delete-ingested-data", "--yes", *base, "--run-dir", run_dir]
    )
    assert done.code == 0, done.stderr
    assert query(db, "SELECT count(*) FROM run WHERE id = 'ingest_0'") == [(0,)]
    assert query(db, "SELECT count(*) FROM run_artifact_link WHERE run_id = 'ingest_0'") == [(0,)]
    assert query(
        db, "SELECT count(*) FROM global_tables.trips WHERE consist_run_id = 'ingest_0'"
    ) == [(0,)]
    assert query(
        db, "SELECT count(*) FROM global_tables.config_link WHERE run_id = 'ingest_0'"
    ) == [(0,)]
    assert query(db, "SELECT count(*) FROM global_tables.config_cache") == [
        (4,)
    ]  # no --prune-cache
    assert query(db, "SELECT * FROM global_tables.trips ORDER BY trip_id") == [
        r for r in trips_before if r[2] != "ingest_0"
    ]
    for table in ("run", "run_artifact_link", "run_config_kv"):
        assert rows(db, table) == [r for r in others[table] if r[0] != "ingest_0"]
    assert not (project.json_dir / "ingest_0.json").exists()
    assert len(rows(db, "artifact")) == len(others["artifact"]) - 1

    # 3c. Optional unscoped cache pruning: only hashes no remaining run references.
    pruned = consist(
        [
            "db",
            "purge",
            "ingest_1",
            "--delete-ingested-data",
            "--prune-cache",
            "--yes",
            *base,
            "--run-dir",
            run_dir,
        ]
    )
    assert pruned.code == 0, pruned.stderr
    remaining = query(db, "SELECT content_hash FROM global_tables.config_cache ORDER BY 1")
    assert remaining == [("h-free",), ("h0",)]  # h1 and h-shared were only ingest_1's now

    # 4. Merge shards with an explicit conflict policy.
    shard = tmp_path / "shard.duckdb"
    release_all()
    exported = consist(
        [
            "db",
            "export",
            "ingest_0",
            "ingest_1",
            "--out",
            shard,
            "--include-data",
            "--include-snapshots",
            "--db-path",
            snap,
            "--run-dir",
            backup_runs,
        ]
    )
    assert exported.code == 0, exported.stderr
    merged = consist(
        [
            "db",
            "merge",
            shard,
            "--conflict",
            "error",
            "--include-snapshots",
            "--run-dir",
            run_dir,
            *base,
        ]
    )
    assert merged.code == 0, merged.stderr
    assert query(db, "SELECT count(*) FROM run") == [(50,)]
    assert query(db, "SELECT count(*) FROM global_tables.trips") == [(50,)]
    assert (project.json_dir / "ingest_0.json").exists()
    release_all()
    with open_database(shard).transaction() as con:  # make the shard disagree with the target
        con.execute("UPDATE run SET description = 'edited elsewhere' WHERE id = 'ingest_1'")
        con.execute(
            "INSERT INTO run (id, status, model_name, created_at) "
            "VALUES ('shard_only', 'completed', 'extra', now())"
        )
    release_all()
    counts = census(db)
    refused = consist(["db", "merge", shard, "--conflict", "error", *base])
    assert refused.code == 1 and "Problem: Merge aborted" in refused.stderr
    assert "ingest_1" in refused.stderr and "Traceback" not in refused.stderr
    assert census(db) == counts
    skipped = consist(["db", "merge", shard, "--conflict", "skip", *base, "--json"])
    assert skipped.code == 0, skipped.stderr
    assert "Warning: skipped run ingest_1" in skipped.stderr
    assert skipped.json()["merged_runs"] == ["shard_only"]
    assert query(db, "SELECT description FROM run WHERE id = 'ingest_1'") == [(None,)]
    with open_database(db).transaction() as con:  # take the extra run out again
        con.execute("DELETE FROM run WHERE id = 'shard_only'")

    # 5. Rebuild from JSON snapshots into empty databases: everything comes back, field by field.
    for mode in ("minimal", "full"):
        fresh = tmp_path / f"rebuilt_{mode}.duckdb"
        rebuilt = consist(
            ["db", "rebuild", "--json-dir", project.json_dir, "--mode", mode, "--db-path", fresh]
        )
        assert rebuilt.code == 0, rebuilt.stderr
        for table in ("run", "artifact", "run_artifact_link"):
            got, want = restorable(fresh, table), restorable(db, table)
            assert len(got) == len(want), (mode, table)
            for g, w in zip(got, want, strict=True):
                assert g == w, (
                    mode,
                    table,
                    [(i, a, b) for i, (a, b) in enumerate(zip(g, w, strict=True)) if a != b],
                )
        assert query(fresh, "SELECT count(*) FROM run WHERE updated_at IS NULL") == [(0,)]
        facets = ("config_facet", "run_config_kv")
        if mode == "full":
            kv = "SELECT * EXCLUDE (created_at) FROM run_config_kv ORDER BY run_id, key"
            assert query(fresh, kv) == query(db, kv)  # created_at: when it was recorded
            assert [r[0] for r in rows(fresh, "config_facet")] == [
                r[0] for r in rows(db, "config_facet")
            ]
        else:
            assert all(rows(fresh, t) == [] for t in facets)

    # 6. Compact after bulk changes: smaller or equal file, identical contents.
    counts = census(db)
    size = db.stat().st_size
    compacted = consist(["db", "compact", "--run-dir", run_dir, *base])
    assert compacted.code == 0, compacted.stderr
    assert census(db) == counts
    assert db.stat().st_size <= size
    assert consist(["db", "doctor", "--json", "--run-dir", run_dir, *base]).json()["healthy"]

    operations = [e.operation for e in read_audit(run_dir)]
    for op in ("snapshot", "purge", "merge", "rebuild", "compact"):
        assert op in operations, operations
    assert [e.operation for e in read_audit(backup_runs)] == ["export"]
