"""One container step, without a tracker: check, pin, identify, run, verify outputs.

`prepare_container_step` does everything that can fail on bad input (paths, mounts,
image) BEFORE a container exists and returns the step's signature, so a caller can look
up the cache and skip the container entirely. `run_container_step` then runs it.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consist.containers.backends import Backend, ContainerOutcome, ResolvedImage, get_backend
from consist.containers.backends.base import debug_stream_enabled
from consist.containers.mounts import MountPolicy
from consist.containers.signature import ContainerIdentity, container_identity
from consist.containers.spec import ContainerSpec
from consist.errors import ConfigError, ContainerError, ContainerExecutionError

__all__ = [
    "OUTPUT_MISSING_POLICIES",
    "ContainerRun",
    "OutputGuard",
    "PreparedContainerStep",
    "prepare_container_step",
    "run_container_step",
]

logger = logging.getLogger("consist.containers")
OUTPUT_MISSING_POLICIES = ("warn", "error", "ignore")
RUN_ID_LABEL = "consist.run_id"


@dataclass(frozen=True)
class PreparedContainerStep:
    """A checked step with its pinned image and signature; nothing has run yet."""

    spec: ContainerSpec
    policy: MountPolicy
    backend: Backend
    image: ResolvedImage
    identity: ContainerIdentity
    outputs: dict[str, Path]
    input_paths: tuple[Path, ...] = ()

    @property
    def signature(self) -> str:
        return self.identity.signature


@dataclass(frozen=True)
class ContainerRun:
    """What a finished container step left behind."""

    outcome: ContainerOutcome
    produced: dict[str, Path]
    missing: dict[str, Path]


def prepare_container_step(
    spec: ContainerSpec,
    *,
    policy: MountPolicy,
    inputs: Iterable[str | Path] | Mapping[str, str | Path] = (),
    outputs: Mapping[str, str | Path] | None = None,
    input_digests: Mapping[str, str] | None = None,
    hash_inputs: bool = True,
    hashing: Mapping[str, Any] | None = None,
    backend: Backend | None = None,
) -> PreparedContainerStep:
    """Validate paths against the mounts, pin the image and compute the signature.

    ``outputs`` are absolute host paths keyed by output name; each must lie inside a
    writable volume, otherwise the container could never write it. Inputs are checked
    always, and hashed into the signature unless ``hash_inputs=False`` (the tracker hashes
    them itself); ``hashing`` passes ``algorithm``/``strategy``/``stat_cache`` on.

    Example:
        >>> spec = ContainerSpec.create(image="busybox", command="true")
        >>> step = prepare_container_step(spec, policy=MountPolicy.create())  # doctest: +SKIP
        >>> step.signature  # doctest: +SKIP
        'blake3:…'
    """
    for volume in spec.volumes:
        policy.check(volume.host)
    input_paths = _check_inputs(inputs, policy)
    output_paths = _check_outputs(outputs or {}, spec, policy)
    backend = backend or get_backend(spec.backend)
    image = backend.resolve_image(spec.image, pull_latest=spec.pull_latest)
    identity = container_identity(
        spec,
        image,
        policy,
        input_paths if hash_inputs else (),
        input_digests=input_digests,
        hashing=hashing,
    )
    values = input_paths.values() if isinstance(input_paths, dict) else input_paths
    return PreparedContainerStep(
        spec, policy, backend, image, identity, output_paths, input_paths=tuple(values)
    )


def run_container_step(
    step: PreparedContainerStep,
    *,
    run_id: str,
    output_missing: str = "warn",
    labels: Mapping[str, str] | None = None,
) -> ContainerRun:
    """Run the container (removed afterwards, whatever happens) and check its outputs.

    A non-zero exit raises `ContainerExecutionError` ("Container execution failed ...").
    A declared output the container did not write is logged as "Expected output not found:
    <path>"; ``output_missing="error"`` also raises. Outputs from before the run never count
    as written, and a failed run leaves the previous outputs in place (`OutputGuard`).
    """
    if output_missing not in OUTPUT_MISSING_POLICIES:
        raise ConfigError(
            f"output_missing must be one of {OUTPUT_MISSING_POLICIES}; got {output_missing!r}",
            fix="Use OutputPolicyOptions(output_missing='warn' | 'error' | 'ignore').",
        )
    on_log = _stream_to_log if debug_stream_enabled() else None
    # A mounted folder (or an input) declared as output cannot be moved aside.
    pinned = [v.host for v in step.spec.volumes] + list(step.input_paths)
    with OutputGuard(step.outputs, pinned=pinned):
        outcome = step.backend.run(
            step.spec,
            step.image,
            labels={**(labels or {}), RUN_ID_LABEL: run_id},
            on_log=on_log,
        )
        if not outcome.ok:
            raise _execution_failed(step, run_id, outcome)
        produced = {key: path for key, path in step.outputs.items() if path.exists()}
        missing = {key: path for key, path in step.outputs.items() if key not in produced}
        if output_missing != "ignore":
            for path in missing.values():
                logger.warning("Expected output not found: %s", path)
        if missing and output_missing == "error":
            listed = ", ".join(str(p) for p in missing.values())
            raise ContainerError(
                f"Expected output not found: {listed}",
                cause=f"The container for run {run_id} exited 0 but did not write these outputs.",
                fix="Make the command write each declared output under its mounted volume "
                "(check the container-side path), or fix output_paths.",
            )
    return ContainerRun(outcome, produced, missing)


class OutputGuard:
    """Move declared outputs that already exist aside while the container runs.

    On success the old copies are deleted, so a declared output that the container did not
    write is reported missing instead of passing off the previous run's file as new. On any
    failure (non-zero exit, missing output under the "error" policy, Ctrl-C) what the
    container wrote is removed and the old files are put back: no half-written outputs.
    """

    def __init__(self, outputs: Mapping[str, Path], *, pinned: Iterable[Path] = ()) -> None:
        self.outputs = dict(outputs)
        self.pinned = list(pinned)
        self.aside: dict[Path, Path] = {}

    def __enter__(self) -> OutputGuard:
        token = uuid.uuid4().hex[:8]
        try:
            for path in self.outputs.values():
                if any(p.is_relative_to(path) for p in self.pinned):
                    continue
                if path.exists() or path.is_symlink():
                    backup = path.with_name(f".{path.name}.consist-previous-{token}")
                    path.rename(backup)
                    self.aside[path] = backup
        except OSError as exc:
            self._restore()
            raise ContainerError(
                f"Cannot move the previous output aside: {exc.filename}",
                cause=str(exc),
                fix="Make the output directory writable, or remove the old output first.",
            ) from exc
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            for backup in self.aside.values():
                _remove_path(backup)
            return
        for path in self.outputs.values():
            if any(p.is_relative_to(path) for p in self.pinned):
                continue
            if path.exists() or path.is_symlink():
                logger.warning("Removing output of the failed container step: %s", path)
                _remove_path(path)
        self._restore()

    def _restore(self) -> None:
        for path, backup in self.aside.items():
            backup.rename(path)
        self.aside.clear()


def _check_inputs(
    inputs: Iterable[str | Path] | Mapping[str, str | Path], policy: MountPolicy
) -> list[Path] | dict[str, Path]:
    named = isinstance(inputs, Mapping)
    items = inputs.items() if isinstance(inputs, Mapping) else enumerate(inputs)
    checked: dict = {}
    for key, raw in items:
        path = Path(raw)
        if not path.is_absolute():
            raise ConfigError(
                f"Container input path must be absolute: {raw!s}",
                cause="Relative host paths depend on the current directory.",
                fix=f"Pass str(Path({str(raw)!r}).resolve()) instead.",
            )
        if not path.exists():
            raise ConfigError(
                f"Container input path does not exist: {raw!s}",
                cause="Inputs are hashed by content before the container starts.",
                fix="Create the input first, or fix the path (check Path(p).exists()).",
            )
        policy.check(path)
        checked[key] = path
    return checked if named else list(checked.values())


def _check_outputs(
    outputs: Mapping[str, str | Path], spec: ContainerSpec, policy: MountPolicy
) -> dict[str, Path]:
    checked = {}
    for key, raw in outputs.items():
        path = Path(os.path.normpath(raw))
        if not path.is_absolute():
            raise ConfigError(
                f"Container output path must be absolute: {raw!s}",
                fix=f"Pass str(Path({str(raw)!r}).resolve()) instead.",
            )
        policy.check(path)
        writable = [v for v in spec.volumes if not v.read_only and path.is_relative_to(v.host)]
        if not writable:
            raise ConfigError(
                f"Container output path is not inside a writable volume: {path}",
                cause="The container can only write host paths that are mounted read-write.",
                fix=f"Mount its directory, e.g. volumes={{'{path.parent}': '/outputs'}}, "
                "and write the file under /outputs in the container.",
            )
        checked[str(key)] = path
    return checked


def _execution_failed(
    step: PreparedContainerStep, run_id: str, outcome: ContainerOutcome
) -> ContainerExecutionError:
    tail = "\n".join(f"    {line}" for line in outcome.log_tail) or "    (no output)"
    return ContainerExecutionError(
        f"Container execution failed for run_id: {run_id}",
        exit_code=outcome.exit_code,
        log_tail=outcome.log_tail,
        cause=f"Container exited with code {outcome.exit_code} (image {step.image.name}, "
        f"command {list(step.spec.command)}). Last log lines:\n{tail}",
        fix="Run the image by hand with the same volumes to reproduce it; pass "
        "environment={'DEBUG': '1'} for verbose output, or set "
        "CONSIST_CONTAINER_DEBUG_STREAM=1 to stream the container log.",
    )


def _remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _stream_to_log(line: str) -> None:
    logger.info("[container] %s", line)
