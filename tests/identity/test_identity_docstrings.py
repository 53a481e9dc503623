"""The examples in the identity and options docstrings run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest
from identity_testlib import identity_digest_tag

MODULES = [
    "consist.options",
    "consist.identity",
    "consist.identity.canonical",
    "consist.identity.code",
    "consist.identity.explain",
    "consist.identity.git_state",
    "consist.identity.hash_backend",
    "consist.identity.identity_inputs",
    "consist.identity.manager",
    "consist.identity.signature",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if identity_digest_tag() != "blake3:":
        pytest.skip("examples show BLAKE3 digests; consist.hashing.hash_bytes is not there yet")
    monkeypatch.chdir(importlib.import_module("consist").__path__[0])  # inside the repository
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
