"""``StatCache``: remember file digests by stat identity, across calls and processes.

An entry maps (absolute path, device, inode, size, mtime_ns, ctime_ns) and an
algorithm to a digest. When a file still has the same stat identity and the
entry is not "racy" (the file was not modified within the timestamp
granularity of the moment it was hashed), the digest is returned without
reading the file. The cache file is an append-only log written under a lock
file, so several processes can share it; see docs/hashing.md.

Example:
    >>> import pathlib, tempfile
    >>> from consist.hashing import hash_file
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "f").write_bytes(b"data")
    >>> cache = StatCache(d / "stat.cache")
    >>> _ = hash_file(d / "f", stat_cache=cache)
    >>> cache.stats()["misses"]
    1
"""

from __future__ import annotations

import os
import threading
from typing import Any

from consist import _native
from consist.errors import ConfigError

__all__ = ["StatCache"]


class StatCache:
    """A persistent stat cache: unchanged files are answered without being read.

    Entries are keyed by (absolute path, device, inode, size, mtime, ctime)
    per algorithm. Several processes may share one file (appends under a
    lock; see docs/hashing.md). Opening the same path twice in one process
    shares one loaded handle.

    Example:
        >>> import pathlib, tempfile
        >>> from consist.hashing import hash_file
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "f").write_bytes(b"data")
        >>> with StatCache(d / "stat.cache") as cache:
        ...     _ = hash_file(d / "f", stat_cache=cache)
        ...     cache.stats()["misses"]
        1
    """

    _registry: dict[str, Any] = {}
    _registry_lock = threading.Lock()

    def __init__(self, path: str | os.PathLike[str]) -> None:
        key = os.path.abspath(os.fspath(path))
        with self._registry_lock:
            handle = self._registry.get(key)
            if handle is None:
                with _native.map_native_errors():
                    handle = _native.core.StatCacheHandle(key)
                self._registry[key] = handle
        self._key = key
        self._handle: Any = handle
        self._base_hits, self._base_misses, _ = handle.stats()

    @property
    def path(self) -> str:
        """Absolute path of the cache file."""
        return self._key

    def stats(self) -> dict[str, int]:
        """``hits``/``misses`` through this object, and ``entries`` in the cache."""
        hits, misses, entries = self._live_handle().stats()
        return {
            "hits": hits - self._base_hits,
            "misses": misses - self._base_misses,
            "entries": entries,
        }

    def flush(self) -> None:
        """Write pending entries (digest calls already do this when they learn something)."""
        with _native.map_native_errors():
            self._live_handle().flush()

    def close(self) -> None:
        """Flush and release the loaded entries (the file stays for the next run)."""
        if self._handle is None:
            return
        self.flush()
        with self._registry_lock:
            if self._registry.get(self._key) is self._handle:
                del self._registry[self._key]
        self._handle = None

    def _live_handle(self) -> Any:
        if self._handle is None:
            raise ConfigError(
                f"StatCache is closed: {self._key}",
                cause="close() was called on this StatCache",
                fix="create a new StatCache(path) to keep using the cache file",
            )
        return self._handle

    def __enter__(self) -> StatCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StatCache({self._key!r})"
