"""The identity of a container step, independent of the machine it runs on.

Covered: backend, image digest (never the tag), command, environment (as a digest, so
values such as tokens are never stored), working directory, volumes and inputs by
content. Host paths enter only in their mount-relative form (``inputs://zones``), so the
same step under a different mount root has the same signature.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consist.containers.backends.base import ResolvedImage
from consist.containers.mounts import MountPolicy
from consist.containers.spec import ContainerSpec
from consist.identity.canonical import hash_config
from consist.identity.hash_backend import digest_path

__all__ = ["IDENTITY_VERSION", "ContainerIdentity", "container_identity", "environment_digest"]

IDENTITY_VERSION = "consist.container/v1"


@dataclass(frozen=True)
class ContainerIdentity:
    """``config`` is safe to store (no host paths, no environment values); ``signature``
    is its digest together with the input digests."""

    config: dict[str, Any]
    inputs: dict[str, str]
    signature: str


def environment_digest(environment: Iterable[tuple[str, str]]) -> str | None:
    """Digest of the sorted environment pairs, or None when there is no environment.

    Example:
        >>> environment_digest([]) is None
        True
    """
    pairs = sorted(environment)
    return hash_config(pairs) if pairs else None


def container_identity(
    spec: ContainerSpec,
    image: ResolvedImage,
    policy: MountPolicy,
    inputs: Iterable[Path] | Mapping[str, Path] = (),
    *,
    input_digests: Mapping[str, str] | None = None,
    hashing: Mapping[str, Any] | None = None,
) -> ContainerIdentity:
    """Compute the portable identity of ``spec`` with ``image`` and ``inputs``.

    ``inputs`` are host paths, hashed by content and keyed by their portable name; a
    mapping gives them explicit keys instead. ``input_digests`` adds digests the caller
    already knows (for example artifacts produced by earlier runs). ``hashing`` passes
    ``algorithm``/``strategy``/``stat_cache`` on to the hashing layer.

    Example:
        >>> spec = ContainerSpec.create(image="img", command="true")
        >>> image = ResolvedImage("img:1", "sha256:abc", "sha256:abc")
        >>> ident = container_identity(spec, image, MountPolicy.create())
        >>> ident.config["image_digest"], ident.signature == container_identity(
        ...     spec, image, MountPolicy.create()).signature
        ('sha256:abc', True)
    """
    config = {
        "format": IDENTITY_VERSION,
        "backend": _backend_family(spec.backend),
        "image_digest": image.digest,
        "command": list(spec.command),
        "environment_hash": environment_digest(spec.environment),
        "working_dir": spec.working_dir,
        "volumes": [
            [policy.portable(v.host), v.container, v.mode]
            for v in sorted(spec.volumes, key=lambda v: v.container)
        ],
    }
    hashing = dict(hashing or {})
    digests = dict(input_digests or {})
    items = inputs.items() if isinstance(inputs, Mapping) else ((None, p) for p in inputs)
    for key, path in items:
        path = Path(path)
        digests[key if key is not None else policy.portable(path)] = digest_path(path, **hashing)
    signature = hash_config({"config": config, "inputs": digests})
    return ContainerIdentity(config=config, inputs=digests, signature=signature)


def _backend_family(backend: str) -> str:
    # Singularity and Apptainer run the same images the same way.
    return "apptainer" if backend == "singularity" else backend
