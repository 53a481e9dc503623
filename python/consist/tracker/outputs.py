"""Turn what a step function returned into ``{output key: value}``.

Accepted returns: a mapping ``{key: path | Artifact | frame}``, a list/tuple in
the order of ``outputs=[...]``, a single value when exactly one output is
declared, or ``None`` when the function wrote the files named in
``output_paths``. Declared outputs that are missing, or returns that do not
line up with the declaration, go through the output policy: ``"warn"`` (log),
``"error"`` (raise) or ``"ignore"``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from consist.errors import ConsistRuntimeError, ConsistTypeError

__all__ = ["apply_policy", "collect_outputs"]

logger = logging.getLogger("consist")


def apply_policy(policy: str | None, problem: str, *, cause: str, fix: str) -> None:
    """Act on an output problem according to ``policy`` (warn/error/ignore)."""
    mode = policy or "warn"
    if mode == "error":
        raise ConsistRuntimeError(problem, cause=cause, fix=fix)
    if mode == "warn":
        logger.warning("[consist] %s", problem)


def collect_outputs(
    result: Any,
    *,
    label: str,
    declared: Sequence[str],
    output_paths: Mapping[str, Path],
    output_mismatch: str | None,
    output_missing: str | None,
) -> dict[str, Any]:
    """Map a step's return value to output keys.

    Example:
        >>> collect_outputs({"a": "a.csv"}, label="s", declared=["a"], output_paths={},
        ...                 output_mismatch=None, output_missing=None)
        {'a': 'a.csv'}
    """
    outputs: dict[str, Any] = {}
    if result is None:
        pass
    elif isinstance(result, Mapping):
        outputs.update({str(k): v for k, v in result.items()})
    elif isinstance(result, list | tuple):
        if len(result) == len(declared):
            outputs.update(zip(declared, result, strict=True))
        else:
            apply_policy(
                output_mismatch,
                "Output list length does not match declared outputs.",
                cause=f"{label} returned {len(result)} values for outputs {list(declared)}.",
                fix="Return one value per declared output, in order, or return a dict.",
            )
    elif _is_single_output(result):
        if len(declared) == 1:
            outputs[declared[0]] = result
        else:
            apply_policy(
                output_mismatch,
                "Single return value does not match declared outputs.",
                cause=f"{label} returned one value but declares outputs {list(declared)}.",
                fix="Declare exactly one output, or return a dict {key: path}.",
            )
    else:
        raise ConsistTypeError(
            f"Run returned unsupported type {type(result)}",
            cause="Step functions return None, a path, an Artifact, a data frame, "
            "or a dict/list of those.",
            fix="Return {'key': path} for each output the step wrote.",
        )

    # Files the function wrote to declared destinations without returning them.
    for key, path in output_paths.items():
        if key not in outputs and path.exists():
            outputs[key] = path

    missing = [key for key in [*declared, *output_paths] if key not in outputs]
    if missing:
        apply_policy(
            output_missing,
            f"{label} missing outputs: {sorted(set(missing))}",
            cause="The step finished without returning or writing these declared outputs.",
            fix="Write every declared output (or drop it from outputs=/output_paths=).",
        )
    return outputs


def _is_single_output(value: Any) -> bool:
    if isinstance(value, str | os.PathLike):
        return True
    # Artifacts and data frames (pandas, polars, pyarrow) are single outputs too.
    kind = type(value)
    return kind.__name__ in {"Artifact", "DataFrame", "LazyFrame", "Table"} or hasattr(
        value, "container_uri"
    )
