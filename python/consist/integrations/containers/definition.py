"""``ContainerDefinition``: Consist 0.3's record of a container step, and its hashable form.

consist builds and validates container steps as ``consist.containers.ContainerSpec``;
this class keeps the 0.3 field names for code that constructs or inspects
definitions, converts to and from a spec, and renders the 0.3
``to_hashable_config()`` dict (environment values reduced to a SHA-256, never
stored). The cache signature of a container step is computed by
``consist.containers.container_identity``, not from this dict.

Example:
    >>> d = ContainerDefinition(image="busybox:1.36", command=["echo", "hi"],
    ...                         environment={"TOKEN": "secret"})
    >>> cfg = d.to_hashable_config()
    >>> cfg["command"], "secret" in str(cfg)
    (('echo', 'hi'), False)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ContainerDefinition"]


@dataclass(frozen=True)
class ContainerDefinition:
    """Image, command, environment, backend, working dir, volumes and declared outputs.

    Example:
        >>> ContainerDefinition(image="img", command="echo hi").to_spec().command
        ('echo', 'hi')
    """

    image: str
    command: str | Sequence[str]
    image_digest: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    backend: str = "docker"
    working_dir: str | None = None
    volumes: Mapping[str, str] = field(default_factory=dict)
    declared_outputs: Sequence[str] = ()
    extra_args: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_spec(
        cls,
        spec: Any,
        *,
        image_digest: str | None = None,
        declared_outputs: Sequence[str] = (),
    ) -> ContainerDefinition:
        """The definition of a ``ContainerSpec`` (volumes as ``{host: container}``).

        Example:
            >>> from consist.containers import ContainerSpec
            >>> spec = ContainerSpec.create(image="img", command="true", backend="apptainer")
            >>> ContainerDefinition.from_spec(spec).backend
            'apptainer'
        """
        return cls(
            image=spec.image,
            command=tuple(spec.command),
            image_digest=image_digest,
            environment=dict(spec.environment),
            backend=spec.backend,
            working_dir=spec.working_dir,
            volumes={str(v.host): v.container for v in spec.volumes},
            declared_outputs=tuple(declared_outputs),
        )

    def to_spec(self) -> Any:
        """A validated ``ContainerSpec`` (raises ``ConfigError`` on a bad field).

        Example:
            >>> ContainerDefinition(image="img", command=[]).to_spec()
            Traceback (most recent call last):
            ...
            consist.errors.ConfigError: Problem: Invalid container command: []
            ...
        """
        from consist.containers.spec import ContainerSpec

        return ContainerSpec.create(
            image=self.image,
            command=self.command,
            environment=dict(self.environment),
            working_dir=self.working_dir,
            volumes=dict(self.volumes),
            backend=self.backend,
        )

    def environment_hash(self) -> str:
        """SHA-256 hex of the compact JSON of the sorted ``[name, value]`` pairs."""
        pairs = sorted([str(k), str(v)] for k, v in self.environment.items())
        return hashlib.sha256(json.dumps(pairs, separators=(",", ":")).encode()).hexdigest()

    def to_hashable_config(self) -> dict[str, Any]:
        """The 0.3 hashable description: digest, command, env hash, volumes, dir, backend.

        Example:
            >>> ContainerDefinition(image="img", command="a b").to_hashable_config()["command"]
            ('a', 'b')
        """
        from consist.containers.spec import parse_command

        return {
            "image_digest": self.image_digest,
            "command": parse_command(self.command),
            "environment_hash": self.environment_hash(),
            "volumes": sorted((str(k), str(v)) for k, v in self.volumes.items()),
            "working_dir": self.working_dir,
            "backend": self.backend,
            "extra_args": dict(self.extra_args),
        }
