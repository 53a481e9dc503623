"""Fixtures for identity tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from identity_testlib import git


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A repository with one commit: a Python module and a README."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "model.py").write_text("def step(x):\n    return x + 1\n")
    (repo / "README.md").write_text("readme\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    return repo
