"""Content digests of files and folders, computed by the Rust core.

``hash_file`` is byte-identical to ``b3sum FILE`` (BLAKE3, the default) or to
``hashlib.sha256`` (``algorithm="sha256"``). ``strategy="fast"`` returns a
metadata identity (name, size, mtime) tagged ``fast:`` instead of reading the
file. ``digest_directory`` digests a tree (format v1,
docs/formats/directory-digest.md). A ``StatCache`` answers for unchanged files
without reading them. All file work runs in Rust with the GIL released.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"hello")
    >>> str(hash_file(path))[:15]
    'blake3:ea8f163d'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple, overload

from consist import _native
from consist.digest import CONTENT_ALGORITHMS, Digest
from consist.errors import ConfigError
from consist.stat_cache import StatCache

__all__ = [
    "DigestProgress",
    "DirectoryDigest",
    "Manifest",
    "ManifestEntry",
    "StatCache",
    "digest_directory",
    "hash_bytes",
    "hash_file",
    "hash_files",
]

StrPath = str | os.PathLike[str]

_STRATEGIES = ("full", "fast")
_SYMLINK_POLICIES = ("error", "record_target")


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


def digest_directory(
    path: StrPath,
    *,
    algorithm: str = "blake3",
    strategy: str = "full",
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    ignore_dotfiles: bool = False,
    symlinks: str = "error",
    threads: int | None = None,
    stat_cache: StatCache | None = None,
    progress: DigestProgress | None = None,
) -> DirectoryDigest:
    """Digest a folder: names, structure, executable bits and file contents.

    Parameters
    ----------
    path: the folder to digest.
    algorithm: per-file content digest, ``"blake3"`` or ``"sha256"``.
    strategy: ``"full"`` (content) or ``"fast"`` (size + mtime + relative path; tag ``fast``).
    include, exclude: glob patterns on the relative path (``*.csv``, ``data/**``, ``cache/``).
    ignore_dotfiles: skip names starting with ``.`` (and their contents).
    symlinks: ``"error"`` (default) rejects links; ``"record_target"`` records the target text.
    threads: ``None`` uses the shared pool; ``n`` uses n threads.
    stat_cache: a ``StatCache`` to skip reading unchanged files.
    progress: a ``DigestProgress`` another thread may poll.

    Example:
        >>> import pathlib, tempfile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "a.csv").write_text("x,y")
        >>> (root / "empty").mkdir()
        >>> result = digest_directory(root)
        >>> [(e.path, e.kind) for e in result.entries]
        [('a.csv', 'file'), ('empty', 'dir')]
    """
    _check_options(algorithm, strategy, threads)
    if symlinks not in _SYMLINK_POLICIES:
        raise ConfigError(
            f"Unknown symlink policy: {symlinks!r}",
            cause="symlinks is 'error' (reject links) or 'record_target' (record the target text)",
            fix="use symlinks='error' (default) or symlinks='record_target'",
        )
    with _native.map_native_errors():
        root, manifest = _native.core.digest_directory(
            path,
            algorithm=algorithm,
            strategy=strategy,
            include=_patterns(include, "include"),
            exclude=_patterns(exclude, "exclude"),
            ignore_dotfiles=bool(ignore_dotfiles),
            symlinks=symlinks,
            threads=threads,
            cache=None if stat_cache is None else _cache_handle(stat_cache),
            progress=None if progress is None else progress._handle,
        )
    tag = "fast" if strategy == "fast" else algorithm
    return DirectoryDigest(Digest(tag, root), Manifest(manifest, tag), strategy)


class ManifestEntry(NamedTuple):
    """One entry of a directory manifest (folders have ``digest=None``)."""

    path: str
    kind: str
    size: int
    executable: bool
    digest: Digest | None


class Manifest(Sequence[ManifestEntry]):
    """The entries of a digested folder, in digest order; rows are built on access.

    Kept compact in Rust, so a million-file manifest costs tens of MB, not GB.

    Example:
        >>> import pathlib, tempfile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "f").write_bytes(b"1")
        >>> manifest = digest_directory(root).entries
        >>> len(manifest), manifest[0].size, manifest.file_count
        (1, 1, 1)
    """

    __slots__ = ("_algorithm", "_counts", "_handle")

    def __init__(self, handle: Any, algorithm: str) -> None:
        self._handle = handle
        self._algorithm = algorithm
        self._counts: tuple[int, int, int, int] = handle.counts()

    def __len__(self) -> int:
        return len(self._handle)

    @overload
    def __getitem__(self, index: int) -> ManifestEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[ManifestEntry]: ...
    def __getitem__(self, index: int | slice) -> ManifestEntry | list[ManifestEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("manifest index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[ManifestEntry]:
        for i in range(len(self)):
            yield self._row(i)

    def _row(self, index: int) -> ManifestEntry:
        path, kind, size, executable, raw = self._handle.entry(index)
        tag = (
            self._algorithm
            if kind == "file"
            else ("blake3" if self._algorithm == "fast" else self._algorithm)
        )
        digest = None if raw is None else Digest(tag, raw)
        return ManifestEntry(path, kind, size, executable, digest)

    @property
    def file_count(self) -> int:
        """Number of regular files."""
        return self._counts[0]

    @property
    def dir_count(self) -> int:
        """Number of folders (the root itself is not an entry)."""
        return self._counts[1]

    @property
    def symlink_count(self) -> int:
        """Number of recorded symbolic links."""
        return self._counts[2]

    @property
    def total_bytes(self) -> int:
        """Sum of file sizes."""
        return self._counts[3]


class DirectoryDigest:
    """A folder's root ``digest`` and its ``entries`` manifest.

    Example:
        >>> import pathlib, tempfile
        >>> result = digest_directory(pathlib.Path(tempfile.mkdtemp()))
        >>> str(result.digest).startswith("blake3:"), len(result.entries)
        (True, 0)
    """

    __slots__ = ("digest", "entries", "strategy")

    def __init__(self, digest: Digest, entries: Manifest, strategy: str) -> None:
        self.digest = digest
        self.entries = entries
        self.strategy = strategy

    def __repr__(self) -> str:
        return f"DirectoryDigest({str(self.digest)!r}, entries={len(self.entries)})"


class DigestProgress:
    """Counters of a running ``digest_directory`` call, safe to poll from another thread.

    Example:
        >>> import pathlib, tempfile
        >>> progress = DigestProgress()
        >>> _ = digest_directory(pathlib.Path(tempfile.mkdtemp()), progress=progress)
        >>> progress.snapshot()
        (0, 0, 0, 0)
    """

    __slots__ = ("_handle",)

    def __init__(self) -> None:
        self._handle = _native.core.ProgressHandle()

    def snapshot(self) -> tuple[int, int, int, int]:
        """``(total_files, total_bytes, done_files, done_bytes)``; totals are 0 until the walk ends."""
        return self._handle.snapshot()


def _patterns(patterns: Iterable[str] | None, name: str) -> list[str] | None:
    if patterns is None:
        return None
    if isinstance(patterns, str):
        patterns = [patterns]
    patterns = list(patterns)
    if not all(isinstance(p, str) and p for p in patterns):
        raise ConfigError(
            f"Invalid {name} patterns: {patterns!r}",
            cause=f"{name} must be a list of non-empty glob strings",
            fix=f"pass e.g. {name}=['*.csv', 'data/**']",
        )
    return patterns


def hash_bytes(data: bytes, *, context: str | None = None) -> Digest:
    """BLAKE3 of in-memory bytes; with ``context``, BLAKE3 in derive-key mode.

    A context string (e.g. ``"consist run signature v1"``) separates domains:
    the same bytes hashed for two purposes never give the same digest.
    Without a context the result equals ``b3sum`` of the same bytes.

    Example:
        >>> hash_bytes(b"abc") == hash_bytes(b"abc", context="consist example v1")
        False
        >>> str(hash_bytes(b""))[:15]
        'blake3:af1349b9'
    """
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise ConfigError(
            f"hash_bytes expects bytes, got {type(data).__name__}",
            cause="only raw bytes have a well-defined digest",
            fix="encode text first, e.g. hash_bytes(text.encode('utf-8'))",
        )
    if context is not None and (not isinstance(context, str) or not context):
        raise ConfigError(
            f"Invalid hash context: {context!r}",
            cause="a context is a non-empty string naming the purpose and version",
            fix="pass e.g. context='consist run signature v1', or leave it as None",
        )
    return Digest("blake3", _native.core.hash_bytes(data, context=context))


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
    if isinstance(stat_cache, StatCache):
        return stat_cache._live_handle()
    raise ConfigError(
        f"Invalid stat_cache: {type(stat_cache).__name__}",
        cause="stat_cache must be a consist.hashing.StatCache (or None)",
        fix="pass stat_cache=StatCache(path) or leave it as None",
    )
