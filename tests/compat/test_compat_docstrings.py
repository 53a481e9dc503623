"""Docstring examples of the compatibility modules run as written; every public function and
class of those modules has a docstring."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

MODULES = [
    "consist.admission",
    "consist.capture",
    "consist.config_adapters",
    "consist.driver_types",
    "consist.facets",
    "consist.guards",
    "consist.history",
    "consist.indexing",
    "consist.integrations.containers",
    "consist.integrations.containers.definition",
    "consist.protocols",
    "consist.queries",
    "consist.run_facets",
    "consist.runset",
    "consist.runtime",
    "consist.runtime_kwargs",
    "consist.store.facet_lookup",
    "consist.store.introspect",
    "consist.store.sql_tables",
    "consist.types",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert module.__doc__
    for public in getattr(module, "__all__", []):
        obj = getattr(module, public)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"{name}.{public} has no docstring"
