"""A damaged database or snapshot: clear reports, no tracebacks, full recovery from JSON."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_testlib import Project, consist, release_all

from consist.store import open_database


def _run_ids(db: Path) -> set[str]:
    with open_database(db, read_only=True).session() as con:
        return {r[0] for r in con.execute("SELECT id FROM run").fetchall()}


def _truncate(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 3)


def _overwrite_header(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.write(os.urandom(4096))


@pytest.mark.parametrize("damage", [_truncate, _overwrite_header], ids=["truncated", "garbage"])
def test_doctor_reports_damage_and_rebuild_recovers_every_run(
    project: Project, damage, tmp_path: Path
) -> None:
    expected = _run_ids(project.db)
    release_all()
    damage(project.db)

    doctor = consist(["db", "doctor", "--db-path", project.db])
    assert doctor.code == 1
    assert "ERROR" in doctor.stdout and "consist db rebuild" in doctor.stdout
    assert "Traceback" not in doctor.stdout + doctor.stderr
    as_json = consist(["db", "doctor", "--json", "--db-path", project.db]).json()
    assert as_json["healthy"] is False
    errors = [f for f in as_json["findings"] if f["severity"] == "error"]
    assert len(errors) == 1 and errors[0]["check"] in ("file", "integrity")
    assert errors[0]["message"].startswith("Database file is damaged")

    runs = consist(["runs", "--db-path", project.db])
    assert runs.code == 1
    assert runs.stderr.startswith("Problem: Database file is damaged")
    assert "Fix: Rebuild it from the JSON snapshots" in runs.stderr

    rebuilt = consist(
        ["db", "rebuild", "--json-dir", project.json_dir, "--db-path", project.db, "--json"]
    )
    assert rebuilt.code == 0, rebuilt.stderr
    result = rebuilt.json()
    assert result["damaged"] is True and result["runs"] == len(expected)
    aside = Path(result["moved_aside"])
    assert aside.exists() and aside.name.startswith("provenance.duckdb.damaged-")
    assert _run_ids(project.db) == expected
    healthy = consist(
        ["db", "doctor", "--json", "--run-dir", project.run_dir, "--db-path", project.db]
    )
    assert healthy.json()["healthy"] is True


def test_corrupt_snapshot_is_reported_and_skipped(project: Project, tmp_path: Path) -> None:
    expected = _run_ids(project.db)
    broken = project.json_dir / f"{project.ingest_ids[2]}.json"
    broken.write_text(broken.read_text()[:200])  # cut off mid-object
    (project.json_dir / "not_a_record.json").write_text('{"hello": "world"}')
    fresh = tmp_path / "fresh.duckdb"

    out = consist(["db", "rebuild", "--json-dir", project.json_dir, "--db-path", fresh])
    assert out.code == 0, out.stderr
    assert f"skipped corrupt snapshot {broken}" in out.stderr
    assert "not_a_record.json" in out.stderr
    assert "2 skipped" in out.stdout
    assert _run_ids(fresh) == expected - {project.ingest_ids[2]}


def test_rebuild_dry_run_changes_nothing(project: Project) -> None:
    release_all()
    before = project.db.read_bytes()
    out = consist(
        ["db", "rebuild", "--json-dir", project.json_dir, "--dry-run", "--db-path", project.db]
    )
    assert out.code == 0, out.stderr
    assert out.stdout.startswith("Would restore 50 run(s)")
    release_all()
    assert project.db.read_bytes() == before


def test_missing_snapshot_folder_is_a_clear_error(project: Project) -> None:
    out = consist(["db", "rebuild", "--json-dir", project.root / "nope", "--db-path", project.db])
    assert out.code == 1
    assert out.stderr.startswith("Problem: Snapshot directory not found")
