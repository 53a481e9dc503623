"""Portable artifact locations: paths <-> URIs relative to mounts and the run directory.

An artifact's ``container_uri`` is written so the record survives moving the
data: a path under a mount becomes ``<scheme>://<relative>`` (longest root
wins, whole path components; the path as given first, then with symlinks
resolved), a path under the run directory becomes ``./<relative>``, anything
else stays absolute. ``resolve`` is the inverse, and it is strict:

* an unknown scheme raises ``Cannot resolve URI: <uri>`` (Consist 0.3 silently
  resolved it against the working directory);
* ``..`` that climbs out of a mount or the run directory raises
  ``Path traversal detected in URI ...``;
* a mount path whose symlinks lead outside the mount raises, unless external
  paths are allowed.

``workspace://<relative>`` is the run directory unless a mount named
``workspace`` exists. Because URIs never contain the roots, a run directory
moved to another place, or re-opened with different mount roots, resolves
every artifact at its new location.

Example:
    >>> m = PathMapper(Path("/work/runs"), {"inputs": "/mnt/data"})
    >>> m.to_uri("/mnt/data/a/b.csv")
    'inputs://a/b.csv'
    >>> m.resolve("inputs://a/b.csv")
    PosixPath('/mnt/data/a/b.csv')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from consist.artifacts.mounts import (
    EXTERNAL_HINT,
    WORKSPACE_SCHEME,
    is_within,
    normalize_mounts,
    symlink_escape,
)
from consist.errors import UriResolutionError

__all__ = ["PathMapper", "UriResolver", "split_uri"]

_SEP = "://"


def split_uri(uri: str | os.PathLike[str]) -> tuple[str | None, str]:
    """``(scheme, rest)``; scheme is None for plain paths and ``./`` URIs.

    Example:
        >>> split_uri("inputs://a/b.csv"), split_uri("./outputs/x")
        (('inputs', 'a/b.csv'), (None, './outputs/x'))
    """
    text = os.fspath(uri)
    scheme, sep, rest = text.partition(_SEP)
    return (scheme, rest) if sep else (None, text)


class PathMapper:
    """Turn paths into portable URIs and back, for one run directory and its mounts.

    ``archive_mounts`` name roots where runs promoted to an archive keep
    copies (relative roots are under the run directory); they are searched
    when a file is missing from its live mount (``archive_candidates``).

    Example:
        >>> PathMapper(Path("/r")).to_uri("/r/outputs/x.parquet")
        './outputs/x.parquet'
    """

    def __init__(
        self,
        run_dir: Path,
        mounts: Mapping[str, str | os.PathLike[str]] | None = None,
        *,
        archive_mounts: Mapping[str, str | os.PathLike[str]] | None = None,
        allow_external: bool = False,
    ) -> None:
        self.run_dir = Path(os.path.abspath(run_dir))
        self.mounts: dict[str, Path] = normalize_mounts(mounts)
        self.archive_mounts: dict[str, Path] = normalize_mounts(archive_mounts, base=self.run_dir)
        self.allow_external = allow_external
        # Longest root first so nested mounts win over their parents.
        self._by_length = sorted(self.mounts.items(), key=lambda item: -len(str(item[1])))

    # -- path -> URI ---------------------------------------------------------------

    def to_uri(self, path: str | os.PathLike[str]) -> str:
        """The portable URI for an absolute (or cwd-relative) path.

        Example:
            >>> PathMapper(Path("/r"), {"data": "/d"}).to_uri("/d/x.csv")
            'data://x.csv'
        """
        logical = Path(os.path.abspath(path))
        uri = self._relative_uri(logical)
        if uri is None:
            resolved = Path(os.path.realpath(logical))
            if resolved != logical:
                uri = self._relative_uri(resolved)
        return uri if uri is not None else logical.as_posix()

    def mount_of(self, uri: str) -> tuple[str, Path] | None:
        """``(scheme, root)`` of the mount a URI refers to, if it uses one."""
        scheme, _ = split_uri(uri)
        if scheme is not None and scheme in self.mounts:
            return scheme, self.mounts[scheme]
        return None

    # -- URI -> path ---------------------------------------------------------------

    def resolve(self, uri: str | os.PathLike[str]) -> Path:
        """The absolute local path of a URI (see the module docstring for the rules).

        Example:
            >>> PathMapper(Path("/r")).resolve("./outputs/x.parquet")
            PosixPath('/r/outputs/x.parquet')
        """
        text = os.fspath(uri)
        scheme, rest = split_uri(text)
        if scheme is None:
            if text.startswith("./"):
                return _inside(self.run_dir, text[2:], text, "the run directory")
            return Path(os.path.abspath(text))
        if scheme == "file":
            return Path(os.path.abspath(rest))
        root = self.mounts.get(scheme)
        if root is None and scheme == WORKSPACE_SCHEME:
            return _inside(self.run_dir, rest, text, "the run directory")
        if root is None:
            known = ", ".join(sorted(self.mounts)) or "none"
            raise UriResolutionError(
                f"Cannot resolve URI: {text}",
                cause=f"No mount named {scheme!r} is configured on this Tracker "
                f"(configured: {known}).",
                fix=f"Add it: Tracker(..., mounts={{{scheme!r}: '/path/to/root'}}), or use "
                "artifact.path (an absolute path) instead of the URI.",
            )
        candidate = _inside(root, rest, text, f"mount {root}")
        if not self.allow_external:
            real = symlink_escape(candidate, root)
            if real is not None:
                raise UriResolutionError(
                    f"URI {text!r} leaves mount {root} through a symlink (real path {real}).",
                    cause="A symlink inside the mount points outside it.",
                    fix=f"Copy the data into the mount, or point the mount at the real "
                    f"folder. {EXTERNAL_HINT}",
                )
        return candidate

    def relative_location(self, uri: str) -> PurePosixPath | None:
        """The part of a URI below its root (run dir or mount), or None for absolute paths.

        This is the layout kept when outputs are materialized under a new root.

        Example:
            >>> PathMapper(Path("/r")).relative_location("./outputs/m/x.csv")
            PurePosixPath('outputs/m/x.csv')
        """
        scheme, rest = split_uri(uri)
        if scheme is None:
            if not rest.startswith("./"):
                relative = self._relative_uri(Path(os.path.abspath(rest)))
                return self.relative_location(relative) if relative else None
            rest = rest[2:]
        elif scheme == "file":
            return None
        relative = PurePosixPath(os.path.normpath(rest or "."))
        if relative.is_absolute() or relative.parts[:1] == ("..",):
            return None
        return relative

    def historical_path(self, uri: str, run_meta: Mapping[str, Any] | None) -> Path | None:
        """Where a URI pointed when its run was recorded (its run dir and mount roots then).

        Returns None when the recorded roots are unknown or equal to today's.

        Example:
            >>> m = PathMapper(Path("/new/runs"))
            >>> m.historical_path("./outputs/x.csv", {"_physical_run_dir": "/old/runs"})
            PosixPath('/old/runs/outputs/x.csv')
        """
        meta = run_meta or {}
        scheme, rest = split_uri(uri)
        if (scheme is None and rest.startswith("./")) or scheme == WORKSPACE_SCHEME:
            old_root = meta.get("_physical_run_dir")
            rest = rest[2:] if scheme is None else rest
        elif scheme is not None and scheme != "file":
            old_root = (meta.get("mounts") or {}).get(scheme)
        else:
            return None
        if not old_root or self.relative_location(uri) is None:
            return None
        return Path(old_root) / rest

    def archive_candidates(self, uri: str) -> list[Path]:
        """Copies of a mount URI under the configured ``archive_mounts`` (may not exist).

        Example:
            >>> m = PathMapper(Path("/r"), {"data": "/d"}, archive_mounts={"data": "/arch"})
            >>> m.archive_candidates("data://x.csv")
            [PosixPath('/arch/x.csv')]
        """
        scheme, _ = split_uri(uri)
        relative = self.relative_location(uri)
        if relative is None:
            return []
        if scheme is None or scheme == WORKSPACE_SCHEME:
            roots = [self.archive_mounts.get(WORKSPACE_SCHEME)]
        else:
            roots = [self.archive_mounts.get(scheme)]
        return [root / relative for root in roots if root is not None]

    def _relative_uri(self, path: Path) -> str | None:
        for scheme, root in self._by_length:
            if is_within(path, root):
                return f"{scheme}{_SEP}{path.relative_to(root).as_posix()}"
        if is_within(path, self.run_dir):
            return f"./{path.relative_to(self.run_dir).as_posix()}"
        return None


def _inside(root: Path, rest: str, uri: str, what: str) -> Path:
    candidate = Path(os.path.normpath(root / rest))
    if os.path.isabs(rest) or not is_within(candidate, root):
        raise UriResolutionError(
            f"Path traversal detected in URI {uri!r}. Resolved to {candidate}, outside {what}.",
            cause="The URI climbs out of its root with '..' (or names an absolute path).",
            fix="Use a path that stays inside the root; absolute paths need no scheme.",
        )
    return candidate


class UriResolver:
    """``Artifact.resolver`` bound to a tracker's mounts and run dir (picklable)."""

    __slots__ = ("fs",)

    def __init__(self, fs: PathMapper) -> None:
        self.fs = fs

    def __call__(self, artifact: Any) -> Path:
        return self.fs.resolve(artifact.container_uri)
