"""The Python examples in docs/data.md run as written, in order, in a fresh project.

They run in a subprocess: the doc declares ``class Trip(SQLModel, table=True)``,
which must not meet other tests' ``Trip`` in the shared ``SQLModel.metadata``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "data.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
LOAD_CHECK = '\nassert busy["mode"].tolist() == ["car"]\n'
VIEW_CHECK = (
    '\nassert per_year == [(2030, 16.3)], per_year\nassert scaled == [("high", 225.0)], scaled\n'
)


def test_data_doc_examples_run(tmp_path: Path) -> None:
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    blocks = BLOCK.findall(DOC.read_text())
    assert len(blocks) >= 4
    script = "\n".join(blocks) + LOAD_CHECK + VIEW_CHECK + "print('DOC-OK')"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DOC-OK" in done.stdout
