"""Fixtures for the store tests: real DuckDB files in tmp_path, real subprocesses."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from consist.store import MetadataStore, open_database

_ENV_VARS = (
    "CONSIST_DB_LOCK_RETRIES",
    "CONSIST_DB_LOCK_BASE_SLEEP_SECONDS",
    "CONSIST_DB_LOCK_MAX_SLEEP_SECONDS",
    "CONSIST_DLT_LOCK_RETRIES",
    "CONSIST_DLT_LOCK_BASE_SLEEP_SECONDS",
    "CONSIST_DLT_LOCK_MAX_SLEEP_SECONDS",
    "CONSIST_DB_IDLE_RELEASE_SECONDS",
    "CONSIST_DB",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "provenance.duckdb"
    yield path
    open_database(path).close()


@pytest.fixture
def store(db_path: Path) -> MetadataStore:
    return MetadataStore.open(db_path)


class PythonProcesses:
    """Start real Python subprocesses running this interpreter (and this consist)."""

    @staticmethod
    def spawn(script: str, *args: str) -> subprocess.Popen[str]:
        """Start ``python -c script args...`` with stdout piped (text)."""
        return subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def run(script: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``python -c script args...`` to completion; raise with its stderr if it fails."""
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        return done

    @staticmethod
    def wait_for_line(proc: subprocess.Popen[str], expected: str) -> None:
        """Block until the child prints ``expected`` on a line of its own."""
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if line != expected:
            proc.kill()
            _, err = proc.communicate()
            raise AssertionError(f"child said {line!r}, stderr: {err}")


@pytest.fixture
def procs() -> PythonProcesses:
    return PythonProcesses()
