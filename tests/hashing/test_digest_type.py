"""The Digest value type."""

from __future__ import annotations

import pickle

import pytest

from consist.digest import Digest
from consist.errors import ConfigError


def test_round_trip_and_tags() -> None:
    d = Digest("blake3", bytes(range(32)))
    assert str(d) == "blake3:" + bytes(range(32)).hex()
    assert Digest.parse(str(d)) == d
    assert d.hex == bytes(range(32)).hex()
    assert repr(d) == f"Digest('{d}')"
    assert pickle.loads(pickle.dumps(d)) == d


def test_equality_and_hash_include_algorithm() -> None:
    raw = bytes(32)
    a, b, c = Digest("blake3", raw), Digest("blake3", raw), Digest("sha256", raw)
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert len({a, b, c, Digest("fast", raw)}) == 3
    assert a != str(a)


def test_immutable() -> None:
    d = Digest("blake3", bytes(32))
    with pytest.raises(AttributeError):
        d.algorithm = "sha256"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text", ["blake3", "blake3:abc", "md5:" + "0" * 64, "blake3:" + "zz" * 32, ""]
)
def test_parse_rejects_bad_strings(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        Digest.parse(text)
    assert isinstance(info.value, ValueError)


def test_constructor_validates() -> None:
    with pytest.raises(ConfigError):
        Digest("blake3", b"short")
    with pytest.raises(ConfigError):
        Digest("crc32", bytes(32))
