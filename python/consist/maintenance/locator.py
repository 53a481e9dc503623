"""Find an artifact's bytes on this machine from what the database recorded.

Candidates, in order: the ``--run-dir`` / ``--mount`` options applied to the
artifact's URI (``./x`` is relative to the run dir, ``name://x`` goes through
mount ``name``; the run dir is also mounted as ``workspace://``), the
absolute path recorded at logging time (``meta["abs_path"]``), an absolute or
``file://`` URI, and, only with ``trust_db``, the mounts and run directory the
producing run recorded (``meta["mounts"]``, ``meta["_physical_run_dir"]``)
and the artifact's ``recovery_roots``. The first candidate that exists wins.

Example:
    >>> from consist.models import Artifact
    >>> loc = ArtifactLocator(run_dir=Path("/runs"), mounts={"inputs": "/mnt/in"})
    >>> art = Artifact(key="k", container_uri="inputs://a.csv")
    >>> [str(p) for p in loc.candidates(art)]
    ['/mnt/in/a.csv']
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from consist.errors import ConsistError
from consist.models import Artifact, Run
from consist.tracker.uris import PathMapper

__all__ = ["ArtifactLocator"]


class ArtifactLocator:
    """Turns recorded URIs into existing local paths (see the module docstring)."""

    def __init__(
        self,
        run_dir: str | os.PathLike[str] | None = None,
        mounts: Mapping[str, str] | None = None,
        *,
        trust_db: bool = False,
    ) -> None:
        self.run_dir = Path(run_dir).resolve() if run_dir else None
        self.mounts = dict(mounts or {})
        self.trust_db = trust_db
        base_mounts = dict(self.mounts)
        if self.run_dir is not None:
            base_mounts.setdefault("workspace", str(self.run_dir))
        self._mapper = PathMapper(self.run_dir or Path.cwd(), base_mounts)

    def _via(self, mapper: PathMapper, uri: str) -> Path | None:
        try:
            return mapper.resolve(uri)
        except ConsistError:
            return None

    def candidates(self, artifact: Artifact, run: Run | None = None) -> list[Path]:
        """Every place the artifact could be, best first, without duplicates."""
        uri = artifact.container_uri
        relative = uri.startswith("./")
        scheme = uri.partition("://")[0] if "://" in uri else None
        found: list[Path] = []
        if (relative and self.run_dir is not None) or (scheme and scheme in self._mapper.mounts):
            found.append(self._via(self._mapper, uri))
        for recorded in (artifact.meta.get("abs_path"), artifact.abs_path):
            if recorded:
                found.append(Path(recorded))
        if scheme == "file" or (scheme is None and not relative and Path(uri).is_absolute()):
            found.append(self._via(self._mapper, uri))
        if self.trust_db:
            found.extend(self._recorded(artifact, run, uri))
        unique: list[Path] = []
        for path in found:
            if path is not None and path not in unique:
                unique.append(path)
        return unique

    def _recorded(self, artifact: Artifact, run: Run | None, uri: str) -> list[Path | None]:
        meta: dict[str, Any] = dict(run.meta) if run is not None else {}
        mounts = {str(k): str(v) for k, v in (meta.get("mounts") or {}).items()}
        if artifact.meta.get("mount_scheme") and artifact.meta.get("mount_root"):
            mounts.setdefault(artifact.meta["mount_scheme"], artifact.meta["mount_root"])
        run_dir = meta.get("_physical_run_dir") or meta.get("run_dir")
        mapper = PathMapper(Path(run_dir) if run_dir else Path.cwd(), mounts)
        found: list[Path | None] = []
        if run_dir or "://" in uri:
            found.append(self._via(mapper, uri))
        tail = uri.partition("://")[2] if "://" in uri else uri.removeprefix("./")
        for root in artifact.recovery_roots:
            found.append(Path(root) / tail)
        return found

    def locate(self, artifact: Artifact, run: Run | None = None) -> Path | None:
        """The first candidate that exists, or None.

        Example:
            >>> ArtifactLocator().locate(Artifact(key="k", container_uri="/nope/x"))
        """
        for path in self.candidates(artifact, run):
            if path.exists():
                return path
        return None
