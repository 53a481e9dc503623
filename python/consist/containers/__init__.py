"""Container steps: Docker and Apptainer/Singularity, cached by a portable signature.

Importing this package does not import the Docker SDK; backends load it when a step runs.
"""

from __future__ import annotations

from consist.containers.api import ContainerResult, run_container
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
from consist.containers.tracker_step import execute_container_step

__all__ = [
    "Backend",
    "ContainerIdentity",
    "ContainerOutcome",
    "ContainerResult",
    "ContainerRun",
    "ContainerSpec",
    "MountPolicy",
    "PreparedContainerStep",
    "ResolvedImage",
    "Volume",
    "container_identity",
    "execute_container_step",
    "get_backend",
    "prepare_container_step",
    "run_container",
    "run_container_step",
]
