"""The installed ``consist`` console script in real subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cli_testlib import Project, release_all

CONSIST = str(Path(sys.executable).with_name("consist"))


def run(
    args: list, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    # A CONSIST_DB from the developer's shell must not leak into discovery tests.
    full_env = {k: v for k, v in os.environ.items() if k != "CONSIST_DB"} | (env or {})
    return subprocess.run(
        [CONSIST, *map(str, args)],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_every_command_without_heavy_imports() -> None:
    out = run(["--help"])
    assert out.returncode == 0
    for name in ("runs", "show", "artifacts", "lineage", "summary", "preview", "search",
                 "validate", "scenarios", "scenario", "db", "bench", "views"):  # fmt: skip
        assert f"\n  {name} " in out.stdout, name
    db_help = run(["db", "--help"])
    for name in ("snapshot", "inspect", "doctor", "purge", "merge", "rebuild", "compact",
                 "export", "fix-status"):  # fmt: skip
        assert f"\n  {name} " in db_help.stdout, name
    probe = (
        "import sys; from click.testing import CliRunner; from consist.cli import cli; "
        "CliRunner().invoke(cli, ['--help']); CliRunner().invoke(cli, ['db', '--help']); "
        "print([m for m in ('rich', 'duckdb', 'pandas', 'pyarrow', 'sqlalchemy') "
        "if m in sys.modules])"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr


def test_database_discovery_order(project: Project, tmp_path: Path) -> None:
    release_all()
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    shutil.copy(project.db, work / "data" / "provenance.duckdb")
    found = run(["runs", "--json", "--limit", "3"], cwd=work)
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)) == 3
    via_env = run(["summary", "--json"], cwd=tmp_path, env={"CONSIST_DB": str(project.db)})
    assert json.loads(via_env.stdout)["db_path"] == str(project.db.resolve())
    explicit = run(["summary", "--json", "--db-path", project.db], cwd=work)
    assert json.loads(explicit.stdout)["db_path"] == str(project.db.resolve())
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = run(["runs"], cwd=empty)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Problem: Database not found at")
    assert "Fix: pass --db-path PATH, or set CONSIST_DB=PATH" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_exit_codes_and_refusal_without_a_terminal(project: Project) -> None:
    release_all()
    assert run(["runs", "--limit", "-1", "--db-path", project.db]).returncode == 2
    refused = run(["db", "purge", project.ingest_ids[0], "--db-path", project.db])
    assert refused.returncode == 2
    assert "Refusing to purge 1 run(s)" in refused.stderr and "--yes" in refused.stderr
    still_there = run(["show", project.ingest_ids[0], "--json", "--db-path", project.db])
    assert json.loads(still_there.stdout)["run"]["status"] == "completed"
    unknown = run(["show", "nope", "--db-path", project.db])
    assert unknown.returncode == 1 and unknown.stderr.startswith("Problem: No run with id")
    purged = run(["db", "purge", project.ingest_ids[0], "-y", "--db-path", project.db])
    assert purged.returncode == 0, purged.stderr
    assert run(["show", project.ingest_ids[0], "--db-path", project.db]).returncode == 1
