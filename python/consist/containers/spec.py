"""What a container step is: image, command, environment, working directory, volumes.

`ContainerSpec` is validated when it is built, so every bad value is refused before an
image is resolved or a container is created. Host paths are checked here for shape
(absolute, existing); whether they sit under the configured mounts is `MountPolicy`'s job.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from consist.errors import ConfigError

__all__ = [
    "BACKEND_NAMES",
    "CONTAINER_OPTION_KEYS",
    "LINEAGE_MODES",
    "ContainerSpec",
    "Volume",
    "parse_command",
]

# "singularity" and "apptainer" are the same tool under two names.
BACKEND_NAMES = ("docker", "apptainer", "singularity")
LINEAGE_MODES = ("full", "none")
CONTAINER_OPTION_KEYS = frozenset(
    {
        "image",
        "command",
        "backend",
        "backend_type",
        "environment",
        "working_dir",
        "volumes",
        "pull_latest",
        "lineage_mode",
    }
)
MAX_COMMAND_CHARS = 10_000


@dataclass(frozen=True)
class Volume:
    """One bind mount: an absolute, existing host path seen at ``container`` inside."""

    host: Path
    container: str
    read_only: bool = False

    @property
    def mode(self) -> str:
        return "ro" if self.read_only else "rw"


@dataclass(frozen=True)
class ContainerSpec:
    """A validated container step. Build it with `ContainerSpec.create` or `from_options`.

    Example:
        >>> spec = ContainerSpec.create(image="busybox:latest", command="echo hi")
        >>> spec.command, spec.backend
        (('echo', 'hi'), 'docker')
    """

    image: str
    command: tuple[str, ...]
    environment: tuple[tuple[str, str], ...] = ()
    working_dir: str | None = None
    volumes: tuple[Volume, ...] = ()
    backend: str = "docker"
    pull_latest: bool = False
    lineage_mode: str = "full"

    @classmethod
    def create(
        cls,
        *,
        image: str,
        command: str | Sequence[str],
        environment: Mapping[str, Any] | None = None,
        working_dir: str | None = None,
        volumes: Mapping[str | Path, Any] | None = None,
        backend: str = "docker",
        pull_latest: bool = False,
        lineage_mode: str = "full",
    ) -> ContainerSpec:
        """Validate every field and return the spec; raise `ConfigError` on the first bad one.

        Example:
            >>> ContainerSpec.create(image="img", command=["sh", "-c", "true"], backend="podman")
            Traceback (most recent call last):
            ...
            consist.errors.ConfigError: Problem: Unknown backend type: podman
            ...
        """
        if not isinstance(image, str) or not image.strip():
            raise ConfigError(
                "container spec must include image and command.",
                cause=f"image must be a non-empty string; got {image!r}.",
                fix="Pass image='my-image:tag' (a Docker image or an Apptainer .sif path).",
            )
        return cls(
            image=image.strip(),
            command=parse_command(command),
            environment=_parse_environment(environment),
            working_dir=_parse_working_dir(working_dir),
            volumes=_parse_volumes(volumes),
            backend=_parse_backend(backend),
            pull_latest=_parse_bool("pull_latest", pull_latest),
            lineage_mode=_parse_lineage_mode(lineage_mode),
        )

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> ContainerSpec:
        """Build a spec from ``ExecutionOptions.container`` (Consist 0.3 keys).

        Example:
            >>> ContainerSpec.from_options({"image": "img", "command": "true", "backend_type": "docker"}).backend
            'docker'
        """
        if not isinstance(options, Mapping):
            raise ConfigError(
                "executor='container' requires a container spec.",
                cause=f"container must be a mapping; got {type(options).__name__}.",
                fix="Pass ExecutionOptions(executor='container', container={'image': ..., 'command': ...}).",
            )
        unknown = sorted(str(k) for k in options if k not in CONTAINER_OPTION_KEYS)
        if unknown:
            raise ConfigError(
                f"Unknown container options were provided: {unknown}",
                cause="These keys are not container options.",
                fix=f"Use only: {', '.join(sorted(CONTAINER_OPTION_KEYS))}.",
            )
        if "image" not in options or "command" not in options:
            raise ConfigError(
                "container spec must include image and command.",
                cause=f"Got keys: {sorted(options)}.",
                fix="Add image='my-image:tag' and command=[...] to the container mapping.",
            )
        if "backend" in options and "backend_type" in options:
            if options["backend"] != options["backend_type"]:
                raise ConfigError(
                    "container spec sets both backend and backend_type to different values.",
                    cause=f"backend={options['backend']!r}, backend_type={options['backend_type']!r}.",
                    fix="Set only one of them.",
                )
        backend = options.get("backend", options.get("backend_type")) or "docker"
        return cls.create(
            image=options["image"],
            command=options["command"],
            environment=options.get("environment"),
            working_dir=options.get("working_dir"),
            volumes=options.get("volumes"),
            backend=backend,
            pull_latest=options.get("pull_latest") or False,
            lineage_mode=options.get("lineage_mode") or "full",
        )

    def environment_dict(self) -> dict[str, str]:
        """The environment as a plain dict (values included; never persist it)."""
        return dict(self.environment)


def parse_command(command: str | Sequence[str]) -> tuple[str, ...]:
    """Turn a command string (shell-split) or list into a validated argv tuple.

    Example:
        >>> parse_command("sh -c 'echo a b'")
        ('sh', '-c', 'echo a b')
    """
    if isinstance(command, str):
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise ConfigError(
                f"Container command cannot be parsed: {command!r}",
                cause=str(exc),
                fix="Fix the quoting, or pass the command as a list of strings.",
            ) from exc
    elif isinstance(command, Sequence) and not isinstance(command, bytes):
        argv = list(command)
    else:
        raise ConfigError(
            "container spec must include image and command.",
            cause=f"command must be a string or a list of strings; got {type(command).__name__}.",
            fix="Pass command=['python', 'script.py'] or command='python script.py'.",
        )
    bad = [a for a in argv if not isinstance(a, str) or not a or "\x00" in a]
    if not argv or bad:
        raise ConfigError(
            f"Invalid container command: {command!r}",
            cause="The command is empty or has empty, non-string or NUL-containing arguments.",
            fix="Pass a non-empty list of non-empty strings, e.g. ['sh', '-c', 'echo hi'].",
        )
    if sum(len(a) for a in argv) > MAX_COMMAND_CHARS:
        raise ConfigError(
            f"Container command is longer than {MAX_COMMAND_CHARS} characters.",
            cause="Very long argument lists are usually data passed on the command line.",
            fix="Write the data to an input file, mount it, and pass its path instead.",
        )
    return tuple(argv)


def _parse_environment(environment: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    if environment is None:
        return ()
    if not isinstance(environment, Mapping):
        raise ConfigError(
            "Container environment must be a mapping of names to values.",
            cause=f"Got {type(environment).__name__}.",
            fix="Pass environment={'DEBUG': '1'}.",
        )
    pairs = []
    for key, value in environment.items():
        if not isinstance(key, str) or not key or "=" in key or "\x00" in key:
            raise ConfigError(
                f"Invalid container environment variable name: {key!r}",
                cause="Names must be non-empty strings without '=' or NUL.",
                fix="Use names like 'DEBUG' or 'OMP_NUM_THREADS'.",
            )
        # Numbers and booleans are common in configs; anything else is a mistake.
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str) or "\x00" in value:
            raise ConfigError(
                f"Invalid value for container environment variable {key}",
                cause=f"Values must be strings or numbers; got {type(value).__name__}.",
                fix=f"Pass environment={{{key!r}: '...'}} with a string value.",
            )
        pairs.append((key, value))
    return tuple(sorted(pairs))


def _parse_working_dir(working_dir: str | None) -> str | None:
    if working_dir is None:
        return None
    if not isinstance(working_dir, str) or not PurePosixPath(working_dir).is_absolute():
        raise ConfigError(
            f"Container working_dir must be an absolute path inside the container: {working_dir!r}",
            cause="A relative working directory depends on the image's defaults.",
            fix="Pass working_dir='/work' (a POSIX path inside the container).",
        )
    return str(PurePosixPath(working_dir))


def _parse_volumes(volumes: Mapping[str | Path, Any] | None) -> tuple[Volume, ...]:
    if volumes is None:
        return ()
    if not isinstance(volumes, Mapping):
        raise ConfigError(
            "Container volumes must be a mapping of host paths to container paths.",
            cause=f"Got {type(volumes).__name__}.",
            fix="Pass volumes={'/abs/host/data': '/inputs'}.",
        )
    parsed: list[Volume] = []
    seen: set[str] = set()
    for host, target in volumes.items():
        volume = _parse_volume(host, target)
        if volume.container in seen:
            raise ConfigError(
                f"Container path {volume.container} is mounted twice.",
                cause="Two volumes map to the same path inside the container.",
                fix="Give each volume its own container path.",
            )
        seen.add(volume.container)
        parsed.append(volume)
    return tuple(sorted(parsed, key=lambda v: v.container))


def _parse_volume(host: str | Path, target: Any) -> Volume:
    read_only = False
    if isinstance(target, Mapping):  # docker-py style {"bind": "/x", "mode": "ro"}
        read_only = target.get("mode", "rw") == "ro"
        target = target.get("bind")
    if not isinstance(target, str) or not PurePosixPath(target).is_absolute():
        raise ConfigError(
            f"Container mount point must be an absolute path: {target!r}",
            cause=f"Volume {host!s} maps to a relative or missing container path.",
            fix="Map each host path to an absolute container path, e.g. '/inputs'.",
        )
    host_path = Path(host)
    if not host_path.is_absolute():
        raise ConfigError(
            f"Container volume host path must be absolute: {host!s}",
            cause="Relative host paths depend on the current directory and break caching.",
            fix=f"Use absolute paths: volumes={{str(Path({str(host)!r}).resolve()): {target!r}}}.",
        )
    host_path = Path(os.path.normpath(host_path))
    if not host_path.exists():
        raise ConfigError(
            f"Container volume host path does not exist: {host!s}",
            cause="Docker would create an empty root-owned directory, so the container "
            "would see no data.",
            fix="Create the directory (or fix the path) before the run; check with "
            "Path(host_path).exists().",
        )
    return Volume(host_path, str(PurePosixPath(target)), read_only)


def _parse_backend(backend: Any) -> str:
    if backend not in BACKEND_NAMES:
        raise ConfigError(
            f"Unknown backend type: {backend}",
            cause="Container steps run on Docker or Apptainer/Singularity.",
            fix=f"Use backend one of: {', '.join(repr(b) for b in BACKEND_NAMES)}.",
        )
    return backend


def _parse_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(
            f"{name} must be True or False; got {value!r}",
            fix=f"Pass {name}=True or {name}=False.",
        )
    return value


def _parse_lineage_mode(mode: Any) -> str:
    if mode not in LINEAGE_MODES:
        raise ConfigError(
            f"lineage_mode must be 'full' or 'none'; got {mode!r}",
            fix="Use lineage_mode='full' (record a run) or 'none' (just run the container).",
        )
    return mode
