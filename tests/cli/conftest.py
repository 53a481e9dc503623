"""Fixtures for the CLI tests; the project they build is described in ``cli_testlib``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_testlib import Project, build_project, release_all


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_project(tmp_path_factory.mktemp("cli-project") / "project")


@pytest.fixture
def project(built_project: Project, tmp_path: Path) -> Project:
    """A private copy of the 50-run project (runs, snapshots and database)."""
    release_all()
    root = tmp_path / "project"
    shutil.copytree(built_project.root, root)
    return Project(
        root=root,
        db=root / "provenance.duckdb",
        run_dir=root / "runs",
        json_dir=root / "runs" / "consist_runs",
        clean_ids=built_project.clean_ids,
        aggregate_ids=built_project.aggregate_ids,
        ingest_ids=built_project.ingest_ids,
        hit_id=built_project.hit_id,
    )
