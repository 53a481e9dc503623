"""``@consist.define_step(...)``: keep a step's run settings next to its function.

The decorator stores a ``StepDefinition`` on ``fn.__consist_step__``; the
function itself is unchanged. ``tracker.run(fn, ...)``, ``sc.run(fn, ...)``
and ``consist.run(fn=fn, ...)`` use the stored values as defaults, and the
arguments of the call win. A stored value may be a function of a
``StepContext`` (name, model, config, year, scenario, ...), resolved when the
step runs. Cache settings (``cache_mode``, ``cache_hydration``,
``cache_version``, ``validate_cached_outputs``) fill a ``CacheOptions``;
``input_binding``/``load_inputs`` fill an ``ExecutionOptions``.

``config_plan`` and ``hash_inputs`` were removed: passing them raises
``TypeError("unexpected keyword argument '<name>'")``.

Example:
    >>> @define_step(outputs=["cleaned"], cache_version=2)
    ... def clean(raw):
    ...     return {"cleaned": raw}
    >>> clean.__consist_step__.values["outputs"]
    ['cleaned']
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from consist.options import CacheOptions, ExecutionOptions
from consist.tracker.run_args import reject_unexpected_kwargs

__all__ = ["StepContext", "StepDefinition", "define_step"]

_REMOVED = frozenset({"config_plan", "hash_inputs"})
_CACHE_FIELDS = ("cache_mode", "cache_hydration", "cache_version", "validate_cached_outputs")
_EXECUTION_FIELDS = ("input_binding", "load_inputs")
_UNSET = object()


@dataclass(frozen=True, slots=True)
class StepContext:
    """What a callable definition value can look at when the step runs.

    Example:
        >>> StepContext(name="clean", model="clean", config={"year": 2030}).get("year")
        2030
    """

    name: str
    model: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    year: int | None = None
    iteration: int | None = None
    phase: str | None = None
    stage: str | None = None
    scenario_id: str | None = None
    coupler: Any = None
    tracker: Any = None
    fn: Any = None

    def get(self, key: str, default: Any = None) -> Any:
        """A run field (``year``...) if set, else the config value ``key``."""
        value = getattr(self, key, None) if key in _CONTEXT_FIELDS else None
        return value if value is not None else self.config.get(key, default)


_CONTEXT_FIELDS = frozenset(f.name for f in dataclasses.fields(StepContext))


@dataclass(frozen=True, slots=True)
class StepDefinition:
    """The values given to ``define_step`` (only those given), applied by ``apply``."""

    values: Mapping[str, Any]

    def apply(
        self,
        fn: Callable[..., Any],
        name: str | None,
        kwargs: Mapping[str, Any],
        *,
        tracker: Any = None,
        scenario: Any = None,
    ) -> tuple[str | None, dict[str, Any]]:
        """``(name, run kwargs)`` with this definition's values under the call's own.

        Example:
            >>> definition = StepDefinition({"outputs": ["a"], "description": "demo"})
            >>> definition.apply(print, None, {"description": "mine"})[1]
            {'description': 'mine', 'outputs': ['a']}
        """
        merged = dict(kwargs)
        values = dict(self.values)
        context = StepContext(
            name=name or getattr(fn, "__name__", "step"),
            model=merged.get("model") or _plain(values.get("model")),
            config=merged.get("config") or _plain(values.get("config")) or {},
            year=merged.get("year"),
            iteration=merged.get("iteration"),
            phase=merged.get("phase"),
            stage=merged.get("stage"),
            scenario_id=getattr(scenario, "run_id", None),
            coupler=getattr(scenario, "coupler", None),
            tracker=tracker,
            fn=fn,
        )
        template = values.pop("name_template", None)
        if name is None and template is not None:
            name = _format_name(_resolve(template, context), context, merged)
        cache = {k: values.pop(k) for k in _CACHE_FIELDS if k in values}
        execution = {k: values.pop(k) for k in _EXECUTION_FIELDS if k in values}
        for key, value in values.items():
            if key not in merged:
                merged[key] = _resolve(value, context)
        if cache:
            resolved = {k: _resolve(v, context) for k, v in cache.items()}
            merged["cache_options"] = merge_options(
                CacheOptions, resolved, merged.get("cache_options")
            )
        if execution:
            resolved = {k: _resolve(v, context) for k, v in execution.items()}
            current = merged.get("execution_options")
            merged["execution_options"] = merge_options(ExecutionOptions, resolved, current)
        return name, merged


def define_step(
    *,
    model: Any = _UNSET,
    name_template: Any = _UNSET,
    outputs: Any = _UNSET,
    schema_outputs: Any = _UNSET,
    output_paths: Any = _UNSET,
    output_sets: Any = _UNSET,
    inputs: Any = _UNSET,
    input_keys: Any = _UNSET,
    optional_input_keys: Any = _UNSET,
    config: Any = _UNSET,
    adapter: Any = _UNSET,
    identity_inputs: Any = _UNSET,
    facet: Any = _UNSET,
    facet_index: Any = _UNSET,
    cache_mode: Any = _UNSET,
    cache_hydration: Any = _UNSET,
    cache_version: Any = _UNSET,
    validate_cached_outputs: Any = _UNSET,
    input_binding: Any = _UNSET,
    load_inputs: Any = _UNSET,
    tags: Any = _UNSET,
    facet_from: Any = _UNSET,
    facet_schema_version: Any = _UNSET,
    description: Any = _UNSET,
    **extra: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: attach run defaults to a step function (see the module docstring).

    Example:
        >>> @define_step(model="beam", tags=["transport"])
        ... def simulate(plans):
        ...     ...
        >>> simulate.__consist_step__.values["tags"]
        ['transport']
    """
    removed = {k: v for k, v in extra.items() if k in _REMOVED}
    reject_unexpected_kwargs(removed, surface="define_step")
    given = {k: v for k, v in locals().items() if k not in ("extra", "removed") and v is not _UNSET}
    values = {**given, **extra}

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__consist_step__ = StepDefinition(values)  # type: ignore[attr-defined]
        return fn

    return decorate


def _resolve(value: Any, context: StepContext) -> Any:
    if inspect.isfunction(value) or inspect.ismethod(value):
        return value(context)
    return value


def _plain(value: Any) -> Any:
    return None if callable(value) else value


def _format_name(template: str, context: StepContext, call: Mapping[str, Any]) -> str:
    """``name_template`` filled from run fields, config and runtime kwargs."""
    execution = call.get("execution_options")
    runtime = dict(getattr(execution, "runtime_kwargs", None) or {})
    runtime.update(call.get("runtime_kwargs") or {})
    fields = {f: getattr(context, f) for f in ("name", "model", "year", "iteration")}
    fields.update(phase=context.phase, stage=context.stage, scenario=context.scenario_id)
    values = {**runtime, **dict(context.config), **{k: v for k, v in fields.items() if v}}
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        from consist.errors import ConfigError

        raise ConfigError(
            f"name_template {template!r} refers to {exc}, which this step does not set.",
            cause=f"Available fields: {', '.join(sorted(values))}.",
            fix="Pass the value (config, year=..., runtime_kwargs) or change the template.",
        ) from None


def merge_options(kind: type, defaults: Mapping[str, Any], given: Any) -> Any:
    """An option object: ``defaults`` overridden by the fields ``given`` sets explicitly."""
    if given is None:
        return kind(**defaults)
    if isinstance(given, Mapping):
        given = kind(**given)
    explicit = {
        f.name: getattr(given, f.name)
        for f in dataclasses.fields(given)
        if getattr(given, f.name) != f.default
    }
    return kind(**{**defaults, **explicit})
