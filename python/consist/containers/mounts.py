"""Which host paths a container step may touch, and how they are named portably.

A step's signature must not depend on where the data happens to live on this machine.
With ``Tracker(mounts={"inputs": "/mnt/data"})`` the host path ``/mnt/data/a.csv`` is
named ``inputs://a.csv``; on a machine where the mount is ``/scratch/data`` the same file
gets the same name, so the step hits the same cache entry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from consist.errors import ConfigError

__all__ = ["MountPolicy"]

# The guide's wording, kept verbatim so users can search for it.
_STRICT_FIX = (
    "either add the mount in your Tracker or pass strict_mounts=False to run_container(), "
    "e.g. Tracker(mounts={{'data': '{root}'}})."
)


@dataclass(frozen=True)
class MountPolicy:
    """Mount roots (scheme -> absolute host root), the run directory, and strictness.

    Example:
        >>> policy = MountPolicy.create({"inputs": "/mnt/data"})
        >>> policy.portable(Path("/mnt/data/zones/a.csv"))
        'inputs://zones/a.csv'
    """

    mounts: tuple[tuple[str, Path], ...] = ()
    run_dir: Path | None = None
    strict: bool = True

    @classmethod
    def create(
        cls,
        mounts: Mapping[str, str | Path] | None = None,
        *,
        run_dir: str | Path | None = None,
        strict: bool = True,
    ) -> MountPolicy:
        """Normalise the roots; longest root first so nested mounts resolve to the inner one."""
        roots = []
        for scheme, root in (mounts or {}).items():
            root_path = Path(root)
            if not root_path.is_absolute():
                raise ConfigError(
                    f"Mount root for {scheme!r} must be an absolute path: {root!s}",
                    fix=f"Pass mounts={{{scheme!r}: str(Path({str(root)!r}).resolve())}}.",
                )
            roots.append((scheme, _normal(root_path)))
        roots.sort(key=lambda item: (-len(item[1].parts), item[0]))
        run = _normal(Path(run_dir)) if run_dir is not None else None
        return cls(tuple(roots), run, strict)

    def roots(self) -> list[Path]:
        """Every allowed root: mounts, then the run directory."""
        allowed = [root for _, root in self.mounts]
        if self.run_dir is not None:
            allowed.append(self.run_dir)
        return allowed

    def check(self, path: Path) -> None:
        """Refuse ``path`` if strict and it is outside every mount and the run directory.

        Example:
            >>> MountPolicy.create({"inputs": "/mnt/data"}).check(Path("/etc/passwd"))
            Traceback (most recent call last):
            ...
            consist.errors.ConfigError: Problem: Host path /etc/passwd is outside allowed roots: /mnt/data
            ...
        """
        if not self.strict or self._locate(path) is not None:
            return
        fix = _STRICT_FIX.format(root=path if path.is_dir() else path.parent)
        if not self.mounts:
            raise ConfigError(
                "Container host paths require configured tracker mounts when strict_mounts=True.",
                cause=f"Host path {path} is not under any configured mount.",
                fix=fix,
            )
        allowed = ", ".join(str(root) for root in self.roots())
        raise ConfigError(
            f"Host path {path} is outside allowed roots: {allowed}",
            cause="With strict_mounts=True every host path must live under a configured mount, "
            "so the step can be named the same way on other machines.",
            fix=fix,
        )

    def portable(self, path: Path) -> str:
        """Name ``path`` relative to its mount (``scheme://rel``) or run dir (``./rel``).

        Paths outside every root keep their absolute form (only with strict_mounts=False);
        such steps hit the cache only on machines with the same layout.
        """
        found = self._locate(path)
        if found is None:
            return _normal(path).as_posix()
        label, rel = found
        rel_text = rel.as_posix()
        if label is None:
            return "./" if rel_text == "." else f"./{rel_text}"
        return f"{label}://" if rel_text == "." else f"{label}://{rel_text}"

    def _locate(self, path: Path) -> tuple[str | None, Path] | None:
        # Try the path as written first (symlinks kept), then fully resolved.
        for candidate in (_normal(path), path.resolve()):
            for scheme, root in self.mounts:
                for root_form in (root, root.resolve()):
                    if candidate.is_relative_to(root_form):
                        return scheme, candidate.relative_to(root_form)
            if self.run_dir is not None:
                for root_form in (self.run_dir, self.run_dir.resolve()):
                    if candidate.is_relative_to(root_form):
                        return None, candidate.relative_to(root_form)
        return None


def _normal(path: Path) -> Path:
    """Absolute and without ``..`` segments, but symlinks left as they are."""
    return Path(os.path.normpath(path.absolute()))
