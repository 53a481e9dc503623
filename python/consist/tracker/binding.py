"""Bind a step function's parameters from inputs, config and runtime kwargs.

Precedence (later wins): config values, then inputs, then runtime kwargs.
Only names that are parameters of ``fn`` are bound; a ``**kwargs`` function
also receives every input (config stays explicit, so adding a config key never
changes which arguments a function gets unless it asks for that name).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from consist.errors import ConsistTypeError, ConsistValueError

__all__ = ["bind_arguments", "bindable_names", "callable_name"]

_DEFAULT_CONTEXT_PARAM = "_consist_ctx"
_BINDABLE_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def callable_name(fn: Callable[..., Any]) -> str:
    """A readable name for ``fn`` (``__qualname__`` without ``<locals>``)."""
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return str(name)


def bindable_names(fn: Callable[..., Any], names: Iterable[str]) -> list[str]:
    """The subset of ``names`` that ``fn`` can receive (all of them with ``**kwargs``).

    Example:
        >>> bindable_names(lambda raw, k=1: None, ["raw", "other"])
        ['raw']
    """
    params = _signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return list(names)
    named = {n for n, p in params.items() if p.kind in _BINDABLE_KINDS}
    return [name for name in names if name in named]


def bind_arguments(
    fn: Callable[..., Any],
    *,
    step_name: str,
    inputs: Mapping[str, Any],
    config: Mapping[str, Any],
    runtime_kwargs: Mapping[str, Any],
    inject_context: bool | str | None = None,
    context: Any = None,
) -> dict[str, Any]:
    """Return the keyword arguments to call ``fn`` with.

    Example:
        >>> def step(raw, threshold=0.5):
        ...     return raw, threshold
        >>> bind_arguments(step, step_name="s", inputs={"raw": "a.csv"},
        ...                config={"threshold": 0.9, "other": 1}, runtime_kwargs={})
        {'threshold': 0.9, 'raw': 'a.csv'}
    """
    signature = _signature(fn)
    params = signature.parameters
    accepts_var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    named = {name for name, p in params.items() if p.kind in _BINDABLE_KINDS}

    kwargs: dict[str, Any] = {k: v for k, v in config.items() if k in named}
    kwargs.update({k: v for k, v in inputs.items() if accepts_var_kw or k in named})
    _check_runtime_required(fn, step_name, runtime_kwargs)
    kwargs.update(runtime_kwargs)

    if inject_context:
        param = _DEFAULT_CONTEXT_PARAM if inject_context is True else str(inject_context)
        if param not in named and not accepts_var_kw:
            raise ConsistTypeError(
                f"inject_context requested '{param}', but fn does not accept it.",
                cause=f"{step_name}() has no parameter named {param!r} and no **kwargs.",
                fix=f"Add a `{param}` parameter to the function, or drop inject_context.",
            )
        kwargs[param] = context

    try:
        signature.bind(**kwargs)
    except TypeError as exc:
        raise ConsistTypeError(
            f"Tracker.run could not bind arguments for '{step_name}': {exc}",
            cause="A required parameter has no matching input, config key or runtime kwarg.",
            fix=(
                "Name inputs/config keys after the function's parameters, or pass the value "
                "through ExecutionOptions(runtime_kwargs={...})."
            ),
        ) from None
    return kwargs


def _signature(fn: Callable[..., Any]) -> inspect.Signature:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        raise ConsistTypeError(
            f"Cannot inspect the parameters of {callable_name(fn)!r}.",
            cause=str(exc),
            fix="Pass a plain Python function (or functools.partial of one) as fn.",
        ) from None


def _check_runtime_required(
    fn: Callable[..., Any], step_name: str, runtime_kwargs: Mapping[str, Any]
) -> None:
    required = getattr(fn, "__consist_runtime_required__", ()) or ()
    missing = [name for name in required if name not in runtime_kwargs]
    if missing:
        raise ConsistValueError(
            f"Missing runtime_kwargs for '{step_name}': {', '.join(missing)}.",
            cause="The function is decorated with require_runtime_kwargs(...).",
            fix="Pass them with ExecutionOptions(runtime_kwargs={...}).",
        )
