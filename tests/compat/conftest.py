"""Fixtures for the compatibility tests: real trackers on real DuckDB files in tmp_path.

Code identity defaults to ``repo_git``; the tests use their own small, committed git
repository as the project root, so the identity is stable while others edit the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tracker_project import git_project, make_tracker, tracker, workdir

from consist.tracker import Tracker

__all__ = ["any_tracker", "git_project", "make_tracker", "tracker", "workdir", "write_step"]


@pytest.fixture(params=["duckdb", "json-only"])
def any_tracker(request, make_tracker) -> Tracker:
    """The same test with a database and with JSON snapshots only."""
    return make_tracker(**({} if request.param == "duckdb" else {"db_path": None}))


@pytest.fixture
def write_step(workdir: Path):
    """Factory: a step function writing a file and returning it as output ``name``."""
    return lambda name: _write_step(name, workdir)


def _write_step(name: str, folder: Path):
    def step(year: int, scale: float = 1.0) -> dict[str, Path]:
        out = folder / f"{name}_{year}_{scale}.txt"
        out.write_text(f"{year} {scale}")
        return {name: out}

    step.__name__ = name
    return step
