"""The one boundary between Python and the Rust core ``consist._core``.

It checks at import that the compiled core matches this package's version
(a stale ``maturin develop`` build fails loudly), and it turns the builtin
exceptions the core raises into ``consist.errors`` classes in one place:

- ``OSError`` -> ``HashFileNotFoundError`` / ``HashPermissionError`` /
  ``HashError`` (``PlacementError`` for placement), keeping ``errno`` and
  ``filename``;
- ``ValueError(kind, reason, path)`` -> ``HashPathError`` (bad names,
  rejected symlinks) or ``ConfigError`` (bad argument values);
- ``RuntimeError`` -> ``ConsistRuntimeError``.

Example:
    >>> with map_native_errors():
    ...     pass
"""

from __future__ import annotations

import errno as errno_codes
from collections.abc import Iterator
from contextlib import contextmanager

import consist
from consist import _core
from consist.errors import (
    ConfigError,
    ConsistError,
    ConsistRuntimeError,
    HashError,
    HashFileNotFoundError,
    HashPathError,
    HashPermissionError,
    PlacementError,
)

__all__ = ["core", "map_native_errors", "translate_error"]

if _core.__version__ != consist.__version__:
    raise ImportError(
        f"consist._core is version {_core.__version__} but the consist package is "
        f"{consist.__version__}: the compiled core is stale. Rebuild it with `make build`."
    )

core = _core
"""The native module, for callers inside the hashing layer."""

_NOT_FOUND_ERRNOS = frozenset({errno_codes.ENOENT})
_PERMISSION_ERRNOS = frozenset({errno_codes.EACCES, errno_codes.EPERM})
_NO_CLONE_ERRNOS = frozenset(
    {errno_codes.EOPNOTSUPP, errno_codes.EXDEV, errno_codes.EINVAL, errno_codes.ENOTTY}
)


def translate_error(exc: BaseException, *, operation: str = "hash") -> ConsistError | None:
    """Return the ``ConsistError`` for an exception raised by ``_core``, or None.

    ``operation`` is ``"hash"`` or ``"place"``; it only changes the wording
    and the class for OS errors that are neither "not found" nor "permission".

    Example:
        >>> err = translate_error(FileNotFoundError(2, "No such file or directory", "/x"))
        >>> type(err).__name__, err.filename
        ('HashFileNotFoundError', '/x')
    """
    if isinstance(exc, ConsistError):
        return exc
    if isinstance(exc, OSError):
        return _translate_os_error(exc, operation)
    if isinstance(exc, ValueError):
        return _translate_value_error(exc)
    if isinstance(exc, RuntimeError):
        return ConsistRuntimeError(
            "The hashing core could not start its worker threads",
            cause=str(exc),
            fix="pass a smaller threads= value, or leave threads=None to use the shared pool",
        )
    return None


def _translate_os_error(exc: OSError, operation: str) -> ConsistError:
    path = str(exc.filename) if exc.filename is not None else "<unknown path>"
    reason = exc.strerror or str(exc)
    code = exc.errno
    if isinstance(exc, FileNotFoundError) or code in _NOT_FOUND_ERRNOS:
        return HashFileNotFoundError(
            path,
            cause=f"{reason} (the path, or one of its parent folders, does not exist)",
            fix="check the path for typos, or create the file before it is used",
            errno=code,
        )
    if isinstance(exc, PermissionError) or code in _PERMISSION_ERRNOS:
        return HashPermissionError(
            path,
            cause=f"{reason} (this process may not read the file or enter its folder)",
            fix=f"grant read permission (and folder execute permission), e.g. chmod u+rX {path}",
            errno=code,
        )
    if operation == "place" and code in _NO_CLONE_ERRNOS:
        return PlacementError(
            path,
            cause=f"{reason} (this filesystem cannot clone files with a reflink, or source "
            "and destination are on different filesystems)",
            fix="use mode='auto' to fall back to a copy where cloning is not available",
            errno=code,
        )
    if operation == "place":
        return PlacementError(
            path,
            cause=reason,
            fix="check that the destination folder is writable and on a filesystem with space",
            errno=code,
        )
    return HashError(
        path,
        cause=reason,
        fix="check that the path is a regular file or folder this process can read",
        errno=code,
    )


def _translate_value_error(exc: ValueError) -> ConsistError:
    args = exc.args
    kind, reason, path = args if len(args) == 3 else ("invalid_argument", str(exc), "")
    if kind == "symlink_rejected":
        return HashPathError(
            path,
            problem=f"Symbolic link found while digesting: {path}",
            cause="symlinks='error' (the default) rejects links, so a digest never "
            "silently depends on what a link points to",
            fix="pass symlinks='record_target' to record the link target, or exclude the path",
        )
    if kind == "invalid_path":
        return HashPathError(
            path,
            cause=reason,
            fix="rename the file to a UTF-8 name without control characters, or exclude it",
        )
    return ConfigError(
        f"Invalid hashing argument: {reason}",
        cause="the hashing core rejected an argument value",
        fix="check the documented values in docs/hashing.md",
    )


@contextmanager
def map_native_errors(*, operation: str = "hash") -> Iterator[None]:
    """Translate exceptions from ``_core`` raised inside the block.

    Example:
        >>> import pytest
        >>> with pytest.raises(HashFileNotFoundError):
        ...     with map_native_errors():
        ...         core.hash_file("/no/such/file")
    """
    try:
        yield
    except (OSError, ValueError, RuntimeError) as exc:
        mapped = translate_error(exc, operation=operation)
        if mapped is None or mapped is exc:
            raise
        raise mapped from exc
