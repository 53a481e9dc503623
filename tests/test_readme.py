"""The README's example runs as written in a fresh folder: a miss, then a hit.

The script is cut from README.md itself and run as a real subprocess, so the
first thing users read cannot drift from what works.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert len(blocks) == 1
    (tmp_path / "example.py").write_text(blocks[0])
    done = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    hits = re.findall(r"cache hit: (True|False)", done.stdout)
    assert hits == ["False", "True"]
    assert re.search(r"0\s+2\s+0\.7", done.stdout) and re.search(r"1\s+4\s+0\.9", done.stdout)
    assert (tmp_path / "provenance.duckdb").is_file()
