"""The seam between ``Tracker.run`` and container execution.

``tracker.run(..., execution_options=ExecutionOptions(executor="container",
container={...}), output_paths={...})`` validates its arguments, builds a
:class:`ContainerStepRequest` and calls::

    consist.containers.execute_container_step(request) -> RunResult

The containers package owns everything container-specific (image digest,
mount-relative identity, running and cleaning up). It hands control back to
the tracker through ``request.run_step(code_identity, execute, meta=...)``,
which runs the normal cached lifecycle with ``code_identity`` in place of the
Python code identity: on a cache hit ``execute`` is never called; on a miss
it is called once, then every ``output_paths`` entry is logged as an output
(missing ones go through the output policy) and the run is completed, or
marked failed if ``execute`` raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist.errors import ConsistRuntimeError

if TYPE_CHECKING:
    from consist.models import RunResult
    from consist.tracker.tracker import Tracker

__all__ = ["ContainerStepRequest", "RunStep", "dispatch_container_step"]

# run_step(code_identity, execute, *, meta=None) -> RunResult. ``execute`` may
# return a mapping merged into ``run.meta`` (image digest, exit code, ...).
RunStep = Callable[..., "RunResult"]


@dataclass(frozen=True)
class ContainerStepRequest:
    """Everything a container backend needs for one ``tracker.run`` call.

    ``container`` is the mapping given as ``ExecutionOptions(container=...)``
    (unvalidated: the containers package validates its own keys). ``inputs``
    holds the local path of every named input; ``output_paths`` the absolute
    host destination of every declared output; ``output_missing`` the run's
    output policy for declared outputs the container did not write.
    """

    tracker: Tracker
    name: str
    run_id: str
    model: str
    container: Mapping[str, Any]
    inputs: Mapping[str, Path]
    output_paths: Mapping[str, Path]
    config: Mapping[str, Any]
    run_step: RunStep
    # OutputPolicyOptions.output_missing for declared outputs the container did not
    # write: "warn" (log "Expected output not found"), "error" (raise) or "ignore".
    output_missing: str = "warn"


def dispatch_container_step(request: ContainerStepRequest) -> RunResult:
    """Hand ``request`` to ``consist.containers.execute_container_step``.

    Example:
        >>> dispatch_container_step(request)  # doctest: +SKIP
    """
    try:
        from consist.containers import execute_container_step
    except ImportError as exc:
        raise ConsistRuntimeError(
            "Container execution is not available in this installation.",
            cause=f"consist.containers.execute_container_step could not be imported ({exc}).",
            fix="Install the containers extra: pip install 'consist[docker]'.",
        ) from exc
    return execute_container_step(request)
