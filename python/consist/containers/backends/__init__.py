"""Container backends: Docker (SDK) and Apptainer/Singularity (CLI), chosen per step."""

from __future__ import annotations

from consist.containers.backends.base import Backend, ContainerOutcome, ResolvedImage
from consist.containers.spec import BACKEND_NAMES
from consist.errors import ConfigError

__all__ = ["Backend", "ContainerOutcome", "ResolvedImage", "get_backend"]

# One instance per backend and process: the Docker client keeps its connection pool.
_instances: dict[str, Backend] = {}


def get_backend(name: str) -> Backend:
    """The backend for ``name`` ("docker", "apptainer" or "singularity").

    Example:
        >>> get_backend("docker").name
        'docker'
    """
    family = "apptainer" if name == "singularity" else name
    if family not in _instances:
        if family == "docker":
            from consist.containers.backends.docker import DockerBackend

            _instances[family] = DockerBackend()
        elif family == "apptainer":
            from consist.containers.backends.apptainer import ApptainerBackend

            _instances[family] = ApptainerBackend()
        else:
            raise ConfigError(
                f"Unknown backend type: {name}",
                cause="Container steps run on Docker or Apptainer/Singularity.",
                fix=f"Use backend one of: {', '.join(repr(b) for b in BACKEND_NAMES)}.",
            )
    return _instances[family]
