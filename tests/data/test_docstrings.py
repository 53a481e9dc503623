"""The examples in the data layer's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "consist.data.artifact_access",
    "consist.data.column_types",
    "consist.data.drivers",
    "consist.data.frames",
    "consist.data.ingestion",
    "consist.data.loaders",
    "consist.data.pending_ingest",
    "consist.data.relations",
    "consist.data.schemas",
    "consist.data.tabular_formats",
    "consist.data.validation",
    "consist.data.view_models",
    "consist.data.view_registry",
    "consist.data.views",
    "consist.data.writers",
    "consist.store.global_tables",
    "consist.store.views",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
