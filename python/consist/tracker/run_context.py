"""``RunContext``: what a step function may ask about the run executing it.

Injected with ``ExecutionOptions(inject_context=True)`` as ``_consist_ctx``
(or under the parameter name given instead of ``True``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from consist.models import Artifact, Run
    from consist.tracker.tracker import Tracker

__all__ = ["RunContext"]


class RunContext:
    """The executing run: its id, inputs, config and output locations.

    Example:
        >>> def step(raw, _consist_ctx):
        ...     out = _consist_ctx.output_path("cleaned")
        ...     ...
        ...     return {"cleaned": out}
    """

    def __init__(self, tracker: Tracker, *, inputs: dict[str, Artifact], config: dict[str, Any]):
        self.tracker = tracker
        self.inputs = dict(inputs)
        self.config = dict(config)

    @property
    def run(self) -> Run:
        """The run being executed."""
        return self.tracker._require_active("read the run context").run

    @property
    def run_id(self) -> str:
        return self.run.id

    def output_dir(self, namespace: str | None = None) -> Path:
        """The run's output directory (created)."""
        return self.tracker.output_dir(namespace)

    def output_path(self, key: str, ext: str = "parquet") -> Path:
        """``<output_dir>/<key>.<ext>``."""
        return self.tracker.output_path(key, ext)

    def log_meta(self, **kwargs: Any) -> None:
        """Merge values into the run's ``meta``."""
        self.tracker.log_meta(**kwargs)

    def log_output(self, path: Any, key: str | None = None, **kwargs: Any) -> Artifact:
        """Log an extra output of the run."""
        return self.tracker.log_output(path, key, **kwargs)
