"""The run lifecycle: begin (identity, cache lookup), end (record), failure.

State machine of one run::

    begin_run --> running --(end_run)--> completed | failed
                     |
                     +-- cache hit: the cached run's outputs are this run's outputs

A finished run is recorded JSON snapshot first, then database, so the
database can be rebuilt from snapshots. A run that executes gets a "running"
row before its body starts and becomes "completed" in the same transaction
that stores its outputs: a crash leaves a "running" row that no cache lookup
will ever return. ``readonly`` runs record nothing.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist import context
from consist.errors import ConfigError, ConsistRuntimeError
from consist.models import Run, utc_now
from consist.tracker.artifact_logging import input_identity, make_artifact
from consist.tracker.cache import POLICY_KWARGS, CachePolicy, explain_miss, find_cache_hit
from consist.tracker.run_records import record_end, record_start, replaces_existing_run
from consist.tracker.state import ActiveRun
from consist.tracker.step_io import facet_with_config

if TYPE_CHECKING:
    from consist.tracker.tracker import Tracker

__all__ = ["begin", "begin_from_kwargs", "end", "record_start"]

_RUN_FIELD_KWARGS = ("year", "iteration", "stage", "phase", "parent_run_id")

logger = logging.getLogger("consist")


def begin(
    tracker: Tracker,
    run_id: str,
    model: str,
    *,
    policy: CachePolicy,
    config: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | Iterable[Any] | None = None,
    identity_inputs: Any = None,
    tags: Iterable[str] | None = None,
    description: str | None = None,
    year: int | None = None,
    iteration: int | None = None,
    stage: str | None = None,
    phase: str | None = None,
    parent_run_id: str | None = None,
    facet: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
    artifact_dir: str | Path | None = None,
    fn: Callable[..., Any] | None = None,
    code_identity: str | None = None,
    config_extra: Mapping[str, Any] | None = None,
    signature_extra: Mapping[str, Any] | None = None,
    defer_start: bool = False,
) -> ActiveRun:
    """Open a run: log inputs, compute the signature, look up the cache."""
    if tracker._active is not None:
        raise ConsistRuntimeError(
            f"Cannot begin_run: A run is already active (id={tracker._active.run.id}). "
            "Call end_run() first.",
            cause="A tracker runs one step at a time.",
            fix="End the current run first, or use a separate Tracker.",
        )
    tracker._check_writable()
    _ = tracker.stat_cache  # opened once per tracker: every input is hashed through it
    if tracker.db_path is None:
        tracker._seed_memory_from_snapshots()  # JSON-only trackers find earlier runs there
    run = Run(
        id=run_id,
        model_name=model,
        description=description,
        year=year,
        iteration=iteration,
        stage=stage,
        phase=phase,
        tags=list(tags or []),
        parent_run_id=parent_run_id,
        meta=dict(meta or {}),
    )
    state = ActiveRun(
        replaces_existing=policy.persist and replaces_existing_run(tracker, run_id),
        run=run,
        policy=policy,
        artifact_dir=tracker._artifact_dir_for(run, artifact_dir),
        config=dict(config or {}),
        facet=dict(facet or {}),
    )
    entries = []
    for key, value in _named_inputs(inputs):
        artifact = make_artifact(tracker, state, value, key=key, direction="input")
        state.inputs[key] = artifact
        entries.append(input_identity(tracker, key, artifact))
    # parent_run_id is the scenario header (as in Consist 0.3); the runs that produced
    # this run's inputs are listed separately.
    upstream = list(dict.fromkeys(a.run_id for a in state.inputs.values() if a.run_id))
    if upstream:
        run.meta["upstream_run_ids"] = upstream

    parts = tracker.identity.compute_run_identity(
        config=state.config,
        model=model,
        year=year,
        iteration=iteration,
        cache_epoch=policy.epoch if policy.epoch is not None else tracker.cache_epoch,
        cache_version=policy.version,
        identity_inputs=identity_inputs,
        inputs=entries,
        fn=fn,
        code_identity=policy.code_identity,
        extra_deps=policy.extra_deps,
        config_extra=config_extra,
        signature_extra=signature_extra,
    )
    state.parts = parts
    run.signature, run.config_hash = parts.signature, parts.config_hash
    run.input_hash, run.git_hash = parts.input_hash, parts.code_hash
    run.meta.update(
        identity=parts.to_dict(),
        code_identity=parts.code_identity_mode,
        cache_mode=policy.mode,
        cache_epoch=parts.cache_epoch,
        artifact_dir=tracker.fs.to_uri(state.artifact_dir),
        mounts={k: str(v) for k, v in tracker.fs.mounts.items()},
        _physical_run_dir=str(tracker.run_dir),  # resolves ./ URIs after the run dir moves
    )
    if tracker.fs.archive_mounts:
        run.meta["archive_mounts"] = {k: str(v) for k, v in tracker.fs.archive_mounts.items()}
    if policy.extra_deps:
        run.meta["code_identity_extra_deps"] = list(policy.extra_deps)
    if parts.cache_version is not None:
        run.meta["cache_version"] = parts.cache_version
    if parts.identity_inputs:
        run.meta["consist_hash_inputs"] = dict(parts.identity_inputs)
    logger.debug(
        "[consist] signature %s for %s (code=%s [%s], config=%s, inputs=%s)",
        parts.signature,
        run_id,
        parts.code_hash,
        parts.code_identity_mode,
        parts.config_hash,
        parts.input_hash,
    )

    hit = find_cache_hit(tracker, state) if policy.lookup else None
    if hit is not None:
        state.cached_run, state.cached_outputs = hit.run, dict(hit.outputs)
        run.cache_hit = True
        # A hit on a hit names the run that actually executed.
        source = (hit.run.cache_hit and hit.run.meta.get("cache_source")) or hit.run.id
        run.meta.update(cache_hit=True, cache_source=source)
        logger.debug("[consist] cache HIT for %s: matched cached run %s", run_id, hit.run.id)
    else:
        run.meta["cache_hit"] = False
        if policy.lookup and policy.persist:
            explain_miss(tracker, state)

    tracker._active = state
    context.push_active(tracker)
    try:
        if not defer_start:
            record_start(tracker, state)
    except BaseException:
        tracker._active = None
        context.pop_active(tracker)
        raise
    tracker._hooks.fire("on_run_start", run)
    return state


def begin_from_kwargs(
    tracker: Tracker,
    run_id: str,
    model: str,
    *,
    cache_mode: str | None,
    config: Mapping[str, Any] | None,
    facet: Mapping[str, Any] | None,
    facet_from: Iterable[str] | None,
    allow_external_paths: bool | None,
    code_identity: str | None,
    code_identity_extra_deps: Iterable[str] | None,
    facet_schema_version: str | int | None,
    kwargs: dict[str, Any],
    **begin_kwargs: Any,
) -> ActiveRun:
    """``begin_run``'s flat keyword form: run fields, cache policy, the rest as run meta."""
    from consist.store.rows import dump_json

    fields = {name: kwargs.pop(name, None) for name in _RUN_FIELD_KWARGS}
    policy_kwargs = {name: kwargs.pop(name) for name in list(kwargs) if name in POLICY_KWARGS}
    policy = CachePolicy.from_kwargs(
        cache_mode,
        policy_kwargs,
        code_identity=code_identity,
        extra_deps=list(code_identity_extra_deps) if code_identity_extra_deps else None,
    )
    config = dict(config or {})
    facet = facet_with_config(facet, facet_from, config)
    meta = dict(kwargs)
    if facet_schema_version is not None:
        meta["facet_schema_version"] = facet_schema_version
    if allow_external_paths is not None:
        meta["allow_external_paths"] = bool(allow_external_paths)
    dump_json(meta)  # reject values that cannot be recorded before anything starts
    state = begin(
        tracker,
        run_id,
        model,
        policy=policy,
        config=config,
        facet=facet,
        meta=meta,
        **fields,
        **begin_kwargs,
    )
    if state.cache_hit and policy.hydration in ("outputs-all", "outputs-requested"):
        from consist.tracker.hydration import hydrate_cached_outputs

        try:  # start_run flows hydrate on a hit too (materialize_cached_outputs_source_root)
            hydrate_cached_outputs(tracker, state)
        except BaseException as exc:
            end(tracker, "failed", error=exc)
            raise
    return state


