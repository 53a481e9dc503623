"""Shared directory-digest vectors (tests/vectors/dir-digest-v1.json).

The same file is checked by rust/tests/core.rs. Here we check it three ways:
the vector is self-consistent (encoded bytes -> digest), the pure-Python
reference encoder (written from the format document) reproduces it, and the
Rust core produces the same digest for the tree on disk.
"""

from __future__ import annotations

import json
import pathlib

import blake3
import pytest
from dirdigest_reference import DIR_CONTEXT, encode, records_for_tree, root_digest
from hashing_trees import build_tree

from consist.hashing import digest_directory

VECTORS_FILE = pathlib.Path(__file__).parents[1] / "vectors" / "dir-digest-v1.json"
DOC = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS = DOC["vectors"]


def test_document_names_the_context() -> None:
    assert DOC["context"] == DIR_CONTEXT == "consist directory digest v1"
    assert len(VECTORS) >= 10


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(vector: dict, tmp_path: pathlib.Path) -> None:
    tag = "fast" if vector["strategy"] == "fast" else vector["algorithm"]
    encoded = bytes.fromhex(vector["encoded_hex"])
    assert (
        f"{tag}:" + blake3.blake3(encoded, derive_key_context=DIR_CONTEXT).hexdigest()
        == (vector["digest"])
    )
    records = records_for_tree(vector["tree"], vector["algorithm"], vector["strategy"])
    assert encode(tag, records) == encoded
    assert f"{tag}:{root_digest(tag, records).hex()}" == vector["digest"]

    build_tree(tmp_path, vector["tree"])
    result = digest_directory(
        tmp_path,
        algorithm=vector["algorithm"],
        strategy=vector["strategy"],
        symlinks=vector["symlinks"],
    )
    assert str(result.digest) == vector["digest"]
    assert [e.path for e in result.entries] == [
        r.path for r in sorted(records, key=lambda r: r.path + ("/" if r.kind == "dir" else ""))
    ]
