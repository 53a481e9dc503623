"""The identity layer's only door to the hashing layer.

Identity hashes two kinds of things: bytes it builds itself (canonical config
encodings, signature records), always with BLAKE3 under a per-purpose context
string, and user paths (files, directories), with the tracker's algorithm and
strategy. Both go through ``consist.hashing`` (the Rust core); this module
turns its ``Digest`` objects into the tagged strings that are stored.

    >>> hash_bytes(b"abc", context="consist example v1")[:7]
    'blake3:'
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

__all__ = ["digest_path", "hash_bytes"]


def hash_bytes(data: bytes, *, context: str) -> str:
    """Tagged digest of ``data`` under a domain-separation ``context`` string.

    Example:
        >>> hash_bytes(b"x", context="a v1") != hash_bytes(b"x", context="b v1")
        True
    """
    native = _native_hash_bytes()
    if native is not None:
        return str(native(data, context=context))
    # TEMPORARY until consist.hashing exposes hash_bytes: stdlib SHA-256 with the
    # context prepended (length-prefixed so context and data cannot run together).
    prefix = len(context).to_bytes(4, "big") + context.encode()
    return "sha256:" + hashlib.sha256(prefix + data).hexdigest()


def digest_path(
    path: str | os.PathLike[str],
    *,
    algorithm: str = "blake3",
    strategy: str = "full",
    stat_cache: Any = None,
    ignore_dotfiles: bool = False,
) -> str:
    """Tagged digest of a file, or of a directory's names, structure and contents.

    ``ignore_dotfiles`` skips names starting with ``.`` inside a directory
    (editor and OS litter in config folders). Raises ``HashFileNotFoundError``
    (a ``FileNotFoundError``) for a missing path.

    Example:
        >>> digest_path(__file__).split(":")[0] in ("blake3", "sha256", "fast")
        True
    """
    from consist import hashing  # the Rust-backed layer below identity

    target = Path(path)
    if target.is_dir():
        result = hashing.digest_directory(
            target,
            algorithm=algorithm,
            strategy=strategy,
            stat_cache=stat_cache,
            ignore_dotfiles=ignore_dotfiles,
        )
        return str(result.digest)
    return str(
        hashing.hash_file(target, algorithm=algorithm, strategy=strategy, stat_cache=stat_cache)
    )


_NATIVE_HASH_BYTES: Any = None


def _native_hash_bytes() -> Any:
    global _NATIVE_HASH_BYTES
    if _NATIVE_HASH_BYTES is None:
        try:
            from consist.hashing import hash_bytes as native
        except ImportError:
            return None
        _NATIVE_HASH_BYTES = native
    return _NATIVE_HASH_BYTES
