"""docs/workflows.md and docs/recovery.md run as written, each as one script.

The ``python`` blocks of each page are joined into a script and executed in a
subprocess inside a fresh git repository (traced blocks take their code
identity from git). The printed lines are checked against what the page says
they print.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
_GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]


def run_page(name: str, folder: Path) -> str:
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / name).read_text(), flags=re.DOTALL)
    assert blocks, f"no python blocks in {name}"
    (folder / "readme.txt").write_text("doc test project\n")
    subprocess.run([*_GIT, "init", "-q", str(folder)], check=True)
    subprocess.run([*_GIT, "-C", str(folder), "add", "readme.txt"], check=True)
    subprocess.run([*_GIT, "-C", str(folder), "commit", "-q", "-m", "init"], check=True)
    script = folder / "page.py"
    script.write_text("\n".join(blocks))
    done = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.timeout(300)
def test_workflows_page(tmp_path: Path) -> None:
    out = run_page("workflows.md", tmp_path).splitlines()
    assert out[:2] == ["attempt 0: cache hit = False", "attempt 1: cache hit = True"]
    assert out[2:5] == ["[False, False, False]", "[True, True, True]", "[True, False, False]"]
    assert out[5] == "completed ['scenario_header']"
    assert out[6] == "['prepare', 'simulate', 'summarize']"
    assert out[7] == "['persons', 'summary', 'trips']"
    assert out[8] == "4"
    assert out[9].startswith(str(tmp_path / "outputs" / "prepare")) and out[9].endswith("None")
    assert out[10] == "adults_21 2"
    assert out[11:13] == ["inputs://population.parquet", "True"]
    assert out[13] == "Cannot resolve URI: outputs://key/file.csv"
    assert out[14].startswith("Path traversal detected in URI 'inputs://../../etc/passwd'")


@pytest.mark.timeout(300)
def test_recovery_page(tmp_path: Path) -> None:
    out = run_page("recovery.md", tmp_path).splitlines()
    assert out == [
        "True True",
        "['doubled']",
        "source_root True",
        "['persons'] True",
        "staged id,value",
        "False",
        "recovery_root",
    ]
