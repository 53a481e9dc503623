"""``require_runtime_kwargs``: declare arguments a step needs at call time but never hashes.

Runtime kwargs (``ExecutionOptions(runtime_kwargs={...})``) reach the step
function without entering its cache signature: a database handle, a logger,
a worker pool. Decorating the function makes forgetting one an immediate,
named error instead of a ``TypeError`` deep inside the step.

Example:
    >>> @require_runtime_kwargs("pool")
    ... def simulate(persons, pool): ...
    >>> simulate.__consist_runtime_required__
    ('pool',)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from consist.errors import ConsistTypeError

__all__ = ["require_runtime_kwargs"]

F = TypeVar("F", bound=Callable[..., Any])


def require_runtime_kwargs(*names: str) -> Callable[[F], F]:
    """Decorator: running the step without these runtime kwargs raises ``ValueError``.

    The tracker checks before calling the function: ``Missing runtime_kwargs
    for '<step>': a, b.``. Stacking decorators accumulates the names.

    Example:
        >>> @require_runtime_kwargs("session", "log")
        ... def step(data, session, log): ...
        >>> step.__consist_runtime_required__
        ('session', 'log')
    """
    bad = [name for name in names if not isinstance(name, str) or not name.isidentifier()]
    if bad or not names:
        raise ConsistTypeError(
            "require_runtime_kwargs expects parameter names.",
            cause=f"Got {names!r}." if names else "No names were given.",
            fix="Pass the names as strings, e.g. @require_runtime_kwargs('pool').",
        )

    def mark(fn: F) -> F:
        existing = tuple(getattr(fn, "__consist_runtime_required__", ()) or ())
        fn.__consist_runtime_required__ = tuple(dict.fromkeys((*existing, *names)))  # type: ignore[attr-defined]
        return fn

    return mark
