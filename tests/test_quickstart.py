"""The quick start in docs/quickstart.md runs as written, twice, in a fresh folder.

The script is taken from the document itself, so the documentation cannot
drift from what works. It runs as a real script in a subprocess (code
identity of a script outside git is its module file).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb

DOC = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"


def quickstart_script() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    return blocks[0]


def run_script(folder: Path) -> str:
    done = subprocess.run(
        [sys.executable, "quickstart.py"], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no warnings of any kind
    return done.stdout


def test_quickstart_runs_unchanged(tmp_path: Path) -> None:
    (tmp_path / "quickstart.py").write_text(quickstart_script())

    first = run_script(tmp_path)
    assert "first run cache hit: False" in first
    assert "second run cache hit: True" in first
    assert re.search(r"0\s+2\s+0\.7", first) and re.search(r"1\s+4\s+0\.9", first)
    assert "0.2" not in first

    # A second process finds both earlier runs in the database: all hits now.
    again = run_script(tmp_path)
    assert "first run cache hit: True" in again

    con = duckdb.connect(str(tmp_path / "provenance.duckdb"), read_only=True)
    try:
        statuses = con.execute("SELECT status, count(*) FROM run GROUP BY status").fetchall()
    finally:
        con.close()
    assert statuses == [("completed", 4)]
    assert len(list((tmp_path / "runs" / "consist_runs").glob("*.json"))) == 4
