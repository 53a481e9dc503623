"""What the recovery API hands back: per-key outcomes and summaries.

Statuses (the ``status`` field of an outcome):

* ``materialized_from_filesystem`` (files) / ``materialized_directory_from_filesystem``;
* ``materialized_from_db``: rebuilt from ingested rows (CSV/Parquet);
* ``preserved_existing``: the destination already existed and was kept;
* ``skipped_unmapped``: the artifact has an absolute location outside every
  root, so it has no relative layout to keep;
* ``missing_source``: no copy of the bytes was found anywhere;
* ``hash_mismatch``: copies were found but none had the recorded digest;
* ``failed``: placing raised an error (``message`` says which).

Example:
    >>> result = MaterializationResult(materialized_from_filesystem={"out": "/r/out.csv"})
    >>> result.ok, dict(result.paths)
    (True, {'out': PosixPath('/r/out.csv')})
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ArchivedOutputs",
    "ArtifactRecoveryCopyRegistration",
    "HydratedRunOutput",
    "HydratedRunOutputsResult",
    "MaterializationResult",
    "MaterializedArtifact",
    "StagedInput",
    "StagedInputsResult",
]

PLACED = ("materialized_from_filesystem", "materialized_directory_from_filesystem")


@dataclass(slots=True)
class HydratedRunOutput:
    """The outcome for one artifact: ``status`` (see module doc), where it went, from where.

    ``origin`` names the candidate that supplied the bytes (``source_root``,
    ``artifact_uri``, ``historical_root``, ``recovery_root``, ``archive_mount``
    or ``database``); ``method`` how they were placed (``reflink``, ``copy``,
    ``hardlink``, ``symlink``, ``rebuilt_from_db``); ``verified`` whether the
    digest was checked and matched.
    """

    key: str
    status: str
    path: Path | None = None
    source_path: Path | None = None
    origin: str | None = None
    method: str | None = None
    verified: bool = False
    message: str | None = None
    artifact: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when the bytes are at ``path`` (placed, rebuilt or already there)."""
        return self.status in (*PLACED, "materialized_from_db", "preserved_existing")


@dataclass(slots=True)
class HydratedRunOutputsResult:
    """Per-key outcomes of ``hydrate_run_outputs`` (a read-only mapping key -> outcome)."""

    run_id: str
    outputs: dict[str, HydratedRunOutput] = field(default_factory=dict)

    def __getitem__(self, key: str) -> HydratedRunOutput:
        return self.outputs[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.outputs)

    def __len__(self) -> int:
        return len(self.outputs)

    @property
    def paths(self) -> dict[str, Path]:
        """key -> path for every output whose bytes are now at its destination."""
        return {k: o.path for k, o in self.outputs.items() if o.ok and o.path is not None}

    @property
    def ok(self) -> bool:
        """True when every requested output is on disk."""
        return all(o.ok for o in self.outputs.values())


@dataclass(slots=True)
class MaterializationResult:
    """Summary of ``materialize_run_outputs``: keys grouped by what happened to them."""

    materialized_from_filesystem: dict[str, str] = field(default_factory=dict)
    materialized_from_db: dict[str, str] = field(default_factory=dict)
    skipped_existing: list[str] = field(default_factory=list)
    skipped_unmapped: list[str] = field(default_factory=list)
    skipped_missing_source: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    details: dict[str, HydratedRunOutput] = field(default_factory=dict, repr=False)

    @classmethod
    def from_outcomes(cls, outcomes: Mapping[str, HydratedRunOutput]) -> MaterializationResult:
        """Group per-key outcomes into the summary lists."""
        result = cls(details=dict(outcomes))
        for key, o in outcomes.items():
            if o.status in PLACED:
                result.materialized_from_filesystem[key] = str(o.path)
            elif o.status == "materialized_from_db":
                result.materialized_from_db[key] = str(o.path)
            elif o.status == "preserved_existing":
                result.skipped_existing.append(key)
            elif o.status == "skipped_unmapped":
                result.skipped_unmapped.append(key)
            elif o.status == "missing_source":
                result.skipped_missing_source.append(key)
            else:
                result.failed.append((key, o.message or o.status))
        return result

    @property
    def paths(self) -> dict[str, Path]:
        """key -> path of every output now on disk at the target (placed or kept)."""
        placed = {**self.materialized_from_filesystem, **self.materialized_from_db}
        paths = {k: Path(v) for k, v in placed.items()}
        for key, outcome in self.details.items():
            if outcome.status == "preserved_existing" and outcome.path is not None:
                paths[key] = outcome.path
        return paths

    @property
    def ok(self) -> bool:
        """True when nothing is missing and nothing failed (unmapped outputs aside)."""
        return not self.skipped_missing_source and not self.failed


@dataclass(slots=True)
class MaterializedArtifact:
    """Outcome of ``materialize_artifact``; ``status`` is ``already_present``,
    ``materialized_from_<origin>``, ``materialized_from_db``, ``missing_source``,
    ``skipped_unmapped``, ``hash_mismatch`` or ``failed``."""

    artifact: Any
    status: str
    path: Path | None = None
    source_path: Path | None = None
    method: str | None = None
    verified: bool = False
    message: str | None = None


@dataclass(slots=True)
class StagedInput:
    """One staged input: ``status`` is ``staged``, ``preserved_existing``,
    ``missing_source``, ``hash_mismatch`` or ``failed``."""

    key: str
    status: str
    path: Path
    source_path: Path | None = None
    method: str | None = None
    verified: bool = False
    message: str | None = None
    artifact: Any = field(default=None, repr=False)


@dataclass(slots=True)
class StagedInputsResult:
    """All inputs staged by ``stage_inputs`` (key -> ``StagedInput``)."""

    inputs: dict[str, StagedInput] = field(default_factory=dict)

    @property
    def paths(self) -> dict[str, Path]:
        """key -> local path for every input now at its destination."""
        ok = ("staged", "preserved_existing")
        return {k: s.path for k, s in self.inputs.items() if s.status in ok}

    @property
    def ok(self) -> bool:
        """True when every input is at its destination."""
        return len(self.paths) == len(self.inputs)


@dataclass(slots=True)
class ArtifactRecoveryCopyRegistration:
    """A recovery copy recorded for an artifact: where, whether it was verified."""

    artifact: Any
    recovery_root: Path
    copy_path: Path
    verified: bool
    recovery_roots: list[str] = field(default_factory=list)


class ArchivedOutputs(Mapping[str, Path]):
    """Read-only mapping key -> archived path; ``.outputs`` holds the refreshed artifacts.

    Example:
        >>> archived = ArchivedOutputs({"out": Path("/a/out.csv")}, {})
        >>> archived["out"], archived.paths
        (PosixPath('/a/out.csv'), {'out': PosixPath('/a/out.csv')})
    """

    def __init__(self, paths: Mapping[str, Path], outputs: Mapping[str, Any]) -> None:
        self._paths = dict(paths)
        self.outputs = dict(outputs)

    def __getitem__(self, key: str) -> Path:
        return self._paths[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    @property
    def paths(self) -> dict[str, Path]:
        """A plain dict copy of the mapping."""
        return dict(self._paths)

    def __repr__(self) -> str:
        return f"ArchivedOutputs({self._paths!r})"
