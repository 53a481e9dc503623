"""Shared fixtures for tests on a Tracker: a committed git project, real DuckDB files, real files.

Imported by the conftest.py of tests/tracker, tests/compat, tests/workflow and tests/artifacts
(``pythonpath`` in pyproject.toml puts tests/_shared on sys.path).

The project root is a small git repository of the tests' own (never the
consist checkout), so ``repo_git`` code identity is stable.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from consist.store import open_database
from consist.tracker import Tracker

_GIT = ["git", "-c", "user.name=consist-tests", "-c", "user.email=tests@example.invalid"]


def make_git_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "model.py").write_text("VERSION = 1\n")
    subprocess.run([*_GIT, "init", "-q", str(root)], check=True)
    subprocess.run([*_GIT, "-C", str(root), "add", "model.py"], check=True)
    subprocess.run([*_GIT, "-C", str(root), "commit", "-q", "-m", "init"], check=True)
    return root


@pytest.fixture(scope="session")
def git_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_git_project(tmp_path_factory.mktemp("project"))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONSIST_ALLOW_EXTERNAL_PATHS", raising=False)
    return tmp_path


@pytest.fixture
def make_tracker(workdir: Path, git_project: Path) -> Iterator:
    """Factory for trackers on ``<workdir>/runs`` + ``<workdir>/provenance.duckdb``."""
    created: list[Tracker] = []

    def factory(**kwargs) -> Tracker:
        kwargs.setdefault("run_dir", workdir / "runs")
        kwargs.setdefault("db_path", workdir / "provenance.duckdb")
        kwargs.setdefault("project_root", git_project)
        tracker = Tracker(**kwargs)
        created.append(tracker)
        return tracker

    yield factory
    for tracker in created:
        tracker.close()
        if tracker.db_path is not None:
            open_database(tracker.db_path).close()


@pytest.fixture
def tracker(make_tracker) -> Tracker:
    return make_tracker()
