"""How a scenario step's ``inputs=`` are understood.

A string names a Coupler key (an output of an earlier step, or a scenario
input) first, else an existing path; anything else is the guide's error
"Scenario input string did not resolve: ...". A ``Path`` must exist
("Scenario input path does not exist: ..."). Artifacts and run results are
used as they are. ``input_keys`` / ``optional_input_keys`` add Coupler
entries by key (the optional ones only when present).

Example:
    >>> from consist.workflow.coupler import Coupler
    >>> resolve_inputs({"raw": "/"}, Coupler())["raw"]
    PosixPath('/')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from consist.errors import ConfigError

__all__ = ["resolve_input_value", "resolve_inputs"]


def resolve_input_value(value: Any, coupler: Any) -> Any:
    """One input value: Coupler key, existing path, or the object itself.

    Example:
        >>> from consist.workflow.coupler import Coupler
        >>> resolve_input_value("nope", Coupler())
        Traceback (most recent call last):
        ...
        consist.errors.ConfigError: Problem: Scenario input string did not resolve: 'nope' (checked path: nope).
        ...
    """
    if isinstance(value, str):
        if value in coupler:
            return coupler.require(value)
        path = Path(value)
        if path.exists():
            return Path(os.path.abspath(path))
        raise ConfigError(
            f"Scenario input string did not resolve: {value!r} (checked path: {path}).",
            cause="The string is neither a Coupler key nor an existing path.",
            fix="Use a Coupler key produced earlier in the scenario, or provide a valid file "
            "path. For the recommended path, use consist.refs(...).",
        )
    if isinstance(value, os.PathLike):
        path = Path(os.path.abspath(value))
        if not path.exists():
            raise ConfigError(
                f"Scenario input path does not exist: {path}",
                cause="The provided scenario input path is missing or not accessible.",
                fix="Use an existing path, or pass a Coupler key from a prior step. For the "
                "recommended path, use consist.refs(...) between steps.",
            )
        return path
    return value


def resolve_inputs(
    inputs: Mapping[str, Any] | Iterable[Any] | None,
    coupler: Any,
    *,
    input_keys: Iterable[str] | str | None = None,
    optional_input_keys: Iterable[str] | str | None = None,
) -> Mapping[str, Any] | list[Any] | None:
    """All of a step's inputs, resolved; keeps the mapping or list shape it was given.

    Example:
        >>> from consist.workflow.coupler import Coupler
        >>> c = Coupler({"raw": "/"})
        >>> resolve_inputs(None, c, input_keys=["raw"])
        {'raw': PosixPath('/')}
    """
    required = [input_keys] if isinstance(input_keys, str) else list(input_keys or [])
    optional = (
        [optional_input_keys]
        if isinstance(optional_input_keys, str)
        else list(optional_input_keys or [])
    )
    extra = {key: coupler.require(key) for key in required}
    extra.update({key: coupler.get(key) for key in optional if key in coupler})
    if inputs is None:
        return extra or None
    if isinstance(inputs, Mapping):
        resolved = {str(k): resolve_input_value(v, coupler) for k, v in inputs.items()}
        return {**extra, **resolved}
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    items = [resolve_input_value(v, coupler) for v in inputs]
    if extra:
        return {**extra, **{_key_of(v): v for v in items}}
    return items


def _key_of(value: Any) -> str:
    key = getattr(value, "key", None)
    return str(key) if key else Path(value).stem
