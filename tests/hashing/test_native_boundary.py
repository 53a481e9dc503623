"""The _native boundary: version handshake and a total error mapping."""

from __future__ import annotations

import errno

import pytest

import consist
from consist import _native
from consist.errors import (
    ConfigError,
    ConsistError,
    HashError,
    HashFileNotFoundError,
    HashPathError,
    HashPermissionError,
    PlacementError,
)


def test_core_version_matches_package() -> None:
    assert _native.core.__version__ == consist.__version__


@pytest.mark.parametrize("kind", _native.core.ERROR_KINDS)
def test_every_core_error_kind_maps_to_a_consist_error(kind: str) -> None:
    with pytest.raises(ConsistError) as info:
        with _native.map_native_errors():
            _native.core.debug_raise_error(kind)
    assert str(info.value).startswith("Problem: ")
    assert "\nFix: " in str(info.value)


def test_permission_mapping() -> None:
    # We run as root, so chmod 000 does not stop reads; feed the boundary the
    # OSError the core raises for EACCES instead.
    exc = OSError(errno.EACCES, "Permission denied", "/data/secret.csv")
    mapped = _native.translate_error(exc)
    assert isinstance(mapped, HashPermissionError)
    assert isinstance(mapped, PermissionError)
    assert mapped.filename == "/data/secret.csv"
    assert mapped.errno == errno.EACCES
    assert "/data/secret.csv" in str(mapped)


@pytest.mark.parametrize(
    ("exc", "operation", "cls"),
    [
        (OSError(errno.ENOENT, "No such file", "/x"), "hash", HashFileNotFoundError),
        (OSError(errno.EISDIR, "Is a directory", "/x"), "hash", HashError),
        (OSError(errno.EXDEV, "Cross-device link", "/x"), "place", PlacementError),
        (ValueError("symlink_rejected", "symbolic link", "/x"), "hash", HashPathError),
        (ValueError("invalid_path", "not UTF-8", "/x"), "hash", HashPathError),
        (ValueError("invalid_argument", "threads must be at least 1", ""), "hash", ConfigError),
    ],
)
def test_mapping_table(exc: Exception, operation: str, cls: type) -> None:
    mapped = _native.translate_error(exc, operation=operation)
    assert type(mapped) is cls


def test_unrelated_exceptions_pass_through() -> None:
    with pytest.raises(KeyError):
        with _native.map_native_errors():
            raise KeyError("x")
