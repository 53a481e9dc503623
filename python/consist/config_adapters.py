"""Config adapters: let a model's configuration files decide its cache identity.

A model configured by a tree of files (ActivitySim's ``configs/`` overlays,
BEAM's HOCON) should re-run when any of those files changes, even though the
Python ``config=`` dict passed to ``tracker.run`` stays the same. An adapter
passed as ``tracker.run(..., adapter=...)`` contributes a digest of that
configuration to the run's config hash, and its name, version and digest to
``run.meta`` (``config_adapter``, ``config_adapter_version``,
``config_bundle_hash``).

``ConfigAdapter`` is the protocol to implement; ``ConfigDirectoryAdapter``
is a ready one for ordered stacks of config directories.

Example:
    >>> class SettingsAdapter:
    ...     model_name = "my_model"
    ...     adapter_version = "1"
    ...     def config_identity(self, config):
    ...         return "blake3:" + "00" * 32
    >>> isinstance(SettingsAdapter(), ConfigAdapter)
    True
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from consist.errors import ConfigError

__all__ = ["ConfigAdapter", "ConfigDirectoryAdapter"]


@runtime_checkable
class ConfigAdapter(Protocol):
    """What ``tracker.run(adapter=...)`` calls.

    ``config_identity(config)`` returns a string that changes whenever the
    configuration the step will read changes (a tagged digest is best);
    ``config`` is the step's ``config=`` mapping. ``model_name`` and
    ``adapter_version`` are recorded in the run's meta; bump the version when
    the adapter's notion of identity changes.
    """

    model_name: str
    adapter_version: str | None

    def config_identity(self, config: Mapping[str, Any]) -> str: ...


@dataclass(frozen=True)
class ConfigDirectoryAdapter:
    """Identity = the digests of an ordered stack of config directories.

    The directories are ``root_dirs``, or ``config[config_dirs_key]`` when
    ``root_dirs`` is empty (so one adapter serves many scenarios). Each
    directory is digested with names, structure and contents
    (``consist.hashing.digest_directory``; ``include``/``exclude`` globs
    select files); the stack order is part of the identity (later
    directories override earlier ones in overlay configs), absolute
    locations are not, so the same configs elsewhere give the same identity.

    Example:
        >>> import pathlib, tempfile
        >>> base = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (base / "settings.yaml").write_text("households: 1000\\n")
        >>> adapter = ConfigDirectoryAdapter("activitysim", root_dirs=(base,))
        >>> before = adapter.config_identity({})
        >>> _ = (base / "settings.yaml").write_text("households: 2000\\n")
        >>> before == adapter.config_identity({}), before.startswith("blake3:")
        (False, True)
    """

    model_name: str
    root_dirs: Sequence[str | os.PathLike[str]] = ()
    include: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    config_dirs_key: str = "config_dirs"
    adapter_version: str | None = "1"

    def directories(self, config: Mapping[str, Any]) -> list[Path]:
        """The directory stack this adapter digests for ``config``, in order."""
        dirs: Any = self.root_dirs or config.get(self.config_dirs_key)
        if isinstance(dirs, str | os.PathLike):
            dirs = [dirs]
        if not dirs:
            raise ConfigError(
                f"{type(self).__name__} has no config directories.",
                cause=f"root_dirs is empty and config has no {self.config_dirs_key!r} entry.",
                fix=f"Pass root_dirs=[...] or config={{{self.config_dirs_key!r}: [...]}}.",
            )
        paths = [Path(os.path.abspath(d)) for d in dirs]
        missing = [str(p) for p in paths if not p.is_dir()]
        if missing:
            raise ConfigError(
                f"Config directories not found: {', '.join(missing)}",
                cause="A config adapter digests existing directories.",
                fix="Check the paths (relative paths are taken from the working directory).",
            )
        return paths

    def config_identity(self, config: Mapping[str, Any]) -> str:
        """A tagged BLAKE3 digest over the stack's directory digests, in order."""
        from consist.hashing import digest_directory, hash_bytes

        digests = [
            str(digest_directory(path, include=self.include, exclude=self.exclude).digest)
            for path in self.directories(config)
        ]
        payload = json.dumps([self.model_name, digests], separators=(",", ":")).encode()
        return str(hash_bytes(payload, context="consist config directory stack v1"))

    def files(self, config: Mapping[str, Any]) -> Iterable[Path]:
        """Every file the identity covers (for logging them as inputs, say)."""
        from consist.hashing import digest_directory

        for root in self.directories(config):
            entries = digest_directory(root, include=self.include, exclude=self.exclude).entries
            for entry in entries:
                if entry.kind == "file":
                    yield root / entry.path
