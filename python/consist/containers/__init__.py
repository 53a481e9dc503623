"""Container steps: Docker and Apptainer/Singularity, cached by a portable signature.

Importing this package does not import the Docker SDK; backends load it when a step runs.
"""

from __future__ import annotations

from consist.containers.backends import Backend, ContainerOutcome, ResolvedImage, get_backend
from consist.containers.mounts import MountPolicy
from consist.containers.signature import ContainerIdentity, container_identity
from consist.containers.spec import ContainerSpec, Volume
from consist.containers.step import (
    ContainerRun,
    PreparedContainerStep,
    prepare_container_step,
    run_container_step,
)

__all__ = [
    "Backend",
    "ContainerIdentity",
    "ContainerOutcome",
    "ContainerRun",
    "ContainerSpec",
    "MountPolicy",
    "PreparedContainerStep",
    "ResolvedImage",
    "Volume",
    "container_identity",
    "get_backend",
    "prepare_container_step",
    "run_container_step",
]
