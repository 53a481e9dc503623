"""The examples in the store and model docstrings run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "consist.models",
    "consist.settings",
    "consist.store.connection",
    "consist.store.registry",
    "consist.store.engine",
    "consist.store.locking",
    "consist.store.schema",
    "consist.store.rows",
    "consist.store.runs",
    "consist.store.artifacts",
    "consist.store.facets",
    "consist.store.metadata",
    "consist.store.snapshots",
    "consist.store.rebuild",
    "consist.store._release",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CONSIST_DB_LOCK_RETRIES", "CONSIST_DB_IDLE_RELEASE_SECONDS", "CONSIST_DB"):
        monkeypatch.delenv(var, raising=False)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
