"""Put a file at a destination path: copy-on-write clone, copy, or hard link.

``place_file`` is what cache hydration and materialization use to get bytes
back on disk. ``mode="auto"`` clones with a reflink where the filesystem
supports it (XFS, Btrfs: instant, no extra space) and otherwise copies in the
kernel. The destination is always written under a temp name in its folder
and renamed into place, so an interrupted placement never leaves a truncated
file under the final name; permission bits are kept. Hard links are opt-in
(``mode="hardlink"``): a later write through either name would change both.

Example:
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x")
    >>> place_file(d / "a.csv", d / "out" / "a.csv") in ("reflink", "copy")
    True
"""

from __future__ import annotations

import os

from consist import _native
from consist.errors import ConfigError

__all__ = ["PLACEMENT_MODES", "place_file"]

PLACEMENT_MODES = ("auto", "reflink", "copy", "hardlink")


def place_file(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], *, mode: str = "auto"
) -> str:
    """Place ``src`` at ``dst`` (parent folders are created); return the method used.

    Parameters
    ----------
    src: an existing regular file.
    dst: the destination path; an existing file there is replaced atomically.
    mode: ``"auto"`` (reflink, else copy), ``"reflink"`` (fail if unsupported),
        ``"copy"`` (always an independent copy), ``"hardlink"`` (same inode).

    Returns
    -------
    ``"reflink"``, ``"copy"`` or ``"hardlink"``.

    Example:
        >>> import pathlib, tempfile
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "a").write_text("x")
        >>> place_file(d / "a", d / "b", mode="hardlink")
        'hardlink'
    """
    if mode not in PLACEMENT_MODES:
        raise ConfigError(
            f"Unknown placement mode: {mode!r}",
            cause=f"mode is one of {', '.join(map(repr, PLACEMENT_MODES))}",
            fix="use mode='auto' (reflink where supported, else copy)",
        )
    with _native.map_native_errors(operation="place"):
        return _native.core.place_file(src, dst, mode=mode)
