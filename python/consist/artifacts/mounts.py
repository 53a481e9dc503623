"""Named roots ("mounts") and the containment rules every placed or resolved path obeys.

A mount maps a scheme to a directory: ``{"inputs": "/mnt/data"}`` makes
``inputs://a/b.csv`` mean ``/mnt/data/a/b.csv``. Paths that consist writes
(materialized outputs, staged inputs, archive copies) must stay inside the run
directory or a mount root, and a URI may not climb out of its root with
``..`` or through a symlink, unless external paths are allowed
(``allow_external_paths=True`` or ``CONSIST_ALLOW_EXTERNAL_PATHS=1``).

Example:
    >>> roots = normalize_mounts({"inputs": "/mnt/data"})
    >>> is_within(Path("/mnt/data/a.csv"), roots["inputs"])
    True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from consist.errors import ConfigError, UriResolutionError

__all__ = [
    "WORKSPACE_SCHEME",
    "check_allowed_destination",
    "is_within",
    "normalize_mounts",
    "symlink_escape",
]

# ``workspace://`` means the run directory unless a mount of that name is configured.
WORKSPACE_SCHEME = "workspace"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-_]*$")
_RESERVED = frozenset({"file"})
EXTERNAL_HINT = "Set allow_external_paths=True or CONSIST_ALLOW_EXTERNAL_PATHS=1 to override."


def normalize_mounts(
    mounts: Mapping[str, str | os.PathLike[str]] | None, *, base: Path | None = None
) -> dict[str, Path]:
    """Validate scheme names and make roots absolute (relative roots are taken under ``base``).

    Example:
        >>> normalize_mounts({"inputs": "/mnt/data"})
        {'inputs': PosixPath('/mnt/data')}
        >>> normalize_mounts({"in puts": "/x"})
        Traceback (most recent call last):
        ...
        consist.errors.ConfigError: Problem: Invalid mount name 'in puts'.
        ...
    """
    roots: dict[str, Path] = {}
    for scheme, root in (mounts or {}).items():
        name = str(scheme)
        if not _SCHEME.match(name) or name in _RESERVED:
            raise ConfigError(
                f"Invalid mount name {name!r}.",
                cause="A mount name is used as a URI scheme (name://path): letters, digits, "
                "'+', '-', '.', '_', starting with a letter; 'file' is reserved.",
                fix="Rename the mount, e.g. mounts={'inputs': '/mnt/data'}.",
            )
        path = Path(os.fspath(root))
        if not path.is_absolute():
            path = (base or Path.cwd()) / path
        roots[name] = Path(os.path.normpath(path))
    return roots


def is_within(path: Path, root: Path) -> bool:
    """True when ``path`` is ``root`` or below it (whole components, no I/O).

    Example:
        >>> is_within(Path("/data2/x"), Path("/data"))
        False
    """
    return path == root or root in path.parents


def symlink_escape(path: Path, root: Path) -> Path | None:
    """The real location of ``path`` when a symlink takes it outside ``root``, else None.

    Only existing components are followed, so a path not yet written is fine.

    Example:
        >>> symlink_escape(Path("/nonexistent/a"), Path("/nonexistent")) is None
        True
    """
    real = Path(os.path.realpath(path))
    real_root = Path(os.path.realpath(root))
    return None if is_within(real, real_root) else real


def check_allowed_destination(
    path: Path,
    roots: Iterable[Path],
    *,
    allow_external: bool,
    what: str = "Destination path",
) -> Path:
    """Return ``path`` (normalised) if it lies inside one of ``roots``; else raise.

    A destination inside a root that reaches outside through a symlinked
    folder is refused too.

    Example:
        >>> check_allowed_destination(Path("/r/out/a.csv"), [Path("/r")], allow_external=False)
        PosixPath('/r/out/a.csv')
    """
    target = Path(os.path.normpath(os.path.abspath(path)))
    if allow_external:
        return target
    root_list = [Path(os.path.normpath(r)) for r in roots]
    inside = [r for r in root_list if is_within(target, r)]
    listed = ", ".join(str(r) for r in root_list) or "(none)"
    if not inside:
        raise UriResolutionError(
            f"{what} {target} is outside allowed roots: {listed}.",
            cause="consist only writes inside the tracker run_dir or a configured mount root.",
            fix="Choose a target under the tracker run_dir or a configured mount root "
            f"(Tracker(mounts={{...}})). {EXTERNAL_HINT}",
        )
    if all(symlink_escape(target, r) is not None for r in inside):
        real = Path(os.path.realpath(target))
        raise UriResolutionError(
            f"{what} {target} leaves its root through a symlink (real path {real}).",
            cause=f"A folder on the way is a symlink pointing outside {listed}.",
            fix=f"Use a real folder inside the root. {EXTERNAL_HINT}",
        )
    return target
