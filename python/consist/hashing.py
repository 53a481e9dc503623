"""Content digests of files and folders, computed by the Rust core.

``hash_file`` is byte-identical to ``b3sum FILE`` (BLAKE3, the default) or to
``hashlib.sha256`` (``algorithm="sha256"``). ``strategy="fast"`` returns a
metadata identity (name, size, mtime) tagged ``fast:`` instead of reading the
file. All file work runs in Rust with the GIL released.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"hello")
    >>> str(hash_file(path))[:15]
    'blake3:ea8f163d'
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from consist import _native
from consist.digest import CONTENT_ALGORITHMS, Digest
from consist.errors import ConfigError

__all__ = ["hash_file", "hash_files"]

StrPath = str | os.PathLike[str]

_STRATEGIES = ("full", "fast")


def hash_file(
    path: StrPath,
    *,
    algorithm: str = "blake3",
    threads: int | None = None,
    stat_cache: Any = None,
    strategy: str = "full",
) -> Digest:
    """Digest one file.

    Parameters
    ----------
    path: the file (``str`` or ``os.PathLike``).
    algorithm: ``"blake3"`` (default, same as ``b3sum``) or ``"sha256"``.
    threads: ``None`` uses the shared pool (``RAYON_NUM_THREADS``); ``n`` uses n threads.
    stat_cache: a ``StatCache``; an unchanged file is answered without reading it.
    strategy: ``"full"`` hashes content; ``"fast"`` returns a ``fast:`` metadata identity.

    Example:
        >>> import hashlib, pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
        >>> _ = p.write_bytes(b"abc")
        >>> hash_file(p, algorithm="sha256").hex == hashlib.sha256(b"abc").hexdigest()
        True
    """
    _check_options(algorithm, strategy, threads)
    with _native.map_native_errors():
        if strategy == "fast":
            return Digest("fast", _native.core.fast_file_identity(path))
        if stat_cache is not None:
            raw = _cache_handle(stat_cache).hash_files(
                [path], algorithm=algorithm, threads=threads
            )[0]
        else:
            raw = _native.core.hash_file(path, algorithm=algorithm, threads=threads)
    return Digest(algorithm, raw)


def hash_files(
    paths: Iterable[StrPath],
    *,
    algorithm: str = "blake3",
    threads: int | None = None,
    stat_cache: Any = None,
    strategy: str = "full",
) -> list[Digest]:
    """Digest many files in parallel; results are in input order.

    Example:
        >>> import pathlib, tempfile
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> for name in "ab":
        ...     _ = (d / name).write_text(name)
        >>> [x.algorithm for x in hash_files([d / "a", d / "b"])]
        ['blake3', 'blake3']
    """
    _check_options(algorithm, strategy, threads)
    paths = [os.fspath(p) for p in paths]
    with _native.map_native_errors():
        if strategy == "fast":
            return [Digest("fast", _native.core.fast_file_identity(p)) for p in paths]
        if stat_cache is not None:
            raws = _cache_handle(stat_cache).hash_files(paths, algorithm=algorithm, threads=threads)
        else:
            raws = _native.core.hash_files(paths, algorithm=algorithm, threads=threads)
    return [Digest(algorithm, raw) for raw in raws]


def _check_options(algorithm: str, strategy: str, threads: int | None) -> None:
    if algorithm not in CONTENT_ALGORITHMS:
        raise ConfigError(
            f"Unknown hashing algorithm: {algorithm!r}",
            cause=f"supported algorithms are {', '.join(map(repr, CONTENT_ALGORITHMS))}",
            fix="use algorithm='blake3' (default) or algorithm='sha256'",
        )
    if strategy not in _STRATEGIES:
        raise ConfigError(
            f"Unknown hashing strategy: {strategy!r}",
            cause="strategy is 'full' (content) or 'fast' (size + mtime + relative path)",
            fix="use strategy='full' (default) or strategy='fast'",
        )
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        raise ConfigError(
            f"Invalid threads value: {threads!r}",
            cause="threads is None (shared pool) or a positive integer",
            fix="pass threads=None or an integer >= 1",
        )


def _cache_handle(stat_cache: Any) -> Any:
    handle = getattr(stat_cache, "_handle", None)
    if handle is None:
        raise ConfigError(
            f"Invalid stat_cache: {type(stat_cache).__name__}",
            cause="stat_cache must be a consist.hashing.StatCache (or None)",
            fix="pass stat_cache=StatCache(path) or leave it as None",
        )
    return handle
