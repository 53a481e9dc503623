"""Portable artifact locations: paths <-> URIs relative to mounts and the run dir.

An artifact's ``container_uri`` is written so the record survives moving the
data: a path under a configured mount becomes ``<scheme>://<relative>``
(longest mount root wins, matched on whole path components), a path under the
run directory becomes ``./<relative>``, anything else stays absolute.
``resolve`` is the inverse. Unknown schemes raise ``Cannot resolve URI: ...``
rather than silently resolving against the working directory (a deliberate
difference from Consist 0.3).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from consist.errors import UriResolutionError

__all__ = ["PathMapper", "UriResolver"]

_SCHEME_SEP = "://"


class PathMapper:
    """Turn paths into portable URIs and back, for one run dir and its mounts.

    Example:
        >>> m = PathMapper(Path("/work/runs"), {"inputs": "/mnt/data"})
        >>> m.to_uri(Path("/mnt/data/a/b.csv"))
        'inputs://a/b.csv'
        >>> m.resolve("inputs://a/b.csv")
        PosixPath('/mnt/data/a/b.csv')
    """

    def __init__(self, run_dir: Path, mounts: Mapping[str, str | os.PathLike[str]] | None = None):
        self.run_dir = Path(run_dir)
        self.mounts: dict[str, Path] = {
            str(scheme): Path(os.path.abspath(root)) for scheme, root in (mounts or {}).items()
        }
        # Longest root first so nested mounts win over their parents.
        self._by_length = sorted(self.mounts.items(), key=lambda item: -len(str(item[1])))

    def to_uri(self, path: str | os.PathLike[str]) -> str:
        """Return the portable URI for an absolute (or cwd-relative) path.

        Example:
            >>> PathMapper(Path("/r")).to_uri("/r/outputs/x.parquet")
            './outputs/x.parquet'
        """
        logical = Path(os.path.abspath(path))
        uri = self._relative_uri(logical)
        if uri is None:
            resolved = logical.resolve()
            if resolved != logical:
                uri = self._relative_uri(resolved)
        return uri if uri is not None else logical.as_posix()

    def mount_of(self, uri: str) -> tuple[str, Path] | None:
        """``(scheme, root)`` of the mount a URI refers to, if it uses one."""
        scheme, sep, _ = uri.partition(_SCHEME_SEP)
        if sep and scheme in self.mounts:
            return scheme, self.mounts[scheme]
        return None

    def resolve(self, uri: str | os.PathLike[str]) -> Path:
        """Return the absolute local path of a URI.

        Example:
            >>> PathMapper(Path("/r")).resolve("./outputs/x.parquet")
            PosixPath('/r/outputs/x.parquet')
        """
        text = os.fspath(uri)
        scheme, sep, rest = text.partition(_SCHEME_SEP)
        if not sep:
            if text.startswith("./"):
                return self.run_dir / text[2:]
            return Path(os.path.abspath(text))
        if scheme == "file":
            return Path(os.path.abspath(rest))
        root = self.mounts.get(scheme)
        if root is None:
            raise UriResolutionError(
                f"Cannot resolve URI: {text}",
                cause=f"No mount named {scheme!r} is configured on this Tracker.",
                fix=(
                    f"Add it: Tracker(..., mounts={{{scheme!r}: '/path/to/root'}}), "
                    "or use artifact.path (an absolute path) instead of the URI."
                ),
            )
        candidate = Path(os.path.normpath(root / rest))
        if not _is_within(candidate, root):
            raise UriResolutionError(
                f"Path traversal detected in URI {text!r}. Resolved to {candidate}, "
                f"outside mount {root}.",
                cause="The URI climbs out of its mount with '..'.",
                fix="Use a path that stays inside the mount root.",
            )
        return candidate

    def _relative_uri(self, path: Path) -> str | None:
        for scheme, root in self._by_length:
            if _is_within(path, root):
                return f"{scheme}{_SCHEME_SEP}{path.relative_to(root).as_posix()}"
        if _is_within(path, self.run_dir):
            return f"./{path.relative_to(self.run_dir).as_posix()}"
        return None


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class UriResolver:
    """``Artifact.resolver`` bound to a tracker's mounts and run dir (picklable)."""

    __slots__ = ("fs",)

    def __init__(self, fs: PathMapper) -> None:
        self.fs = fs

    def __call__(self, artifact: Any) -> Path:
        return self.fs.resolve(artifact.container_uri)
