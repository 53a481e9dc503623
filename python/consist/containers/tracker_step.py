"""Container steps inside the tracker: ``tracker.run(..., executor="container")``.

The tracker validates the call and hands over a ``ContainerStepRequest``. Here the spec
is checked and the image pinned (nothing recorded yet, so bad input leaves no trace), then
the tracker's normal cached lifecycle runs with the container identity in place of the
Python code identity: a cache hit never touches Docker, a miss runs the container once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from consist.containers.mounts import MountPolicy
from consist.containers.spec import ContainerSpec
from consist.containers.step import (
    PreparedContainerStep,
    prepare_container_step,
    run_container_step,
)

if TYPE_CHECKING:
    from consist.models import RunResult
    from consist.tracker.container_hook import ContainerStepRequest
    from consist.tracker.tracker import Tracker

__all__ = ["container_meta", "execute_container_step", "mount_policy_for", "step_settings"]

logger = logging.getLogger("consist.containers")


# ``run_container(strict_mounts=..., output_log_kwargs=...)`` reach the step through
# ``tracker.run`` this way, without adding keys to the 0.3 container option mapping.
_SETTINGS: ContextVar[dict[str, Any]] = ContextVar("consist_container_step_settings")


@contextmanager
def step_settings(*, strict_mounts: bool, output_log_kwargs: Mapping[str, Any] | None) -> Iterator:
    """Apply run_container's extra settings to container steps started inside the block."""
    token = _SETTINGS.set(
        {"strict_mounts": strict_mounts, "output_log_kwargs": dict(output_log_kwargs or {})}
    )
    try:
        yield
    finally:
        _SETTINGS.reset(token)


def mount_policy_for(tracker: Tracker, *, strict: bool = True) -> MountPolicy:
    """The tracker's mounts plus its run directory as allowed roots.

    Example:
        >>> mount_policy_for(tracker).portable(Path("/mnt/data/a.csv"))  # doctest: +SKIP
        'inputs://a.csv'
    """
    return MountPolicy.create(tracker.mounts, run_dir=tracker.run_dir, strict=strict)


def container_meta(step: PreparedContainerStep) -> dict[str, Any]:
    """What a run records about its container: portable, and without environment values."""
    return {
        "image": step.image.name,
        "image_digest": step.image.digest,
        "image_pinned": step.image.pinned,
        "backend": step.spec.backend,
        "command": list(step.spec.command),
        "working_dir": step.spec.working_dir,
        "volumes": step.identity.config["volumes"],
        "environment_hash": step.identity.config["environment_hash"],
        "identity_hash": step.signature,
        "declared_outputs": {k: step.policy.portable(p) for k, p in step.outputs.items()},
    }


def execute_container_step(request: ContainerStepRequest) -> RunResult:
    """Run one container step through the tracker's cache (the ``container_hook`` seam).

    Example:
        >>> tracker.run(name="model", output_paths={"out": "/mnt/data/out/result.csv"},
        ...             execution_options=ExecutionOptions(executor="container",
        ...                 container={"image": "model:1", "command": ["run"],
        ...                            "volumes": {"/mnt/data/out": "/out"}}))  # doctest: +SKIP
    """
    settings = _SETTINGS.get({"strict_mounts": True, "output_log_kwargs": {}})
    tracker = request.tracker
    spec = ContainerSpec.from_options(request.container)
    step = prepare_container_step(
        spec,
        policy=mount_policy_for(tracker, strict=settings["strict_mounts"]),
        inputs=dict(request.inputs),
        outputs=request.output_paths,
        hash_inputs=False,  # the tracker hashes inputs by key (and links produced ones)
    )
    if spec.lineage_mode == "none":
        return _run_without_lineage(request, step)
    log_kwargs = settings["output_log_kwargs"]

    def execute() -> dict[str, Any]:
        done = run_container_step(
            step,
            run_id=request.run_id,
            output_missing=request.output_missing,
            labels={"consist.step": request.name},
        )
        return {
            key: tracker.log_output(path, key=key, **log_kwargs)
            for key, path in done.produced.items()
        }

    return request.run_step(step.signature, execute, meta={"container": container_meta(step)})


def _run_without_lineage(request: ContainerStepRequest, step: PreparedContainerStep) -> RunResult:
    """``lineage_mode="none"``: run the container, record nothing, look up no cache."""
    from consist.models import Run, RunResult

    run_container_step(
        step,
        run_id=request.run_id,
        output_missing=request.output_missing,
        labels={"consist.step": request.name},
    )
    run = Run(
        id=request.run_id,
        model_name=request.model,
        status="completed",
        signature=step.signature,
        meta={"container": container_meta(step), "lineage_mode": "none"},
    )
    return RunResult(run=run, outputs={}, cache_hit=False)