def end(tracker: Tracker, status: str = "completed", error: BaseException | None = None) -> Run:
    """Close the active run and record it; fires the completion or failure hooks."""
    state = tracker._active
    if state is None:
        raise ConsistRuntimeError(
            "No active run to end. Call begin_run() first.",
            cause="end_run() was called with no run open on this tracker.",
            fix="Pair every end_run() with a begin_run() (or use `with tracker.start_run(...)`).",
        )
    run = state.run
    if error is not None:
        status = "failed"
        run.meta["error"] = f"{type(error).__name__}: {error}"
    if status not in ("completed", "failed"):
        raise ConfigError(
            f"end_run status must be 'completed' or 'failed'; got {status!r}.",
            cause="A run ends either completed or failed.",
            fix="Call end_run() or end_run(status='failed').",
        )
    if state.cache_hit and status == "completed":
        # Outputs logged in the body replace cached ones with the same key.
        state.outputs = {**state.cached_outputs, **state.outputs}
    run.status = status if state.policy.persist else "skipped_save"
    run.ended_at = utc_now()
    run.meta["declared_outputs"] = sorted(state.outputs)
    try:
        if state.policy.persist:
            record_end(tracker, state)
    finally:
        tracker._active = None
        context.pop_active(tracker)
        tracker.last_run = run
    if status == "completed":
        tracker._memory.remember(run, state.outputs)
        if state.outputs and not state.cache_hit:
            _mark_views_stale(tracker, state.outputs.values())
        tracker._hooks.fire("on_run_complete", run, list(state.outputs.values()))
    else:
        tracker._hooks.fire("on_run_failed", run, error)
    return run


def _mark_views_stale(tracker: Tracker, outputs: Iterable[Any]) -> None:
    # Registered v_<concept> views now miss these files; they are rebuilt lazily
    # (consist.data.view_freshness). Trackers without views never import the data layer.
    if tracker.registered_schemas or "consist.data.view_registry" in sys.modules:
        from consist.data.view_freshness import mark_stale

        mark_stale(tracker, outputs)


def _named_inputs(inputs: Mapping[str, Any] | Iterable[Any] | None) -> list[tuple[str, Any]]:
    if inputs is None:
        return []
    if isinstance(inputs, Mapping):
        return [(str(k), v) for k, v in inputs.items()]
    if isinstance(inputs, str | bytes) or hasattr(inputs, "__fspath__"):
        inputs = [inputs]
    named = []
    for value in inputs:
        key = getattr(value, "key", None)
        if key is None and hasattr(value, "outputs"):  # a RunResult
            output = value.output
            key = output.key if output is not None else None
        if key is None:
            key = Path(value).stem
        named.append((str(key), value))
    return named
