"""The examples in docs/persistence.md run as written (each block in its own process)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "persistence.md"
BLOCK = re.compile(r"```(python|sql)\n(.*?)```", re.DOTALL)

SETUP = """
from consist.models import ConsistRecord, Run
from consist.store.snapshots import write_snapshot
write_snapshot("runs", ConsistRecord(run=Run(id="setup_run", model_name="beam", status="completed")))
"""


def _run(code: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{code}\n---\n{done.stderr}"


def test_persistence_doc_examples_run(tmp_path: Path) -> None:
    blocks = BLOCK.findall(DOC.read_text())
    assert len(blocks) >= 6
    _run(SETUP, tmp_path)
    ran = 0
    for language, code in blocks:
        if "tracker." in code:
            continue  # needs a Tracker: covered by the tracker and guide tests
        if language == "sql":
            code = (
                f"import duckdb\ncon = duckdb.connect('provenance.duckdb')\ncon.execute({code!r})"
            )
        _run(code, tmp_path)
        ran += 1
    assert ran >= 6
