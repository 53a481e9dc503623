"""Content digests for container identities: files, directories and canonical configs.

Uses the project's hashing and identity layers (``consist.hashing``,
``consist.identity.canonical``) when they are importable; until then a self-contained
SHA-256 implementation gives the same guarantees (content, names and structure),
tagged ``sha256:`` so it is never compared with a BLAKE3 digest.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from consist.errors import HashFileNotFoundError

__all__ = ["canonical_json", "config_digest", "path_digest"]

_CHUNK = 1 << 20


def canonical_json(obj: Any) -> bytes:
    """Compact, key-sorted UTF-8 JSON: the same value always gives the same bytes.

    Example:
        >>> canonical_json({"b": 1, "a": [1, "x"]})
        b'{"a":[1,"x"],"b":1}'
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def config_digest(obj: Any) -> str:
    """Tagged digest of a JSON-able value.

    Example:
        >>> config_digest({"a": 1}).split(":")[0] in {"blake3", "sha256"}
        True
    """
    try:
        from consist.identity.canonical import hash_config
    except ImportError:
        return "sha256:" + hashlib.sha256(canonical_json(obj)).hexdigest()
    return hash_config(obj)


def path_digest(path: Path) -> str:
    """Tagged content digest of a file, or of a directory's names, structure and contents.

    Example:
        >>> path_digest(Path(__file__)).split(":")[0] in {"blake3", "sha256"}
        True
    """
    try:
        from consist import hashing
        from consist.identity.hash_backend import digest_path
    except ImportError:
        digest_path = None
    # TEMPORARY: the Rust directory digest is not exposed yet; remove with the fallback.
    if digest_path is not None and (path.is_file() or hasattr(hashing, "digest_directory")):
        return digest_path(path)
    if not path.exists():
        raise HashFileNotFoundError(
            str(path), cause="No such file or directory.", fix="Check the input path."
        )
    if path.is_dir():
        return "sha256:" + _directory_sha256(path)
    return "sha256:" + _file_sha256(path)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _directory_sha256(root: Path) -> str:
    # One record per entry, sorted by relative path: renames and moves change the digest.
    records = []
    for current, dirs, files in os.walk(root):
        dirs.sort()
        rel_dir = Path(current).relative_to(root)
        for name in dirs:
            records.append(["dir", (rel_dir / name).as_posix(), ""])
        for name in sorted(files):
            records.append(["file", (rel_dir / name).as_posix(), _file_sha256(Path(current, name))])
    records.sort(key=lambda record: record[1])
    return hashlib.sha256(canonical_json(records)).hexdigest()
