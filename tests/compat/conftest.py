"""Fixtures for the compatibility tests: real trackers on real DuckDB files in tmp_path.

Code identity defaults to ``repo_git``; the tests use their own small, committed git
repository as the project root, so the identity is stable while others edit the checkout.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from consist.store import open_database
from consist.tracker import Tracker

_GIT = ["git", "-c", "user.name=consist-tests", "-c", "user.email=tests@example.invalid"]


@pytest.fixture(scope="session")
def git_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compat_project")
    (root / "model.py").write_text("VERSION = 1\n")
    subprocess.run([*_GIT, "init", "-q", str(root)], check=True)
    subprocess.run([*_GIT, "-C", str(root), "add", "model.py"], check=True)
    subprocess.run([*_GIT, "-C", str(root), "commit", "-q", "-m", "init"], check=True)
    return root


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def make_tracker(workdir: Path, git_project: Path) -> Iterator:
    """Factory for trackers on ``<workdir>/runs`` and ``<workdir>/provenance.duckdb``."""
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
        if tracker.db_path is not None:
            open_database(tracker.db_path).close()


@pytest.fixture
def tracker(make_tracker) -> Tracker:
    return make_tracker()


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
