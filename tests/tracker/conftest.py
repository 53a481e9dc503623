"""Fixtures for tracker tests: a real git project, real DuckDB files, real files.

Code identity defaults to ``repo_git``. The tests use their own small git
repository as the project root (never the consist checkout, whose working
tree other people edit while tests run), so code identity is stable unless a
test changes it on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tracker_project import git_project, make_git_project, make_tracker, tracker, workdir

__all__ = ["git_project", "make_tracker", "new_git_project", "tracker", "workdir"]


@pytest.fixture
def new_git_project(tmp_path: Path):
    """Factory for a fresh git project a test may edit."""
    return lambda name="project": make_git_project(tmp_path / name)
