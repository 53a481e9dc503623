"""docs/compat.md runs as written: its ``python`` blocks joined into one script, executed in a
fresh git repository, printing what the page says they print."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "compat.md"
_GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]


@pytest.mark.timeout(300)
def test_compat_page_runs_and_prints_what_it_says(tmp_path: Path) -> None:
    text = PAGE.read_text()
    code = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    printed = re.findall(r"It prints:\n\n```text\n(.*?)```", text, flags=re.DOTALL)
    assert len(code) == len(printed) == 4
    (tmp_path / "readme.txt").write_text("doc test project\n")
    subprocess.run([*_GIT, "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*_GIT, "-C", str(tmp_path), "add", "readme.txt"], check=True)
    subprocess.run([*_GIT, "-C", str(tmp_path), "commit", "-q", "-m", "init"], check=True)
    script = tmp_path / "page.py"
    script.write_text("\n".join(code))
    done = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "".join(printed)
