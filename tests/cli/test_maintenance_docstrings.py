"""The examples in the CLI and maintenance docstrings run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "consist.cli.common",
    "consist.cli.progress",
    "consist.maintenance.audit",
    "consist.maintenance.bench",
    "consist.maintenance.bench_db",
    "consist.maintenance.compact",
    "consist.maintenance.database",
    "consist.maintenance.doctor",
    "consist.maintenance.export",
    "consist.maintenance.fix_status",
    "consist.maintenance.lineage",
    "consist.maintenance.locate",
    "consist.maintenance.locator",
    "consist.maintenance.merge",
    "consist.maintenance.overview",
    "consist.maintenance.progress",
    "consist.maintenance.purge",
    "consist.maintenance.rebuild",
    "consist.maintenance.shards",
    "consist.maintenance.snapshot",
    "consist.maintenance.validate",
    "consist.store.maintenance",
    "consist.store.maintenance.files",
    "consist.store.maintenance.health",
    "consist.store.maintenance.purge",
    "consist.store.maintenance.queries",
    "consist.store.maintenance.transfer",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSIST_DB", raising=False)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
