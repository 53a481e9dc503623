"""Canonical, type-tagged, versioned byte encoding of config values.

Two configs hash equal exactly when they encode to the same bytes. The rules:

- Every value starts with a one-byte type tag, so ``0``, ``0.0``, ``"0"`` and
  ``False`` all differ. Variable-size payloads are length-prefixed (8 bytes,
  big-endian), so no two different values can run together.
- Dict entries are sorted by their encoded key, so key order never matters.
  Set members are sorted by their encoding. Lists and tuples are the same
  sequence type (configs read from YAML/JSON have no tuples).
- Floats: ``-0.0`` encodes as ``0.0`` (they compare equal), every NaN encodes
  as one canonical NaN (a config with NaN still hits its own cache entry),
  ``inf``/``-inf`` encode as themselves.
- Dataclasses and pydantic models encode as their class name plus their field
  mapping (pydantic via ``model_dump()``); enums as class name plus value.
- numpy scalars encode like the Python value ``.item()`` returns
  (``np.int64(3)`` hashes like ``3``); numpy arrays encode dtype, shape and
  little-endian bytes (with the float rules above), so an int array and a
  float array differ. numpy is only touched when such a value is seen.
- Anything else raises ``ConfigError`` naming the key path.

The stream starts with ``FORMAT_MAGIC``; changing any rule means a new version.

    >>> encode_canonical({"a": 1, "b": 2}) == encode_canonical({"b": 2, "a": 1})
    True
    >>> encode_canonical(0) == encode_canonical(0.0)
    False
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import struct
import sys
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any

from consist.errors import ConfigError
from consist.identity.hash_backend import hash_bytes

__all__ = [
    "CONFIG_HASH_CONTEXT",
    "FORMAT_MAGIC",
    "config_to_mapping",
    "encode_canonical",
    "hash_config",
]

FORMAT_MAGIC = b"consist-canonical\x00v1\x00"
CONFIG_HASH_CONTEXT = "consist 2026 config hash v1"
_CANONICAL_NAN = b"\x7f\xf8\x00\x00\x00\x00\x00\x00"


def encode_canonical(value: Any) -> bytes:
    """Encode ``value`` to canonical bytes (see the module docstring for the rules).

    Example:
        >>> encode_canonical({"x": [1, 2.0, "3"]})[:17]
        b'consist-canonical'
    """
    return FORMAT_MAGIC + _Encoder().encode_root(value)


def config_to_mapping(config: Any) -> Any:
    """Turn a top-level config object into the mapping whose fields are the config.

    ``None`` is the empty config; dataclasses and pydantic models become their
    field mapping, so ``MyConfig(a=1)`` and ``{"a": 1}`` hash the same at the
    top level. Anything else is returned unchanged.

    Example:
        >>> config_to_mapping(None)
        {}
    """
    if config is None:
        return {}
    if _is_pydantic_model(config):
        return config.model_dump()
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    return config


def hash_config(config: Any, *, exclude_keys: Iterable[str] | None = None) -> str:
    """Tagged BLAKE3 digest of a config's canonical encoding.

    Top-level keys in ``exclude_keys`` are left out.

    Example:
        >>> hash_config({"a": 1}) == hash_config({"a": 1, "debug": True}, exclude_keys=["debug"])
        True
    """
    mapping = config_to_mapping(config)
    if exclude_keys is not None and isinstance(mapping, Mapping):
        excluded = set(exclude_keys)
        mapping = {k: v for k, v in mapping.items() if k not in excluded}
    return hash_bytes(encode_canonical(mapping), context=CONFIG_HASH_CONTEXT)


def _blob(tag: bytes, payload: bytes) -> bytes:
    return tag + len(payload).to_bytes(8, "big") + payload


def _text(tag: bytes, text: str) -> bytes:
    # surrogatepass: a str holding lone surrogates still has exactly one encoding.
    return _blob(tag, text.encode("utf-8", "surrogatepass"))


def _float_bytes(value: float) -> bytes:
    if math.isnan(value):
        return _CANONICAL_NAN
    return struct.pack(">d", value + 0.0)  # + 0.0 turns -0.0 into 0.0


def _int_bytes(value: int) -> bytes:
    return value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True)


def _type_name(value: Any) -> str:
    return type(value).__qualname__


def _is_pydantic_model(value: Any) -> bool:
    # Duck-typed so pydantic is never imported here.
    return hasattr(type(value), "model_fields") and callable(getattr(value, "model_dump", None))


def _is_numpy(value: Any) -> bool:
    return type(value).__module__ == "numpy"


_KEY, _MEMBER, _VALUE = object(), object(), object()


def _segment(segment: Any) -> str:
    """Render one step of a key path, only when an error needs it."""
    if segment is _MEMBER:
        return "{member}"
    if segment is _VALUE:
        return ".value"
    if isinstance(segment, tuple) and segment and segment[0] is _KEY:
        return f"[{segment[1]!r}] (key)"
    return f"[{segment!r}]"


class _Rejected(Exception):
    """Raised deep in the encoder; containers prepend their key on the way out."""

    def __init__(self, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.value = value
        self.reason = reason  # "type" or "cycle"
        self.segments: list[str] = []


class _Encoder:
    """One encoding pass; tracks the containers on the current path to catch cycles."""

    def __init__(self) -> None:
        self._active: set[int] = set()

    def encode_root(self, value: Any) -> bytes:
        try:
            return self.encode(value)
        except RecursionError:
            raise ConfigError(
                "Config is nested too deeply to encode.",
                cause=f"Nesting exceeds Python's recursion limit ({sys.getrecursionlimit()}).",
                fix="Flatten the config; deep structures belong in a file passed through "
                "identity_inputs=[...].",
            ) from None
        except _Rejected as exc:
            path = "config" + "".join(reversed(exc.segments))
            if exc.reason == "cycle":
                raise ConfigError(
                    f"Config contains a reference cycle at {path}.",
                    cause="A container holds itself (directly or through its children).",
                    fix="Pass a tree of plain values; copy shared sub-configs instead of "
                    "nesting the same object inside itself.",
                ) from None
            raise _unsupported(exc.value, path) from None

    def encode(self, value: Any) -> bytes:
        kind = type(value)  # exact-type fast paths for the common JSON-like values
        if kind is str:
            return _text(b"s", value)
        if kind is dict or kind is list or kind is tuple:
            return self._container(value)
        if kind is int:
            return _blob(b"i", _int_bytes(value))
        if kind is float:
            return b"f" + _float_bytes(value)
        if value is None:
            return b"N"
        if value is True:
            return b"T"
        if value is False:
            return b"F"
        if isinstance(value, Enum):
            return _text(b"E", _type_name(value)) + self._child(value.value, _VALUE)
        if isinstance(value, str):
            return _text(b"s", value)
        if isinstance(value, int):
            return _blob(b"i", _int_bytes(int(value)))
        if isinstance(value, float):
            return b"f" + _float_bytes(float(value))
        if isinstance(value, (Mapping, list, tuple, set, frozenset)):
            return self._container(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            return _blob(b"b", bytes(value))
        if isinstance(value, complex):
            return b"z" + _float_bytes(value.real) + _float_bytes(value.imag)
        if isinstance(value, PurePath):
            return _text(b"p", value.as_posix())
        if isinstance(value, dt.datetime):
            return _text(b"t", value.isoformat())
        if isinstance(value, dt.date):
            return _text(b"D", value.isoformat())
        if isinstance(value, dt.time):
            return _text(b"h", value.isoformat())
        if isinstance(value, dt.timedelta):
            micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
            return _blob(b"r", _int_bytes(micros))
        if isinstance(value, Decimal):
            return _text(b"x", str(value))
        if isinstance(value, uuid.UUID):
            return _blob(b"u", value.bytes)
        if _is_numpy(value):
            return self._numpy(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return _text(b"o", _type_name(value)) + self._container(fields, owner=value)
        if _is_pydantic_model(value):
            return _text(b"o", _type_name(value)) + self._container(value.model_dump())
        raise _Rejected(value, "type")

    def _child(self, value: Any, segment: Any) -> bytes:
        try:
            return self.encode(value)
        except _Rejected as exc:
            exc.segments.append(_segment(segment))
            raise

    def _container(self, value: Any, owner: Any = None) -> bytes:
        marker = id(value if owner is None else owner)
        if marker in self._active:
            raise _Rejected(value, "cycle")
        self._active.add(marker)
        try:
            if isinstance(value, Mapping):
                entries = sorted(
                    (self._child(k, (_KEY, k)), self._child(v, k)) for k, v in value.items()
                )
                body = b"".join(k + v for k, v in entries)
                return _blob(b"m", struct.pack(">Q", len(entries)) + body)
            if isinstance(value, (set, frozenset)):
                members = sorted(self._child(v, _MEMBER) for v in value)
                return _blob(b"S", struct.pack(">Q", len(members)) + b"".join(members))
            items = [self._child(v, i) for i, v in enumerate(value)]
            return _blob(b"l", struct.pack(">Q", len(items)) + b"".join(items))
        finally:
            self._active.discard(marker)

    def _numpy(self, value: Any) -> bytes:
        import numpy as np

        if isinstance(value, np.generic):
            plain = value.item()
            if _is_numpy(plain):  # .item() could not convert (e.g. longdouble)
                raise _Rejected(value, "type")
            return self.encode(plain)
        if not isinstance(value, np.ndarray):
            raise _Rejected(value, "type")
        shape = struct.pack(f">{value.ndim}Q", *value.shape)
        if value.dtype.kind == "O":
            return _blob(b"A", _text(b"s", "O") + shape + self.encode(value.tolist()))
        array = np.ascontiguousarray(value)
        order = array.dtype.byteorder
        if order == ">" or (order == "=" and sys.byteorder == "big"):
            array = array.astype(array.dtype.newbyteorder("<"))
        if array.dtype.kind in "fc":
            # Same float rules as scalars: one NaN, and -0.0 folded into 0.0.
            array = np.where(np.isnan(array), array.dtype.type(np.nan), array) + array.dtype.type(0)
        dtype = array.dtype.str if array.dtype.fields is None else repr(array.dtype.descr)
        return _blob(b"A", _text(b"s", dtype) + shape + _blob(b"b", array.tobytes()))


def _unsupported(value: Any, path: str) -> ConfigError:
    kind = type(value)
    return ConfigError(
        f"Config value at {path} has unsupported type {kind.__module__}.{kind.__qualname__}.",
        cause="Config identity is a canonical encoding of plain data: None, bool, int, float, "
        "str, bytes, lists, dicts, sets, paths, dates, enums, dataclasses, pydantic models "
        "and numpy values.",
        fix="Convert the value to plain data before passing it as config (for example "
        "str(value) or a dict of its settings); pass files through identity_inputs=[...].",
    )
