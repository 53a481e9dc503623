"""``tracker.run``: a function-shaped, cached step.

Order of work, so that a rejected call records nothing:

1. validate every argument (the guide's messages, ``run_args.py``) and check
   that the function's parameters can be bound;
2. ``begin``: log inputs, compute the signature, look up the cache;
3. hit: hydrate if asked, record the hit (one snapshot, one transaction) and
   return the cached outputs without calling ``fn``;
4. miss: record the run as "running", bind inputs (``paths``/``loaded``/
   ``none``), config keys and runtime kwargs to parameters, call ``fn``,
   log what it returned or wrote, and record the run as completed. If ``fn``
   raises, the run is recorded as failed (``meta["error"]``) and the
   exception propagates.

Container steps (``ExecutionOptions(executor="container")``) are handed to
``consist.containers.execute_container_step(request)``; the request and its
``run_step`` callback are documented in ``container_hook.py``.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from consist.errors import ConfigError, ConsistTypeError, ConsistValueError
from consist.models import Artifact, Run, RunResult
from consist.options import CacheOptions, ExecutionOptions, OutputPolicyOptions
from consist.tracker import lifecycle
from consist.tracker.artifact_keys import validate_key
from consist.tracker.binding import bind_arguments, bindable_names, callable_name
from consist.tracker.cache import CachePolicy
from consist.tracker.hydration import hydrate_cached_outputs, restore_missing_inputs
from consist.tracker.outputs import collect_outputs
from consist.tracker.run_args import (
    check_run_arguments,
    reject_unexpected_kwargs,
    resolve_input_binding,
)
from consist.tracker.step_io import (
    adapter_identity,
    capture_files,
    changed_files,
    config_dict,
    facet_with_config,
    load_input_value,
    log_returned_output,
    under_dir,
    with_dependencies,
)

if TYPE_CHECKING:
    from consist.tracker.state import ActiveRun
    from consist.tracker.tracker import Tracker

__all__ = ["run_step"]

logger = logging.getLogger("consist")


def run_step(
    tracker: Tracker,
    fn: Callable[..., Any] | None = None,
    name: str | None = None,
    *,
    run_id: str | None = None,
    model: str | None = None,
    description: str | None = None,
    config: Any = None,
    adapter: Any = None,
    inputs: Mapping[str, Any] | Iterable[Any] | None = None,
    input_keys: Any = None,
    optional_input_keys: Any = None,
    depends_on: Iterable[Any] | None = None,
    tags: Iterable[str] | None = None,
    facet: Mapping[str, Any] | None = None,
    facet_from: Iterable[str] | None = None,
    identity_inputs: Any = None,
    year: int | None = None,
    iteration: int | None = None,
    phase: str | None = None,
    stage: str | None = None,
    parent_run_id: str | None = None,
    outputs: Iterable[str] | None = None,
    output_paths: Mapping[str, str | os.PathLike[str]] | None = None,
    capture_dir: str | os.PathLike[str] | None = None,
    capture_pattern: str = "*",
    cache_options: CacheOptions | None = None,
    output_policy: OutputPolicyOptions | None = None,
    execution_options: ExecutionOptions | None = None,
    runtime_kwargs: Mapping[str, Any] | None = None,
    **unexpected: Any,
) -> RunResult:
    """Run ``fn`` as a cached step and return a ``RunResult``.

    Example:
        >>> result = tracker.run(fn=clean_data, inputs={"raw": Path("raw.parquet")},
        ...                      config={"threshold": 0.5}, outputs=["cleaned"],
        ...                      execution_options=ExecutionOptions(input_binding="paths"))
        ... # doctest: +SKIP
        >>> result.cache_hit, result.outputs["cleaned"].path  # doctest: +SKIP
    """
    reject_unexpected_kwargs(unexpected)
    cache = _option(cache_options, CacheOptions, "cache_options")
    policy_opts = _option(output_policy, OutputPolicyOptions, "output_policy")
    execution = _option(execution_options, ExecutionOptions, "execution_options")
    executor = execution.executor or "python"
    if input_keys is not None or optional_input_keys is not None:
        warnings.warn(
            "Tracker.run ignores input_keys/optional_input_keys; use inputs mapping instead.",
            DeprecationWarning,
            stacklevel=3,
        )
    check_run_arguments(
        executor=executor,
        code_identity=cache.code_identity,
        cache_hydration=cache.cache_hydration,
        outputs=outputs,
        output_paths=output_paths,
    )
    if executor == "python" and not callable(fn):
        raise ConsistValueError(
            "Tracker.run requires a callable fn.",
            cause=f"fn is {fn!r}.",
            fix="Pass fn=your_function (or use executor='container' with a container spec).",
        )
    name = name or (callable_name(fn) if fn is not None else None)
    if not name:
        raise ConsistValueError(
            "executor='container' requires name when fn is None.",
            cause="A run needs a name to derive its id and model.",
            fix="Pass name='my_step'.",
        )
    binding = resolve_input_binding(execution, inputs)
    if runtime_kwargs is not None and execution.runtime_kwargs is not None:
        raise ConfigError(
            "runtime_kwargs was given twice.",
            cause="Both Tracker.run(runtime_kwargs=...) and ExecutionOptions(runtime_kwargs=...) "
            "were passed.",
            fix="Pass runtime kwargs in one place only.",
        )
    runtime = dict(runtime_kwargs or execution.runtime_kwargs or {})
    config_values = config_dict(config)
    declared = [validate_key(str(key)) for key in outputs or []]
    dest = {validate_key(str(k)): Path(v) for k, v in (output_paths or {}).items()}
    if executor == "python" and binding != "none" and inputs is not None:
        # Fail before anything is recorded if the parameters cannot be bound.
        bind_arguments(
            fn,
            step_name=name,
            inputs=dict.fromkeys(inputs),  # type: ignore[arg-type]
            config=config_values,
            runtime_kwargs=runtime,
        )
    config_extra, adapter_meta = adapter_identity(adapter, config_values)
    run_id = run_id or f"{name}_{uuid4().hex[:8]}"
    facet_values = facet_with_config(facet, facet_from, config_values)
    begin_kwargs: dict[str, Any] = dict(
        config=config_values,
        inputs=with_dependencies(inputs, depends_on),
        identity_inputs=identity_inputs,
        tags=tags,
        description=description,
        year=year,
        iteration=iteration,
        stage=stage,
        phase=phase,
        parent_run_id=parent_run_id,
        facet=facet_values,
        meta=adapter_meta,
        config_extra=config_extra,
        defer_start=True,
    )
    model = model or name
    planned = Run(id=run_id, model_name=model, parent_run_id=parent_run_id, iteration=iteration)
    # Relative output_paths are relative to the run's output directory.
    dest = {k: under_dir(p, tracker._artifact_dir_for(planned, None)) for k, p in dest.items()}
    policy = CachePolicy.from_options(cache, inputs_bound=binding != "none", requested_paths=dest)
    begin_kwargs["policy"] = policy

    if executor == "container":
        from consist.tracker.container_hook import ContainerStepRequest, dispatch_container_step

        def container_run_step(code_identity: str, execute: Callable[[], Any], *, meta=None):
            state = lifecycle.begin(
                tracker, run_id, model, signature_extra={"container": code_identity}, **begin_kwargs
            )
            state.run.meta.update(dict(meta or {}), executor="container")
            return _finish(tracker, state, policy_opts, declared, dest, execute, label=name)

        request = ContainerStepRequest(
            tracker=tracker,
            name=name,
            run_id=run_id,
            model=model,
            container=dict(execution.container or {}),
            inputs={k: _local_path(v) for k, v in _named(inputs).items()},
            output_paths=dict(dest),
            config=config_values,
            run_step=container_run_step,
            output_missing=policy_opts.output_missing or "warn",
        )
        return dispatch_container_step(request)

    state = lifecycle.begin(tracker, run_id, model, fn=fn, **begin_kwargs)

    def call_fn() -> Any:
        if policy.hydration == "inputs-missing":
            restore_missing_inputs(tracker, state)
        values = {}
        if binding != "none":  # load only what the function will receive
            wanted = bindable_names(fn, _named(inputs))
            values = {k: load_input_value(tracker, k, state.inputs[k], binding) for k in wanted}
        from consist.tracker.run_context import RunContext

        kwargs = bind_arguments(
            fn,
            step_name=name,
            inputs=values,
            config=config_values,
            runtime_kwargs=runtime,
            inject_context=execution.inject_context,
            context=RunContext(tracker, inputs=state.inputs, config=config_values),
        )
        before = capture_files(capture_dir, capture_pattern) if capture_dir else None
        result = fn(**kwargs)
        if before is not None:
            if result is not None:
                raise ConfigError(
                    "capture_dir requires the run function to return None.",
                    cause="Outputs are taken from files written under capture_dir.",
                    fix="Return None, or drop capture_dir and return {key: path}.",
                )
            return changed_files(capture_dir, capture_pattern, before)
        return result

    return _finish(tracker, state, policy_opts, declared, dest, call_fn, label=name)


def _finish(
    tracker: Tracker,
    state: ActiveRun,
    policy_opts: OutputPolicyOptions,
    declared: list[str],
    dest: Mapping[str, Path],
    execute: Callable[[], Any],
    *,
    label: str,
) -> RunResult:
    """Complete a begun run: return the hit, or execute and log outputs."""
    try:
        if state.cache_hit and hydrate_cached_outputs(tracker, state):
            wanted = [*declared, *dest]
            outputs = dict(state.cached_outputs)
            if wanted:
                outputs = {k: v for k, v in outputs.items() if k in wanted}
                _report_missing(state, wanted, outputs, policy_opts, label)
            state.cached_outputs = outputs
            run = lifecycle.end(tracker, "completed")
            return RunResult(run=run, outputs=outputs, cache_hit=True)
        lifecycle.record_start(tracker, state)
        for path in dest.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        returned = execute()
        collected = collect_outputs(
            returned,
            label=label,
            declared=declared,
            output_paths=dest,
            output_mismatch=policy_opts.output_mismatch,
            output_missing=policy_opts.output_missing,
        )
        for key, value in collected.items():
            log_returned_output(tracker, key, value)
        outputs = dict(state.outputs)
        run = lifecycle.end(tracker, "completed")
        return RunResult(run=run, outputs=outputs, cache_hit=False)
    except BaseException as exc:
        if tracker._active is state:
            lifecycle.end(tracker, "failed", error=exc)
        raise


def _report_missing(
    state: ActiveRun,
    wanted: list[str],
    outputs: Mapping[str, Artifact],
    policy_opts: OutputPolicyOptions,
    label: str,
) -> None:
    from consist.tracker.outputs import apply_policy

    missing = sorted(set(wanted) - set(outputs))
    if missing:
        apply_policy(
            policy_opts.output_missing,
            f"{label} missing outputs: {missing}",
            cause=f"The cached run {state.cached_run.id!r} did not record these outputs.",
            fix="Re-run with CacheOptions(cache_mode='overwrite') to produce them.",
        )


def _option(value: Any, kind: type, name: str) -> Any:
    if value is None:
        return kind()
    if isinstance(value, kind):
        return value
    if isinstance(value, Mapping):
        return kind(**value)
    raise ConsistTypeError(
        f"{name} must be a {kind.__name__}.",
        cause=f"Received {type(value).__name__}.",
        fix=f"Pass {name}={kind.__name__}(...).",
    )


def _named(inputs: Any) -> dict[str, Any]:
    if inputs is None:
        return {}
    if isinstance(inputs, Mapping):
        return {str(k): v for k, v in inputs.items()}
    return {}


def _local_path(value: Any) -> Path:
    if isinstance(value, Artifact):
        return value.path
    if hasattr(value, "output") and hasattr(value, "cache_hit"):
        return value.output.path
    return Path(os.path.abspath(value))
