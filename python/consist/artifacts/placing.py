"""Put an artifact's bytes at a destination, verified before they appear under its name.

Files go through ``consist.placement.place_file``: a reflink (copy-on-write
clone: instant, no extra space) where the filesystem supports it, else an
in-kernel copy. ``link_mode="hardlink"`` shares the inode instead; it is
opt-in because a later write through either name changes the cached
original too. ``link_mode="symlink"`` (staging only) points at the source.

Everything is written under a hidden temporary name next to the
destination, checked against the recorded digest when asked
(``validate="if-present"``: when the digest is a content digest;
``"always"``: a content digest is required), and only then renamed into
place. An interrupted or rejected placement leaves no file under the final
name. Directories are placed file by file the same way, as a whole.

Example:
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x")
    >>> place_bytes(d / "a.csv", d / "out" / "a.csv").method in ("reflink", "copy")
    True
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from consist.errors import ConfigError

__all__ = [
    "LINK_MODES",
    "VALIDATE_MODES",
    "HashMismatch",
    "Placement",
    "check_choice",
    "place_bytes",
]

LINK_MODES = ("auto", "copy", "reflink", "hardlink", "symlink")
VALIDATE_MODES = ("never", "if-present", "always")
CONTENT_ALGORITHMS = ("blake3", "sha256")


class HashMismatch(Exception):
    """The placed bytes do not have the recorded digest (nothing was left at the destination)."""

    def __init__(self, source: Path, expected: str | None, actual: str | None) -> None:
        super().__init__(f"{source}: expected {expected}, got {actual}")
        self.source, self.expected, self.actual = source, expected, actual


@dataclass(frozen=True, slots=True)
class Placement:
    """How a placement went: ``method`` (reflink/copy/hardlink/symlink) and ``verified``."""

    path: Path
    method: str
    verified: bool


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if allowed, else a ``ConfigError`` naming the choices.

    Example:
        >>> check_choice("link_mode", "copy", LINK_MODES)
        'copy'
    """
    if value not in allowed:
        raise ConfigError(
            f"{name} must be one of: {', '.join(map(repr, allowed))}; got {value!r}.",
            cause=f"Unknown {name}.",
            fix=f"Pass one of {', '.join(map(repr, allowed))}.",
        )
    return value


def place_bytes(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    link_mode: str = "auto",
    expected: str | None = None,
    validate: str = "never",
) -> Placement:
    """Place a file or directory at ``destination`` (replacing what is there).

    ``expected`` is the artifact's tagged digest; with ``validate`` other than
    ``"never"`` the copy is checked before the rename, and ``HashMismatch`` is
    raised (destination untouched) when it differs.

    Example:
        >>> import pathlib, tempfile
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "a").write_text("x")
        >>> place_bytes(d / "a", d / "b", link_mode="hardlink").method
        'hardlink'
    """
    check_choice("link_mode", link_mode, LINK_MODES)
    check_choice("validate_content_hash", validate, VALIDATE_MODES)
    src, dst = Path(source), Path(destination)
    algorithm = _verify_algorithm(expected, validate, src)
    dst.parent.mkdir(parents=True, exist_ok=True)
    temp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        method = _place_into(src, temp, link_mode)
        if algorithm is not None:
            actual = _digest(temp, algorithm)
            if actual != expected:
                raise HashMismatch(src, expected, actual)
        _swap_into_place(temp, dst)
    except BaseException:
        _remove(temp)
        raise
    return Placement(dst, method, algorithm is not None)


def _verify_algorithm(expected: str | None, validate: str, source: Path) -> str | None:
    if validate == "never":
        return None
    tag = expected.split(":", 1)[0] if expected and ":" in expected else None
    if tag in CONTENT_ALGORITHMS:
        return tag
    if validate == "always":
        raise HashMismatch(source, expected, "no content digest recorded to verify against")
    return None


def _place_into(src: Path, temp: Path, link_mode: str) -> str:
    if link_mode == "symlink":
        os.symlink(os.path.abspath(src), temp, target_is_directory=src.is_dir())
        return "symlink"
    if not src.is_dir():
        return _place_file(src, temp, link_mode)
    methods = set()
    temp.mkdir()
    for folder, _dirs, files in os.walk(src):
        relative = Path(folder).relative_to(src)
        (temp / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            methods.add(_place_file(Path(folder) / name, temp / relative / name, link_mode))
    # One method for every file (or an empty folder): report it; a mix counts as a copy.
    return methods.pop() if len(methods) == 1 else "copy"


def _place_file(src: Path, dst: Path, link_mode: str) -> str:
    from consist.placement import place_file

    return place_file(src, dst, mode="auto" if link_mode == "auto" else link_mode)


def _digest(path: Path, algorithm: str) -> str:
    from consist.identity.hash_backend import digest_path

    return digest_path(path, algorithm=algorithm, strategy="full")


def _swap_into_place(temp: Path, dst: Path) -> None:
    if not (dst.is_dir() and not dst.is_symlink()):
        os.replace(temp, dst)
        return
    # os.replace cannot replace a non-empty directory: move the old one aside first.
    old = dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:12]}.old")
    os.replace(dst, old)
    try:
        os.replace(temp, dst)
    except BaseException:
        os.replace(old, dst)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)
