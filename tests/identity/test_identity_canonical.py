"""Canonical config encoding: what hashes equal, what differs, and clear rejections."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from decimal import Decimal
from pathlib import Path, PurePosixPath

import numpy as np
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from identity_testlib import identity_digest_tag

from consist.errors import ConfigError
from consist.identity.canonical import FORMAT_MAGIC, encode_canonical, hash_config


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    ONE = 1


@dataclasses.dataclass
class Params:
    alpha: float
    steps: int = 3


class Settings(pydantic.BaseModel):
    alpha: float
    name: str = "x"


def test_dict_key_order_does_not_matter() -> None:
    a = {"b": 1, "a": {"y": [1, 2], "x": None}}
    b = {"a": {"x": None, "y": [1, 2]}, "b": 1}
    assert hash_config(a) == hash_config(b)


@pytest.mark.parametrize(
    "values",
    [
        [0, 0.0, "0", False, None, b"0", [0], Decimal("0")],
        [1, 1.0, "1", True, Level.ONE],
        ["a", b"a", Path("a"), Color.RED, "red"],
        [[1, 2], {1, 2}, {1: 2}],
        [dt.date(2030, 1, 1), dt.datetime(2030, 1, 1), "2030-01-01"],
    ],
)
def test_types_are_distinguished(values: list[object]) -> None:
    encodings = {encode_canonical({"p": v}) for v in values}
    assert len(encodings) == len(values)


def test_float_rules() -> None:
    assert encode_canonical(-0.0) == encode_canonical(0.0)
    assert encode_canonical(float("nan")) == encode_canonical(-float("nan"))
    assert encode_canonical(float("inf")) != encode_canonical(float("-inf"))
    assert encode_canonical(0.1 + 0.2) != encode_canonical(0.3)


def test_list_and_tuple_are_the_same_sequence() -> None:
    assert encode_canonical((1, "a")) == encode_canonical([1, "a"])
    assert encode_canonical([1, 2]) != encode_canonical([2, 1])


def test_sets_are_order_free() -> None:
    assert encode_canonical({3, "a", 1.5}) == encode_canonical(frozenset(["a", 1.5, 3]))


def test_paths_datetimes_uuid_and_big_ints() -> None:
    assert encode_canonical(Path("a/b")) == encode_canonical(PurePosixPath("a/b"))
    aware = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert encode_canonical(aware) != encode_canonical(aware.replace(tzinfo=None))
    assert encode_canonical(dt.timedelta(hours=1)) == encode_canonical(dt.timedelta(seconds=3600))
    assert encode_canonical(uuid.UUID(int=1)) != encode_canonical(uuid.UUID(int=2))
    assert encode_canonical(10**100) != encode_canonical(10**100 + 1)
    assert encode_canonical(-(2**63)) != encode_canonical(2**63)


def test_dataclass_and_pydantic_models() -> None:
    assert hash_config(Params(alpha=0.5)) == hash_config({"alpha": 0.5, "steps": 3})
    assert hash_config(Settings(alpha=0.5)) == hash_config({"alpha": 0.5, "name": "x"})
    nested_dc = encode_canonical({"p": Params(alpha=0.5)})
    assert nested_dc != encode_canonical({"p": {"alpha": 0.5, "steps": 3}})
    assert nested_dc != encode_canonical({"p": Params(alpha=0.6)})
    assert encode_canonical({"s": Settings(alpha=1)}) == encode_canonical(
        {"s": Settings(alpha=1.0)}
    )


def test_numpy_scalars_match_python_values_and_arrays_keep_dtype() -> None:
    assert encode_canonical(np.int64(3)) == encode_canonical(3)
    assert encode_canonical(np.float32(0.5)) == encode_canonical(0.5)
    assert encode_canonical(np.bool_(True)) == encode_canonical(True)
    ints, floats = np.array([1, 2]), np.array([1.0, 2.0])
    assert encode_canonical(ints) != encode_canonical(floats)
    assert encode_canonical(ints) != encode_canonical([1, 2])
    assert encode_canonical(ints.reshape(2, 1)) != encode_canonical(ints)
    big_endian = np.array([1.5, -0.0, np.nan], dtype=">f8")
    assert encode_canonical(big_endian) == encode_canonical(np.array([1.5, 0.0, -np.nan]))
    assert encode_canonical(floats[::-1]) == encode_canonical(np.array([2.0, 1.0]))
    objects = np.array([{"a": 1}, "x"], dtype=object)
    assert encode_canonical(objects) == encode_canonical(np.array([{"a": 1}, "x"], dtype=object))


def test_unsupported_value_names_the_key_path() -> None:
    with pytest.raises(ConfigError, match=r"config\['model'\]\['hooks'\]\[1\]") as info:
        hash_config({"model": {"hooks": [1, object()]}})
    assert "builtins.object" in info.value.problem
    assert info.value.fix


def test_unsupported_key_and_cycle() -> None:
    with pytest.raises(ConfigError, match=r"\(key\)"):
        encode_canonical({object(): 1})
    loop: dict[str, object] = {"a": 1}
    loop["self"] = loop
    with pytest.raises(ConfigError, match=r"reference cycle at config\['self'\]"):
        hash_config(loop)


def test_shared_subtrees_are_not_cycles() -> None:
    shared = {"k": 1}
    assert hash_config({"a": shared, "b": shared}) == hash_config({"a": {"k": 1}, "b": {"k": 1}})


def test_hash_config_is_tagged_versioned_and_excludes_keys() -> None:
    digest = hash_config({"a": 1})
    tag = identity_digest_tag()
    assert digest.startswith(tag) and len(digest) == len(tag) + 64
    assert encode_canonical({}).startswith(FORMAT_MAGIC)
    assert hash_config(None) == hash_config({})
    assert hash_config({"a": 1, "tmp": 2}, exclude_keys=["tmp"]) == digest


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=6))
def test_any_key_order_encodes_the_same(config: dict[str, object]) -> None:
    reordered = dict(reversed(list(config.items())))
    assert encode_canonical(config) == encode_canonical(reordered)
