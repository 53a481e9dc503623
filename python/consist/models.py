"""Provenance records: runs, artifacts and the results handed back to callers.

Plain slotted dataclasses with JSON round-trip helpers (``to_dict`` /
``from_dict``). They know nothing about SQL; ``consist.store`` maps them to
rows, and JSON snapshots store ``to_dict()`` output.

Example:
    >>> run = Run(id="clean_ab12", model_name="clean", tags=["demo"])
    >>> Run.from_dict(run.to_dict()).model
    'clean'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from consist.errors import ConfigError, UriResolutionError

__all__ = [
    "ARRAY_DRIVERS",
    "RUN_STATUSES",
    "TABULAR_DRIVERS",
    "Artifact",
    "ConsistRecord",
    "Run",
    "RunArtifacts",
    "RunResult",
    "utc_now",
]

RUN_STATUSES = ("running", "completed", "failed", "skipped_save")
TABULAR_DRIVERS = frozenset({"parquet", "csv", "json", "h5_table", "gtfs"})
ARRAY_DRIVERS = frozenset({"zarr", "netcdf", "openmatrix"})


def utc_now() -> datetime:
    """The current time as an aware UTC datetime.

    Example:
        >>> utc_now().tzinfo is UTC
        True
    """
    return datetime.now(UTC)


def _as_utc(value: datetime | str | None) -> datetime | None:
    # Naive datetimes (DuckDB TIMESTAMP columns) are stored in UTC by convention.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _known_fields(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls) if f.init}
    return {k: v for k, v in data.items() if k in names}


@dataclass(slots=True, eq=False)
class Run:
    """One recorded execution of a step (a row of the ``run`` table).

    ``git_hash`` holds the code identity digest whatever the identity mode;
    ``model`` is a read/write alias of ``model_name``.

    Example:
        >>> run = Run(id="r1", model_name="beam", year=2030)
        >>> run.status, run.model, run.duration_seconds
        ('running', 'beam', None)
    """

    id: str
    model_name: str
    status: str = "running"
    description: str | None = None
    year: int | None = None
    iteration: int | None = None
    stage: str | None = None
    phase: str | None = None
    tags: list[str] = field(default_factory=list)
    config_hash: str | None = None
    git_hash: str | None = None
    input_hash: str | None = None
    signature: str | None = None
    parent_run_id: str | None = None
    cache_hit: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utc_now)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.status not in RUN_STATUSES:
            raise ConfigError(
                f"Unknown run status {self.status!r}.",
                cause=f"Run status must be one of {', '.join(RUN_STATUSES)}.",
                fix="Use 'running', 'completed' or 'failed'.",
            )
        self.tags = list(self.tags or [])
        self.meta = dict(self.meta or {})
        self.created_at = _as_utc(self.created_at) or utc_now()
        self.started_at = _as_utc(self.started_at) or self.created_at
        self.ended_at = _as_utc(self.ended_at)
        self.updated_at = _as_utc(self.updated_at)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Run) and self.to_dict() == other.to_dict()

    __hash__ = None  # mutable record: compare by content, do not hash

    @property
    def model(self) -> str:
        """Alias of ``model_name``."""
        return self.model_name

    @model.setter
    def model(self, value: str) -> None:
        self.model_name = value

    @property
    def duration_seconds(self) -> float | None:
        """Wall time from start to end, or None while the run is open."""
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def identity_summary(self) -> dict[str, Any]:
        """The pieces of the run signature, for "why did this (not) hit the cache"."""
        code_identity = self.meta.get("code_identity")
        return {
            "code_version": self.git_hash,
            "code_hash": self.git_hash,
            "config_hash": self.config_hash,
            "input_hash": self.input_hash,
            "signature": self.signature,
            "signature_ready": all((self.git_hash, self.config_hash, self.input_hash)),
            "run_fields": {
                "model": self.model_name,
                "year": self.year,
                "iteration": self.iteration,
            },
            "code_identity": {
                "mode": code_identity if isinstance(code_identity, str) else None,
                "extra_deps": self.meta.get("code_identity_extra_deps"),
            },
            "identity_inputs": self.meta.get("consist_hash_inputs", {}),
            "identity_inputs_count": len(self.meta.get("consist_hash_inputs", {}) or {}),
            "config_adapter": self.meta.get("config_adapter"),
            "cache": {
                "hit": self.cache_hit,
                "source": self.meta.get("cache_source"),
                "epoch": self.meta.get("cache_epoch"),
                "version": self.meta.get("cache_version"),
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (datetimes as ISO 8601 strings)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["tags"] = list(self.tags)
        data["meta"] = dict(self.meta)
        for name in ("created_at", "started_at", "ended_at", "updated_at"):
            data[name] = _iso(data[name])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Run:
        """Inverse of ``to_dict``; accepts ``model`` for ``model_name`` and ignores unknown keys."""
        values = _known_fields(cls, data)
        if "model_name" not in values and "model" in data:
            values["model_name"] = data["model"]
        return cls(**values)


ArtifactResolver = Callable[["Artifact"], "Path | str"]


@dataclass(slots=True, eq=False)
class Artifact:
    """A file, directory or table that a run read or wrote (a row of ``artifact``).

    ``hash`` is a tagged digest (``blake3:<hex>``, ``sha256:<hex>``, or
    ``fast:<hex>`` for metadata identities). ``run_id`` names the producing
    run; None means the artifact came from outside consist. Artifacts compare
    and hash by ``id``.

    ``path`` resolves, in order: the ``resolver`` callable (set by the
    tracker: ``./x`` URIs are relative to the run directory, ``inputs://``
    style URIs go through mounts), then ``meta["abs_path"]``, then
    ``abs_path``, then a ``container_uri`` that is already absolute or
    ``file://``. Anything else raises ``Cannot resolve URI: <uri>``.

    Example:
        >>> art = Artifact(key="trips", container_uri="/data/trips.parquet", driver="parquet")
        >>> str(art.path), art.is_tabular
        ('/data/trips.parquet', True)
    """

    key: str
    container_uri: str
    driver: str = "unknown"
    id: str = field(default_factory=lambda: str(uuid4()))
    table_path: str | None = None
    array_path: str | None = None
    hash: str | None = None
    size: int | None = None
    content_id: str | None = None
    parent_artifact_id: str | None = None
    run_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utc_now)
    abs_path: str | None = field(default=None, repr=False)
    resolver: ArtifactResolver | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.id = str(self.id)
        self.meta = dict(self.meta or {})
        self.created_at = _as_utc(self.created_at) or utc_now()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Artifact) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("consist.Artifact", self.id))

    def __getattr__(self, name: str) -> Any:
        # Only reached for missing attributes: point 0.3 users at the rename.
        if name == "uri":
            raise AttributeError(
                "'Artifact' object has no attribute 'uri'; it was renamed to 'container_uri'."
            )
        raise AttributeError(f"'Artifact' object has no attribute {name!r}")

    @property
    def path(self) -> Path:
        """Absolute local path of the artifact (see the class docstring for the rule)."""
        if self.resolver is not None:
            return Path(self.resolver(self))
        for candidate in (self.meta.get("abs_path"), self.abs_path):
            if candidate:
                return Path(candidate)
        uri = self.container_uri
        if uri.startswith("file://"):
            return Path(uri.removeprefix("file://"))
        if Path(uri).is_absolute():
            return Path(uri)
        raise UriResolutionError(
            f"Cannot resolve URI: {uri}",
            cause="The artifact has a relative or mount URI and no tracker attached to resolve it.",
            fix="Fetch the artifact through its Tracker (tracker.get_artifact or "
            "tracker.get_artifacts_for_run) or use tracker.resolve_uri(artifact.container_uri).",
        )

    @property
    def recovery_roots(self) -> list[str]:
        """Ordered advisory roots where copies of the bytes may be found."""
        return list(self.meta.get("recovery_roots") or [])

    @property
    def is_tabular(self) -> bool:
        """True for drivers that load as tables (parquet, csv, json, h5_table, gtfs)."""
        return self.driver in TABULAR_DRIVERS

    @property
    def is_matrix(self) -> bool:
        """True for array drivers (zarr, netcdf, openmatrix)."""
        return self.driver in ARRAY_DRIVERS

    @property
    def created_at_iso(self) -> str:
        """``created_at`` as an ISO 8601 string."""
        return self.created_at.isoformat()

    def get_meta(self, key: str, default: Any = None) -> Any:
        """``meta.get(key, default)``."""
        return self.meta.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; the resolver is runtime-only and never stored."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "resolver"}
        data["meta"] = dict(self.meta)
        data["created_at"] = _iso(self.created_at)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Artifact:
        """Inverse of ``to_dict``; accepts a 0.3 ``uri`` key for ``container_uri``."""
        values = _known_fields(cls, data)
        values.pop("resolver", None)
        if "container_uri" not in values and "uri" in data:
            values["container_uri"] = data["uri"]
        return cls(**values)


@dataclass(slots=True)
class RunArtifacts:
    """Inputs and outputs of one run, each a dict key -> Artifact.

    Example:
        >>> RunArtifacts().outputs
        {}
    """

    inputs: dict[str, Artifact] = field(default_factory=dict)
    outputs: dict[str, Artifact] = field(default_factory=dict)


@dataclass(slots=True)
class RunResult:
    """What ``run(...)`` hands back: the run record, its outputs and whether it was a cache hit.

    Example:
        >>> art = Artifact(key="out", container_uri="/tmp/out.csv", driver="csv")
        >>> result = RunResult(run=Run(id="r", model_name="m"), outputs={"out": art})
        >>> result.output.key, result.cache_hit
        ('out', False)
    """

    run: Run
    outputs: dict[str, Artifact] = field(default_factory=dict)
    cache_hit: bool = False

    @property
    def output(self) -> Artifact | None:
        """The first output (the only one for single-output steps), or None."""
        return next(iter(self.outputs.values()), None)

    def as_dict(self) -> dict[str, Artifact]:
        """The outputs as a plain dict key -> Artifact."""
        return dict(self.outputs)

    def output_path(self, key: str, tracker: Any = None) -> Path:
        """Absolute path of output ``key``; a tracker resolves URIs the artifact cannot."""
        if key not in self.outputs:
            available = ", ".join(sorted(self.outputs)) or "(none)"
            raise KeyError(f"No output {key!r}. Available keys: {available}")
        artifact = self.outputs[key]
        if tracker is not None and artifact.resolver is None:
            return Path(tracker.resolve_uri(artifact.container_uri))
        return artifact.path


@dataclass(slots=True)
class ConsistRecord:
    """The JSON snapshot of one run: run, inputs, outputs, config and facet.

    Example:
        >>> record = ConsistRecord(run=Run(id="r", model_name="m"), config={"a": 1})
        >>> ConsistRecord.from_dict(record.to_dict()).config
        {'a': 1}
    """

    run: Run
    inputs: list[Artifact] = field(default_factory=list)
    outputs: list[Artifact] = field(default_factory=list)
    cached_run: Run | None = None
    config: dict[str, Any] = field(default_factory=dict)
    facet: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return {
            "run": self.run.to_dict(),
            "inputs": [a.to_dict() for a in self.inputs],
            "outputs": [a.to_dict() for a in self.outputs],
            "cached_run": None if self.cached_run is None else self.cached_run.to_dict(),
            "config": dict(self.config),
            "facet": dict(self.facet),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConsistRecord:
        """Inverse of ``to_dict``."""
        cached = data.get("cached_run")
        return cls(
            run=Run.from_dict(data["run"]),
            inputs=[Artifact.from_dict(a) for a in data.get("inputs") or []],
            outputs=[Artifact.from_dict(a) for a in data.get("outputs") or []],
            cached_run=None if cached is None else Run.from_dict(cached),
            config=dict(data.get("config") or {}),
            facet=dict(data.get("facet") or {}),
        )
