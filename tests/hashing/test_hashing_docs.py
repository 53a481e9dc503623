"""The examples in docs/hashing.md and in the hashing modules' docstrings run."""

from __future__ import annotations

import doctest
import importlib
import os
import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).parents[2] / "docs" / "hashing.md"
MODULES = [
    "consist.digest",
    "consist.hashing",
    "consist.stat_cache",
    "consist.placement",
    "consist._native",
    "consist.cli",
    "consist.cli.hash",
]


def test_user_guide_examples_run(tmp_path: pathlib.Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    assert str(namespace["d"]).startswith("blake3:")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_format_doc_vectors_match_vector_file() -> None:
    fmt = (DOC.parent / "formats" / "directory-digest.md").read_text(encoding="utf-8")
    vectors = (pathlib.Path(__file__).parents[1] / "vectors" / "dir-digest-v1.json").read_text()
    for digest in re.findall(r"digest: ((?:blake3|sha256):[0-9a-f]{64})", fmt):
        assert digest in vectors
    assert os.path.basename(str(DOC)) == "hashing.md"
