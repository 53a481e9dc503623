"""``TrackerConfig``: a Tracker's constructor arguments as one value, and back.

``tracker.to_config()`` captures how a tracker was built; ``Tracker.from_config``
builds an equal one (e.g. in a worker process). Unknown fields are refused,
as in Consist 0.3 (whose ``TrackerConfig`` forbids extra fields). Lifecycle
callbacks (``on_run_start``, ...) are not part of the config.

Example:
    >>> config = TrackerConfig(run_dir="./runs", db_path="./provenance.duckdb")
    >>> config.hashing_strategy, config.access_mode
    ('full', 'standard')
    >>> TrackerConfig(run_dir="./runs", colour="blue")
    Traceback (most recent call last):
    ...
    TypeError: TrackerConfig.__init__() got an unexpected keyword argument 'colour'
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["TrackerConfig", "TrackerConfigMethods"]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class TrackerConfig:
    """The arguments of ``Tracker(...)``, with the same names and defaults.

    Example:
        >>> TrackerConfig(run_dir="runs", cache_epoch=2).cache_epoch
        2
    """

    run_dir: PathLike
    db_path: PathLike | None = None
    mounts: Mapping[str, PathLike] | None = None
    archive_mounts: Mapping[str, PathLike] | None = None
    project_root: PathLike | None = None
    hashing_strategy: str = "full"
    hash_algorithm: str = "blake3"
    cache_epoch: int = 1
    schemas: list[Any] | None = None
    builtin_schemas: list[str] | None = None
    access_mode: str = "standard"
    run_subdir_fn: Callable[..., Any] | None = None
    allow_external_paths: bool | None = None
    openlineage_enabled: bool = False
    openlineage_namespace: str | None = None
    db_skip_schema_init: bool = False

    def as_kwargs(self) -> dict[str, Any]:
        """``{name: value}`` for ``Tracker(**...)``.

        Example:
            >>> sorted(TrackerConfig(run_dir="runs").as_kwargs())[:3]
            ['access_mode', 'allow_external_paths', 'archive_mounts']
        """
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


class TrackerConfigMethods:
    """``Tracker.from_config(config)`` and ``tracker.to_config()``."""

    @classmethod
    def from_config(cls, config: TrackerConfig) -> Any:
        """A tracker built from ``config``.

        Example:
            >>> tracker = Tracker.from_config(TrackerConfig(run_dir="./runs"))  # doctest: +SKIP
        """
        return cls(**config.as_kwargs())

    def to_config(self) -> TrackerConfig:
        """How this tracker was built, as a ``TrackerConfig``.

        Example:
            >>> Tracker.from_config(tracker.to_config()).run_dir == tracker.run_dir  # doctest: +SKIP
            True
        """
        t: Any = self
        return TrackerConfig(
            run_dir=t.run_dir,
            db_path=t.db_path,
            mounts=dict(t.mounts) or None,
            archive_mounts=dict(t.archive_mounts) or None,
            project_root=t.project_root,
            hashing_strategy=t.hashing_strategy,
            hash_algorithm=t.hash_algorithm,
            cache_epoch=t.cache_epoch,
            schemas=list(t.registered_schemas) or None,
            builtin_schemas=list(t.builtin_schemas) or None,
            access_mode=t.access_mode,
            run_subdir_fn=t._run_subdir_fn,
            allow_external_paths=t.allow_external_paths,
            openlineage_enabled=t._openlineage_enabled,
            openlineage_namespace=t._openlineage_namespace,
            db_skip_schema_init=t.db_skip_schema_init,
        )
