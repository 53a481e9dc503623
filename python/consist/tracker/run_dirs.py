"""Where a run's outputs go: ``<run_dir>/outputs/<subdir>``.

The default subdir is ``<model>/<run_id>``, or ``<parent>/<model>/iteration_<n>``
for iterations of a parent run; ``Tracker(run_subdir_fn=...)`` overrides it.
An explicit ``artifact_dir`` (relative: under ``outputs``) must stay inside
the run directory or a configured mount unless external paths are allowed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from consist.errors import ConfigError

if TYPE_CHECKING:
    from consist.models import Run
    from consist.tracker.tracker import Tracker

__all__ = ["artifact_dir_for", "default_subdir"]

OUTPUTS_DIRNAME = "outputs"


def default_subdir(run: Run) -> Path:
    """``<model>/<run_id>``, or ``<parent>/<model>/iteration_<n>`` for iterations.

    Example:
        >>> from consist.models import Run
        >>> default_subdir(Run(id="r1", model_name="beam")).as_posix()
        'beam/r1'
    """
    if run.parent_run_id and run.iteration is not None:
        return Path(run.parent_run_id) / run.model_name / f"iteration_{run.iteration}"
    return Path(run.model_name) / run.id


def artifact_dir_for(tracker: Tracker, run: Run, override: str | os.PathLike[str] | None) -> Path:
    """The absolute output directory of ``run`` (checked, not created)."""
    outputs_root = tracker.run_dir / OUTPUTS_DIRNAME
    if override is not None:
        text = os.fspath(override)
        if "://" in text or text.startswith("./"):
            candidate = tracker.fs.resolve(text)
        else:
            candidate = Path(text) if Path(text).is_absolute() else outputs_root / text
    else:
        subdir = tracker._run_subdir_fn(run) if tracker._run_subdir_fn else default_subdir(run)
        if Path(subdir).is_absolute():
            raise ConfigError(
                "run_subdir must be a relative path; got an absolute path.",
                cause=f"run_subdir_fn returned {subdir}.",
                fix="Return a path relative to <run_dir>/outputs.",
            )
        candidate = outputs_root / subdir
    candidate = Path(os.path.normpath(candidate))
    allowed = run.meta.get("allow_external_paths", tracker.allow_external_paths)
    roots = [tracker.run_dir, *tracker.fs.mounts.values()]
    inside = any(candidate == root or root in candidate.parents for root in roots)
    if not inside and not allowed:
        raise ConfigError(
            f"artifact_dir must remain within {tracker.run_dir}; got {candidate}. Set "
            "allow_external_paths=True or CONSIST_ALLOW_EXTERNAL_PATHS=1 to override.",
            cause="Outputs outside the run directory are not portable with the run.",
            fix="Use a relative artifact_dir, or allow external paths explicitly.",
        )
    return candidate
