"""Docstring examples of the Tracker's compatibility mixins and their helpers run as written,
and every public method of those mixins documents an example."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

MODULES = [
    "consist.data.view_freshness",
    "consist.facets",
    "consist.store.lookups",
    "consist.tracker.artifact_lookup_methods",
    "consist.tracker.data_methods",
    "consist.tracker.facet_methods",
    "consist.tracker.facet_parsers",
    "consist.tracker.lineage_methods",
    "consist.tracker.lookup_methods",
    "consist.tracker.tracker_config",
]

MIXINS = {
    "consist.tracker.artifact_lookup_methods": "TrackerArtifactLookups",
    "consist.tracker.data_methods": "TrackerData",
    "consist.tracker.facet_methods": "TrackerFacetLookups",
    "consist.tracker.lineage_methods": "TrackerLineage",
    "consist.tracker.lookup_methods": "TrackerLookups",
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize(("module_name", "class_name"), sorted(MIXINS.items()))
def test_public_methods_show_an_example(module_name: str, class_name: str) -> None:
    cls = getattr(importlib.import_module(module_name), class_name)
    public = [
        name
        for name, member in vars(cls).items()
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    ]
    assert public
    for name in public:
        member = vars(cls)[name]
        doc = inspect.getdoc(member.fget if isinstance(member, property) else member) or ""
        assert "Example" in doc, f"{class_name}.{name} has no example"
