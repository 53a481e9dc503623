"""The functional API: ``consist.run``, ``consist.start_run``, ``consist.log_*``.

Each function works on the current tracker (the one with an active run, else
the default set with ``use_tracker``/``set_current_tracker``) unless
``tracker=`` is given. ``consist.run`` is the recommended path and does not
warn; its policy settings go in option objects (passing ``cache_mode=...``
directly raises a ``TypeError`` that names the option object to use).

Example:
    >>> with consist.use_tracker(tracker):  # doctest: +SKIP
    ...     result = consist.run(fn=clean_data, inputs={"raw": Path("raw.parquet")},
    ...                          outputs=["cleaned"])
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist.context import (
    current_run,
    current_tracker,
    set_current_tracker,
    use_tracker,
)

if TYPE_CHECKING:
    from consist.models import Artifact, ConsistRecord, RunResult
    from consist.options import CacheOptions, ExecutionOptions, OutputPolicyOptions
    from consist.tracker.tracker import Tracker

__all__ = [
    "current_consist",
    "current_run",
    "current_tracker",
    "find_latest_run",
    "find_run",
    "find_runs",
    "log_artifact",
    "log_artifacts",
    "log_input",
    "log_meta",
    "log_output",
    "output_dir",
    "output_path",
    "run",
    "set_current_tracker",
    "start_run",
    "use_tracker",
]


def run(
    fn: Callable[..., Any] | None = None,
    name: str | None = None,
    *,
    tracker: Tracker | None = None,
    adapter: Any = None,
    identity_inputs: Any = None,
    cache_options: CacheOptions | None = None,
    output_policy: OutputPolicyOptions | None = None,
    execution_options: ExecutionOptions | None = None,
    **kwargs: Any,
) -> RunResult:
    """Run ``fn`` as a cached step on the current tracker; see ``Tracker.run``.

    Example:
        >>> result = consist.run(fn=clean_data, inputs={"raw": Path("raw.parquet")},
        ...                      outputs=["cleaned"], tracker=tracker)  # doctest: +SKIP
        >>> result.cache_hit  # doctest: +SKIP
        False
    """
    from consist.tracker.run_args import check_legacy_policy_kwargs

    check_legacy_policy_kwargs(kwargs)
    return (tracker or current_tracker()).run(
        fn,
        name,
        adapter=adapter,
        identity_inputs=identity_inputs,
        cache_options=cache_options,
        output_policy=output_policy,
        execution_options=execution_options,
        **kwargs,
    )


@contextmanager
def start_run(
    run_id: str, model: str, tracker: Tracker | None = None, **kwargs: Any
) -> Iterator[Tracker]:
    """Low-level run context on the current tracker (prefer ``tracker.start_run``).

    Example:
        >>> with consist.start_run("r1", model="demo", tracker=tracker):  # doctest: +SKIP
        ...     consist.log_meta(note="manual run")
    """
    warnings.warn(
        "consist.start_run(...) is deprecated; prefer tracker.start_run(...).",
        DeprecationWarning,
        stacklevel=3,
    )
    with (tracker or current_tracker()).start_run(run_id, model, **kwargs) as active:
        yield active


def log_artifact(
    path: Any, key: str | None = None, direction: str = "output", **kwargs: Any
) -> Artifact:
    """Log an artifact on the active run (``Tracker.log_artifact``).

    Example:
        >>> art = consist.log_artifact(Path("out.csv"), key="out")  # doctest: +SKIP
    """
    return _tracker(kwargs).log_artifact(path, key, direction, **kwargs)


def log_input(path: Any, key: str | None = None, **kwargs: Any) -> Artifact:
    """Log an input of the active run.

    Example:
        >>> consist.log_input(Path("raw.csv"), key="raw")  # doctest: +SKIP
    """
    return _tracker(kwargs).log_input(path, key, **kwargs)


def log_output(path: Any, key: str | None = None, **kwargs: Any) -> Artifact:
    """Log an output of the active run.

    Example:
        >>> consist.log_output(Path("result.parquet"), key="result")  # doctest: +SKIP
    """
    return _tracker(kwargs).log_output(path, key, **kwargs)


def log_artifacts(outputs: Mapping[str, Any], **kwargs: Any) -> dict[str, Artifact]:
    """Log several artifacts of the active run: ``{key: path}``.

    Example:
        >>> consist.log_artifacts({"a": Path("a.csv"), "b": Path("b.csv")})  # doctest: +SKIP
    """
    return _tracker(kwargs).log_artifacts(outputs, **kwargs)


def log_meta(**kwargs: Any) -> None:
    """Merge values into the active run's ``meta``.

    Example:
        >>> consist.log_meta(n_rows=1000)  # doctest: +SKIP
    """
    current_tracker().log_meta(**kwargs)


def output_dir(namespace: str | os.PathLike[str] | None = None) -> Path:
    """The active run's output directory (created).

    Example:
        >>> consist.output_dir("tables")  # doctest: +SKIP
    """
    return current_tracker().output_dir(namespace)


def output_path(key: str, ext: str = "parquet") -> Path:
    """``<output_dir>/<key>.<ext>`` for the active run.

    Example:
        >>> consist.output_path("cleaned")  # doctest: +SKIP
    """
    return current_tracker().output_path(key, ext)


def current_consist() -> ConsistRecord | None:
    """The active run as a ``ConsistRecord`` (run, inputs, outputs, config), or None.

    Example:
        >>> consist.current_consist()  # doctest: +SKIP
    """
    from consist.context import active_tracker

    tracker = active_tracker()
    return tracker.current_consist if tracker is not None else None


def find_runs(tracker: Tracker | None = None, **filters: Any) -> Any:
    """``Tracker.find_runs`` on the current tracker.

    Example:
        >>> consist.find_runs(model="clean", limit=10)  # doctest: +SKIP
    """
    return (tracker or current_tracker()).find_runs(**filters)


def find_run(tracker: Tracker | None = None, **filters: Any) -> Any:
    """``Tracker.find_run`` on the current tracker (exactly one match).

    Example:
        >>> consist.find_run(id="clean_1a2b3c4d")  # doctest: +SKIP
    """
    return (tracker or current_tracker()).find_run(**filters)


def find_latest_run(tracker: Tracker | None = None, **filters: Any) -> Any:
    """``Tracker.find_latest_run`` on the current tracker.

    Example:
        >>> consist.find_latest_run(model="clean")  # doctest: +SKIP
    """
    return (tracker or current_tracker()).find_latest_run(**filters)


def _tracker(kwargs: dict[str, Any]) -> Tracker:
    explicit = kwargs.pop("tracker", None)
    return explicit if explicit is not None else current_tracker()
