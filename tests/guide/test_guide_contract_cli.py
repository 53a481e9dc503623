"""The guide's database maintenance runbook, typed exactly as printed, as real subprocesses.

tests/cli/test_runbook.py walks the runbook in depth (with ``--run-dir``); here
every command line is the guide's own text, run from the project folder, and
the merge policies are checked against an incompatible global table. The
contract table is in ``test_guide_contract.py``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Field, SQLModel

from consist import ExecutionOptions, Tracker
from consist.store import open_database, release_all

CONSIST = str(Path(sys.executable).with_name("consist"))
_GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]


class ContractTrip(SQLModel, table=True):
    __tablename__ = "contract_trips"
    trip_id: int = Field(primary_key=True)
    minutes: float


def shell(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one guide command line (``consist ...``) with the installed console script."""
    argv = shlex.split(line)
    assert argv[0] == "consist"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [CONSIST, *argv[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def query(db: Path, sql: str) -> list[tuple]:
    with open_database(db, read_only=True).session() as con:
        rows = con.execute(sql).fetchall()
    release_all()  # the next subprocess needs the file
    return rows


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two cached runs and two ingesting runs in ./provenance.duckdb, snapshots in ./runs."""
    subprocess.run([*_GIT, "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        [*_GIT, "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", "i"], check=True
    )
    monkeypatch.chdir(tmp_path)
    Path("input.csv").write_text("id\n1\n")
    tracker = Tracker(run_dir="./runs", db_path="./provenance.duckdb")

    def clean(data: Path, scale: int) -> dict[str, Path]:
        out = Path(f"clean_{scale}.csv")
        out.write_text(data.read_text() + f"{scale}\n")
        return {"cleaned": out}

    for scale in (1, 2):
        tracker.run(
            fn=clean,
            run_id=f"clean_{scale}",
            inputs={"data": Path("input.csv")},
            config={"scale": scale},
            execution_options=ExecutionOptions(input_binding="paths"),
        )
    for i in (0, 1):
        with tracker.start_run(f"ingest_{i}", model="example"):
            frame = pd.DataFrame({"trip_id": [2 * i, 2 * i + 1], "minutes": [5.0, 7.5]})
            tracker.log_dataframe(frame, key="trips", schema=ContractTrip)
    tracker.close()
    release_all()
    return tmp_path


def test_runbook_lines_as_printed(project: Path) -> None:
    db = project / "provenance.duckdb"

    def run(line: str) -> str:
        done = shell(line, project)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    run(
        "consist db snapshot --out ./snapshots/provenance.pre-maintenance.duckdb "
        "--db-path ./provenance.duckdb"
    )
    assert (project / "snapshots" / "provenance.pre-maintenance.duckdb").is_file()
    assert "run" in run("consist db inspect --db-path ./provenance.duckdb")
    assert run("consist db doctor --db-path ./provenance.duckdb").rstrip().endswith("healthy")

    run("consist db purge ingest_0 --dry-run --db-path ./provenance.duckdb")
    assert query(db, "SELECT count(*) FROM run") == [(4,)]  # a preview changes nothing
    run("consist db purge ingest_0 --delete-ingested-data --yes --db-path ./provenance.duckdb")
    run(
        "consist db purge ingest_1 --delete-ingested-data --prune-cache --yes "
        "--db-path ./provenance.duckdb"
    )
    assert query(db, "SELECT id FROM run ORDER BY id") == [("clean_1",), ("clean_2",)]
    assert query(db, "SELECT count(*) FROM global_tables.contract_trips") == [(0,)]

    # The pre-maintenance snapshot as a shard: merging brings the purged runs back.
    shutil.copy(project / "snapshots" / "provenance.pre-maintenance.duckdb", "shard.duckdb")
    run("consist db merge shard.duckdb --conflict error --db-path ./provenance.duckdb")
    assert query(db, "SELECT count(*) FROM run") == [(4,)]
    assert query(db, "SELECT count(*) FROM global_tables.contract_trips") == [(4,)]
    run("consist db merge shard.duckdb --conflict skip --db-path ./provenance.duckdb")
    assert query(db, "SELECT count(*) FROM run") == [(4,)]  # identical runs: nothing to add

    # Run from the project folder without --run-dir, purge found ./runs and removed the
    # purged runs' JSON snapshots too, so a rebuild does not bring them back. (The merge
    # restored rows in the database only; a shard carries no snapshots.)
    snapshots = sorted(p.stem for p in (project / "runs" / "consist_runs").glob("*.json"))
    assert "ingest_0" not in snapshots and "ingest_1" not in snapshots
    db.unlink()  # rebuild into an empty database from the JSON snapshots
    for mode in ("minimal", "full"):
        run(
            f"consist db rebuild --json-dir ./runs/consist_runs --mode {mode} "
            "--db-path ./provenance.duckdb"
        )
        assert query(db, "SELECT id FROM run ORDER BY id") == [("clean_1",), ("clean_2",)]
    run("consist db compact --db-path ./provenance.duckdb")
    assert "clean_1" in run("consist runs")  # "Getting Help": finds ./provenance.duckdb


def test_merge_global_table_schema_conflicts(project: Path) -> None:
    db, shard = project / "provenance.duckdb", project / "shard.duckdb"
    with open_database(db).transaction() as con:
        con.execute("CREATE TABLE global_tables.scores (consist_run_id VARCHAR, score INTEGER)")
        con.execute("CREATE TABLE global_tables.notes (consist_run_id VARCHAR, note VARCHAR)")
    release_all()
    shutil.copy(db, shard)
    with open_database(shard).transaction() as con:  # the shard disagrees on one table
        con.execute("ALTER TABLE global_tables.scores ALTER score TYPE VARCHAR")
        con.execute(
            "INSERT INTO run (id, status, model_name, created_at) "
            "VALUES ('shard_only', 'completed', 'extra', now())"
        )
        con.execute("INSERT INTO global_tables.scores VALUES ('shard_only', 'high')")
        con.execute("INSERT INTO global_tables.notes VALUES ('shard_only', 'kept')")
    release_all()

    refused = shell(
        "consist db merge shard.duckdb --conflict error --db-path ./provenance.duckdb", project
    )
    assert refused.returncode == 1 and refused.stderr.startswith("Problem: Merge aborted")
    assert "global_tables.scores" in refused.stderr and "Traceback" not in refused.stderr
    assert query(db, "SELECT count(*) FROM run WHERE id = 'shard_only'") == [(0,)]

    merged = shell(
        "consist db merge shard.duckdb --conflict skip --db-path ./provenance.duckdb", project
    )
    assert merged.returncode == 0, merged.stderr
    assert "Warning: skipped table global_tables.scores" in merged.stderr
    assert query(db, "SELECT count(*) FROM run WHERE id = 'shard_only'") == [(1,)]
    assert query(db, "SELECT * FROM global_tables.notes") == [("shard_only", "kept")]
    assert query(db, "SELECT count(*) FROM global_tables.scores") == [(0,)]
