"""Docstring examples of the workflow and artifacts layers run as written; every public
function and class of those modules has a docstring."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

MODULES = [
    "consist.artifacts.ghost",
    "consist.artifacts.hydration",
    "consist.artifacts.materialize",
    "consist.artifacts.mounts",
    "consist.artifacts.placing",
    "consist.artifacts.recovery",
    "consist.artifacts.results",
    "consist.artifacts.sources",
    "consist.artifacts.staging",
    "consist.artifacts.uris",
    "consist.tracker.hit_outputs",
    "consist.tracker.recovery_methods",
    "consist.tracker.workflow_methods",
    "consist.workflow.api",
    "consist.workflow.coupler",
    "consist.workflow.noop",
    "consist.workflow.recovery_api",
    "consist.workflow.refs",
    "consist.workflow.scenario",
    "consist.workflow.scenario_inputs",
    "consist.workflow.scenario_record",
    "consist.workflow.steps",
    "consist.workflow.trace",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert module.__doc__
    for public in getattr(module, "__all__", []):
        obj = getattr(module, public)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"{name}.{public} has no docstring"
