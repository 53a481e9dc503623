"""``tracker.trace(name, ...)``: a recorded block whose body always runs.

Unlike ``tracker.run``, which skips the function on a cache hit, a trace block
is inline code, so it always executes. Its signature (code, config, inputs)
is still looked up: on a hit ``tracker.is_cached`` is True and
``tracker.cached_output(key)`` gives the cached artifacts, so the body may
skip expensive work. Logging an output that matches the cached one keeps the
hit (the cached artifact comes back); logging anything different demotes the
run to a normal one, with one warning (``consist.tracker.hit_outputs``).

When the block ends: files named in ``output_paths`` and files changed under
``capture_dir`` are logged as outputs, declared ``outputs`` that were never
logged go through ``output_missing``, and the run is recorded as completed.
An exception marks it failed and propagates. Policy settings are flat keyword
arguments (``cache_mode=...``), as in Consist 0.3.

Example:
    >>> with tracker.trace("summarize", config={"year": 2030},
    ...                    inputs={"trips": trips_path}) as t:  # doctest: +SKIP
    ...     out = t.output_path("summary", "csv")
    ...     write_summary(trips_path, out)
    ...     t.log_output(out, key="summary")
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

from consist.models import Run
from consist.options import CacheOptions, OutputPolicyOptions
from consist.tracker import lifecycle
from consist.tracker.artifact_keys import validate_key
from consist.tracker.cache import CachePolicy
from consist.tracker.hydration import hydrate_cached_outputs, restore_missing_inputs
from consist.tracker.outputs import apply_policy
from consist.tracker.run_args import check_run_arguments, reject_unexpected_kwargs
from consist.tracker.step_io import (
    adapter_identity,
    capture_files,
    changed_files,
    config_dict,
    facet_with_config,
    under_dir,
    with_dependencies,
)

__all__ = ["trace"]


@contextmanager
def trace(
    tracker: Any,
    name: str,
    *,
    run_id: str | None = None,
    model: str | None = None,
    description: str | None = None,
    config: Any = None,
    adapter: Any = None,
    config_plan_ingest: bool = True,
    config_plan_profile_schema: bool = False,
    inputs: Mapping[str, Any] | Iterable[Any] | None = None,
    input_keys: Any = None,
    optional_input_keys: Any = None,
    depends_on: Iterable[Any] | None = None,
    tags: Iterable[str] | None = None,
    facet: Mapping[str, Any] | None = None,
    facet_from: Iterable[str] | None = None,
    facet_schema_version: str | int | None = None,
    facet_index: bool = True,
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
    cache_mode: str | None = "reuse",
    cache_hydration: str | None = None,
    cache_hydration_failure: str = "warn",
    cache_version: int | None = None,
    cache_epoch: int | None = None,
    validate_cached_outputs: str | None = "lazy",
    validate_materialized_inputs: bool | None = None,
    materialize_cached_outputs_source_root: str | os.PathLike[str] | None = None,
    code_identity: str | None = None,
    code_identity_extra_deps: Iterable[str] | None = None,
    output_mismatch: str | None = "warn",
    output_missing: str | None = "warn",
    **unexpected: Any,
) -> Iterator[Any]:
    """Open a traced run on ``tracker`` and yield the tracker (see the module docstring).

    Example:
        >>> with trace(tracker, "clean", config={"threshold": 0.5}) as t:  # doctest: +SKIP
        ...     t.log_output(clean(raw_path), key="cleaned")
    """
    reject_unexpected_kwargs(unexpected, surface="trace")
    check_run_arguments(
        executor="python",
        code_identity=code_identity,
        cache_hydration=cache_hydration,
        outputs=outputs,
        output_paths=output_paths,
    )
    cache = CacheOptions(
        cache_mode=cache_mode,
        cache_hydration=cache_hydration,
        cache_hydration_failure=cache_hydration_failure,
        cache_version=cache_version,
        cache_epoch=cache_epoch,
        validate_cached_outputs=validate_cached_outputs,
        validate_materialized_inputs=validate_materialized_inputs,
        materialize_cached_outputs_source_root=materialize_cached_outputs_source_root,
        code_identity=code_identity,
        code_identity_extra_deps=list(code_identity_extra_deps)
        if code_identity_extra_deps is not None
        else None,
    )
    policy_opts = OutputPolicyOptions(
        output_mismatch=output_mismatch, output_missing=output_missing
    )
    config_values = config_dict(config)
    config_extra, adapter_meta = adapter_identity(adapter, config_values)
    run_id = run_id or f"{name}_{uuid4().hex[:8]}"
    model = model or name
    declared = [validate_key(str(key)) for key in outputs or []]
    planned = Run(id=run_id, model_name=model, parent_run_id=parent_run_id, iteration=iteration)
    base = tracker._artifact_dir_for(planned, None)
    dest = {validate_key(str(k)): under_dir(Path(v), base) for k, v in (output_paths or {}).items()}
    facet_values = facet_with_config(facet, facet_from, config_values)
    meta = dict(adapter_meta)
    if facet_schema_version is not None:
        meta["facet_schema_version"] = facet_schema_version
    state = lifecycle.begin(
        tracker,
        run_id,
        model,
        policy=CachePolicy.from_options(cache, inputs_bound=False, requested_paths=dest),
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
        meta=meta,
        config_extra=config_extra,
        defer_start=True,
    )
    try:
        if not (state.cache_hit and hydrate_cached_outputs(tracker, state)):
            lifecycle.record_start(tracker, state)  # a crash in the body leaves "running"
            if state.policy.hydration == "inputs-missing":
                restore_missing_inputs(tracker, state)
        for path in dest.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        before = capture_files(capture_dir, capture_pattern) if capture_dir else None
        yield tracker
        if tracker._active is not state:
            return  # the body ended the run itself (end_run)
        for key, path in dest.items():
            if key not in state.outputs and path.exists():
                tracker.log_artifact(path, key, direction="output")
        if before is not None:
            for key, path in changed_files(capture_dir, capture_pattern, before).items():
                if key not in state.outputs:
                    tracker.log_artifact(path, key, direction="output")
        missing = sorted(set(declared) - set(state.outputs) - set(state.cached_outputs))
        if missing:
            apply_policy(
                policy_opts.output_missing,
                f"{name} missing outputs: {missing}",
                cause="The trace block ended without logging these declared outputs.",
                fix="Log them with tracker.log_output(path, key=...) inside the block.",
            )
    except BaseException as exc:
        if tracker._active is state:
            lifecycle.end(tracker, "failed", error=exc)
        raise
    lifecycle.end(tracker, "completed")
