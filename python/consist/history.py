"""Functional history helpers: recorded runs and artifacts, and the open run's cache hit.

Each function works on the current tracker (the one with an active run, else
the default set with ``consist.use_tracker``) unless ``tracker=`` is given,
like the rest of the functional API.

Example:
    >>> with consist.use_tracker(tracker):  # doctest: +SKIP
    ...     result = consist.get_run_result("clean_1a2b3c4d", keys=["cleaned"])
    ...     trips = consist.get_artifact("clean_1a2b3c4d", key_contains="trip")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from consist.errors import ArtifactFileMissingError, ConfigError

if TYPE_CHECKING:
    from consist.models import Artifact, RunResult

__all__ = ["cached_artifacts", "cached_output", "get_artifact", "get_run_result"]

VALIDATE_MODES = ("lazy", "strict", "none")
DIRECTIONS = ("output", "input")


def _tracker(tracker: Any) -> Any:
    from consist.context import current_tracker

    return tracker if tracker is not None else current_tracker()


def cached_output(key: str | None = None, *, tracker: Any = None) -> Artifact | None:
    """The cached output ``key`` of the open run when it is a cache hit, else None.

    With ``key=None`` the only cached output (None when there are several).

    Example:
        >>> with tracker.trace("summarize", config=cfg):  # doctest: +SKIP
        ...     if (hit := consist.cached_output("summary")) is None:
        ...         consist.log_output(write_summary(), key="summary")
    """
    return _tracker(tracker).cached_output(key)


def cached_artifacts(direction: str = "output", *, tracker: Any = None) -> dict[str, Artifact]:
    """Outputs (or inputs) of the open cache hit, ``{key: Artifact}``; empty on a miss.

    Example:
        >>> consist.cached_artifacts()  # doctest: +SKIP
        {'summary': Artifact(key='summary', ...)}
    """
    _check(direction, DIRECTIONS, "direction")
    return _tracker(tracker).cached_artifacts(direction)


def get_run_result(
    run_id: str,
    *,
    keys: Iterable[str] | None = None,
    validate: str = "lazy",
    tracker: Any = None,
) -> RunResult:
    """A recorded run and its outputs as a ``RunResult`` (as if the step had just run).

    ``validate``: ``"lazy"`` (default) checks that every requested key was
    recorded (``KeyError`` naming the available keys); ``"strict"`` also
    checks that each output's file is on disk; ``"none"`` checks nothing and
    leaves unknown keys out.

    Example:
        >>> prep = consist.get_run_result("prep_1a2b3c4d", keys=["persons"])  # doctest: +SKIP
        >>> tracker.run(fn=simulate, inputs=consist.refs(prep))  # doctest: +SKIP
    """
    _check(validate, VALIDATE_MODES, "validate")
    wanted = None if keys is None else [keys] if isinstance(keys, str) else list(keys)
    result = _tracker(tracker).get_run_result(run_id)
    if wanted is not None:
        missing = [key for key in wanted if key not in result.outputs]
        if missing and validate != "none":
            available = ", ".join(sorted(result.outputs)) or "(none)"
            raise KeyError(
                f"Run {run_id!r} has no output {', '.join(map(repr, missing))}. "
                f"Available keys: {available}"
            )
        result.outputs = {k: result.outputs[k] for k in wanted if k in result.outputs}
    if validate == "strict":
        for key, artifact in result.outputs.items():
            if not artifact.path.exists():
                raise ArtifactFileMissingError(
                    f"Output {key!r} of run {run_id!r} is missing on disk: {artifact.path}",
                    cause="get_run_result(validate='strict') requires every output file.",
                    fix="Restore the bytes with consist.materialize_run_outputs(run_id, "
                    "target_root=...), or use validate='lazy'.",
                )
    return result


def get_artifact(
    run_id: str,
    key: str | None = None,
    key_contains: str | None = None,
    direction: str = "output",
    *,
    tracker: Any = None,
) -> Artifact | None:
    """One artifact of a recorded run: by exact ``key``, by substring, or the only one.

    Returns None when nothing matches. Without ``key``/``key_contains`` the
    run must have exactly one artifact in ``direction`` (``ValueError``
    naming the keys otherwise); a substring matching several keys is an error too.

    Example:
        >>> consist.get_artifact("prep_1a2b3c4d", key="persons")  # doctest: +SKIP
        >>> consist.get_artifact("prep_1a2b3c4d", key_contains="skim", direction="input")  # doctest: +SKIP
    """
    _check(direction, DIRECTIONS, "direction")
    found = _tracker(tracker).get_artifacts_for_run(run_id)
    artifacts = found.outputs if direction == "output" else found.inputs
    if key is not None:
        return artifacts.get(key)
    if key_contains is not None:
        matches = sorted(k for k in artifacts if key_contains in k)
    else:
        matches = sorted(artifacts)
    if not matches:
        return None
    if len(matches) > 1:
        raise ConfigError(
            f"Run {run_id!r} has several {direction}s matching: {', '.join(matches)}.",
            cause="get_artifact returns one artifact.",
            fix="Pass key='<exact key>' (or a more specific key_contains).",
        )
    return artifacts[matches[0]]


def _check(value: str, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise ConfigError(
            f"{name} must be one of: {', '.join(map(repr, allowed))}",
            cause=f"Received {name}={value!r}.",
            fix=f"Use {name}={allowed[0]!r}.",
        )
