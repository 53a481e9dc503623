"""What flows in and out of a step function: bound input values, returned outputs.

Inputs are bound as ``Path`` objects (``input_binding="paths"``) or loaded
(``"loaded"``: tabular files as pandas DataFrames through the data layer,
other files as their path). Returned values become output artifacts: paths
are logged as files, Artifacts are linked, data frames are written through
``log_dataframe``. ``capture_dir`` logs every file a step created or changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist.errors import ConfigError, ConsistTypeError
from consist.models import Artifact

if TYPE_CHECKING:
    from consist.tracker.tracker import Tracker

__all__ = [
    "adapter_identity",
    "capture_files",
    "changed_files",
    "config_dict",
    "facet_with_config",
    "load_input_value",
    "log_returned_output",
    "under_dir",
    "with_dependencies",
]

_TABULAR = frozenset({"parquet", "csv", "json"})


def load_input_value(tracker: Tracker, key: str, artifact: Artifact, binding: str) -> Any:
    """The value bound to parameter ``key`` for this input artifact."""
    path = artifact.path
    if not path.exists():
        raise ConfigError(
            f"input_binding={binding!r} requires a materialized local path for input '{key}'.",
            cause=f"{path} does not exist (a metadata-only cache hit upstream, or a moved file).",
            fix="Use CacheOptions(cache_hydration='outputs-all') on the producing step, or "
            "input_binding='none' if the step does not read the file.",
        )
    if binding == "paths" or artifact.driver not in _TABULAR:
        return path
    from consist.data.loaders import load_df

    return load_df(artifact, tracker)


def log_returned_output(tracker: Tracker, key: str, value: Any) -> Artifact:
    """Log one returned output value under ``key``."""
    if isinstance(value, Artifact) or isinstance(value, str | os.PathLike):
        return tracker.log_artifact(value, key, direction="output")
    if hasattr(value, "outputs") and hasattr(value, "cache_hit"):  # a RunResult
        return tracker.log_artifact(value, key, direction="output")
    try:
        from consist.data.dataframe_logging import log_dataframe
        from consist.data.frames import frame_kind
    except ImportError as exc:
        raise ConsistTypeError(
            f"Run returned unsupported type {type(value)}",
            cause=f"Data frames need the data layer ({exc}).",
            fix="Write the frame to a file and return its path.",
        ) from exc
    try:
        frame_kind(value)
    except Exception:
        raise ConsistTypeError(
            f"Run returned unsupported type {type(value)}",
            cause=f"Output '{key}' is neither a path, an Artifact nor a data frame.",
            fix="Return {'key': path} for each output the step wrote.",
        ) from None
    return log_dataframe(tracker, value, key)


def config_dict(config: Any) -> dict[str, Any]:
    """A step's config as a plain dict (mappings and pydantic models).

    Example:
        >>> config_dict({"threshold": 0.5})
        {'threshold': 0.5}
    """
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    if hasattr(config, "model_dump"):  # pydantic models
        return dict(config.model_dump())
    raise ConsistTypeError(
        "config must be a mapping or a pydantic model.",
        cause=f"Received {type(config).__name__}.",
        fix="Pass config={'param': value, ...}.",
    )


def with_dependencies(inputs: Any, depends_on: Iterable[Any] | None) -> Any:
    """``inputs`` plus ``depends_on`` (hashed like inputs, never bound to parameters).

    Example:
        >>> with_dependencies({"raw": "a.csv"}, ["b.csv"])
        {'raw': 'a.csv', 'depends_on_0': 'b.csv'}
    """
    if not depends_on:
        return inputs
    extra = list(depends_on)
    if inputs is None:
        return extra
    if isinstance(inputs, Mapping):
        merged = dict(inputs)
        for index, value in enumerate(extra):
            merged[getattr(value, "key", None) or f"depends_on_{index}"] = value
        return merged
    return [*inputs, *extra]


def facet_with_config(
    facet: Mapping[str, Any] | None, facet_from: Iterable[str] | None, config: Mapping[str, Any]
) -> dict[str, Any]:
    """``facet`` plus the ``facet_from`` keys copied from ``config`` (absent keys skipped).

    Example:
        >>> facet_with_config({"a": 1}, ["year", "zone"], {"year": 2030})
        {'a': 1, 'year': 2030}
    """
    merged = dict(facet or {})
    merged.update({key: config[key] for key in facet_from or () if key in config})
    return merged


def under_dir(path: Path, base: Path) -> Path:
    """``path`` itself when absolute, else ``base / path`` (relative ``output_paths``).

    Example:
        >>> under_dir(Path("out.csv"), Path("/runs/outputs")).as_posix()
        '/runs/outputs/out.csv'
    """
    return path if path.is_absolute() else base / path


def adapter_identity(adapter: Any, config: Mapping[str, Any]) -> tuple[dict, dict]:
    """(config identity extra, run meta) contributed by a config adapter.

    An adapter is any object with ``config_identity(config) -> str`` (a digest
    of everything the configuration depends on, e.g. a directory of model
    config files); ``model_name``/``adapter_version`` attributes are recorded.
    """
    if adapter is None:
        return {}, {}
    identity_fn = getattr(adapter, "config_identity", None)
    if not callable(identity_fn):
        raise ConsistTypeError(
            "adapter must provide config_identity(config) -> str.",
            cause=f"{type(adapter).__name__} has no config_identity method.",
            fix="Implement config_identity(config) returning a digest of the configuration.",
        )
    digest = str(identity_fn(dict(config)))
    name = getattr(adapter, "model_name", None) or type(adapter).__name__
    version = getattr(adapter, "adapter_version", None)
    extra = {"config_plan": {"adapter": name, "adapter_version": version, "hash": digest}}
    meta = {"config_adapter": name, "config_adapter_version": version, "config_bundle_hash": digest}
    return extra, meta


def capture_files(directory: str | os.PathLike[str], pattern: str) -> dict[Path, int]:
    """``{path: mtime_ns}`` of the files matching ``pattern`` in ``directory``."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    return {p: p.stat().st_mtime_ns for p in root.glob(pattern) if p.is_file()}


def changed_files(
    directory: str | os.PathLike[str], pattern: str, before: Mapping[Path, int]
) -> dict[str, Path]:
    """Files created or modified since ``before``, keyed by file stem."""
    after = capture_files(directory, pattern)
    changed = sorted(p for p, mtime in after.items() if before.get(p) != mtime)
    return {p.stem: p for p in changed}
