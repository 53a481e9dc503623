"""Cache decisions: the policy of a run, the lookup, validation and miss explanations.

A hit is the newest *completed* run with the same signature (the store never
returns a running or failed run). ``validate_cached_outputs="eager"`` also
requires every cached output to exist with its recorded digest; otherwise the
step runs again and ``run.meta["cache_miss_reason"]`` says why. With
``cache_hydration="outputs-requested"`` a candidate lacking a copy of any
requested output is skipped for the next older one. Copying bytes
on a hit (hydration) lives in ``hydration.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist.models import Artifact, Run
from consist.options import CacheOptions

if TYPE_CHECKING:
    from consist.tracker.state import ActiveRun
    from consist.tracker.tracker import Tracker

__all__ = ["CacheHit", "CachePolicy", "explain_miss", "find_cache_hit"]

logger = logging.getLogger("consist")

# begin_run(**kwargs) names that configure caching (everything else is run meta).
POLICY_KWARGS = frozenset(
    {
        "cache_epoch",
        "cache_version",
        "cache_hydration",
        "cache_hydration_failure",
        "validate_cached_outputs",
        "validate_materialized_inputs",
        "materialize_cached_output_paths",
        "materialize_cached_outputs_dir",
        "materialize_cached_outputs_source_root",
    }
)


@dataclass(frozen=True)
class CachePolicy:
    """The resolved cache settings of one run (defaults filled in).

    Example:
        >>> CachePolicy.from_options(None, inputs_bound=False).lookup
        True
    """

    mode: str = "reuse"
    hydration: str = "metadata"
    hydration_failure: str = "warn"
    validate: str = "lazy"
    epoch: int | None = None
    version: int | None = None
    code_identity: str | None = None
    extra_deps: tuple[str, ...] | None = None
    source_root: Path | None = None
    validate_materialized_inputs: bool = False
    requested_paths: Mapping[str, Path] = field(default_factory=dict)

    @property
    def lookup(self) -> bool:
        """Whether to look for a cached run (``overwrite`` always executes)."""
        return self.mode in ("reuse", "readonly")

    @property
    def persist(self) -> bool:
        """Whether anything is recorded (``readonly`` records nothing new)."""
        return self.mode != "readonly"

    @classmethod
    def from_options(
        cls,
        options: CacheOptions | None,
        *,
        inputs_bound: bool,
        requested_paths: Mapping[str, Path] | None = None,
    ) -> CachePolicy:
        """Policy for ``tracker.run`` from a ``CacheOptions`` (or the defaults)."""
        opts = options or CacheOptions()
        return cls(
            mode=opts.cache_mode or "reuse",
            hydration=opts.resolved_hydration(inputs_bound=inputs_bound),
            hydration_failure=opts.cache_hydration_failure,
            validate=opts.validate_cached_outputs or "lazy",
            epoch=opts.cache_epoch,
            version=opts.cache_version,
            code_identity=opts.code_identity,
            extra_deps=opts.code_identity_extra_deps,  # type: ignore[arg-type]
            source_root=opts.materialize_cached_outputs_source_root,  # type: ignore[arg-type]
            validate_materialized_inputs=bool(opts.validate_materialized_inputs),
            requested_paths=dict(requested_paths or {}),
        )

    @classmethod
    def from_kwargs(
        cls,
        cache_mode: str | None,
        kwargs: Mapping[str, Any],
        *,
        code_identity: str | None = None,
        extra_deps: Any = None,
    ) -> CachePolicy:
        """Policy for ``begin_run``/``start_run`` from their flat keyword arguments."""
        from consist.errors import ConfigError

        requested = kwargs.get("materialize_cached_output_paths")
        hydration = kwargs.get("cache_hydration")
        opts = CacheOptions(
            cache_mode=cache_mode,
            cache_hydration=hydration,
            cache_hydration_failure=kwargs.get("cache_hydration_failure") or "warn",
            cache_version=kwargs.get("cache_version"),
            cache_epoch=kwargs.get("cache_epoch"),
            validate_cached_outputs=kwargs.get("validate_cached_outputs"),
            validate_materialized_inputs=kwargs.get("validate_materialized_inputs"),
            materialize_cached_outputs_source_root=kwargs.get(
                "materialize_cached_outputs_source_root"
            ),
            code_identity=code_identity,
            code_identity_extra_deps=extra_deps,
        )
        if opts.cache_hydration == "outputs-requested" and not requested:
            raise ConfigError(
                "cache_hydration='outputs-requested' requires materialize_cached_output_paths",
                cause="Requested-output hydration needs a destination for each output.",
                fix="Pass materialize_cached_output_paths={'key': Path('dest')}.",
            )
        paths = {str(k): Path(v) for k, v in (requested or {}).items()}
        return cls.from_options(opts, inputs_bound=False, requested_paths=paths)


@dataclass
class CacheHit:
    """A usable cached run and the outputs it recorded."""

    run: Run
    outputs: dict[str, Artifact]


def find_cache_hit(tracker: Tracker, state: ActiveRun) -> CacheHit | None:
    """Look up a completed run with this signature and check it per the policy."""
    signature = state.run.signature
    if not signature:
        return None
    remembered = tracker._memory.hit(signature)
    if remembered is not None:
        hit = CacheHit(run=remembered[0], outputs=remembered[1])
    else:
        store = tracker._store_or_none()
        candidate = store.find_completed_run_by_signature(signature) if store else None
        if candidate is None:
            return None
        hit = CacheHit(run=candidate, outputs=store.get_artifacts_for_run(candidate.id).outputs)
        tracker._memory.remember(candidate, hit.outputs)
    for artifact in hit.outputs.values():
        tracker._attach_resolver(artifact)
    if state.policy.hydration == "outputs-requested":
        hit = _first_materialisable(tracker, state, hit)
        if hit is None:
            return None
    if state.policy.validate == "eager":
        invalid = [key for key, art in hit.outputs.items() if not _output_is_valid(tracker, art)]
        if invalid:
            state.run.meta["cache_miss_reason"] = (
                f"cached run {hit.run.id!r} has missing or changed outputs: {sorted(invalid)}"
            )
            state.run.meta["cache_miss_explanation"] = {
                "status": "miss",
                "reason": "candidate_outputs_invalid",
                "candidate_run_id": hit.run.id,
                "details": sorted(invalid),
            }
            logger.debug(
                "[consist] cache candidate %s rejected: invalid outputs %s", hit.run.id, invalid
            )
            return None
    return hit


def _first_materialisable(tracker: Tracker, state: ActiveRun, newest: CacheHit) -> CacheHit | None:
    """``outputs-requested``: the newest candidate that can place every requested output.

    A candidate whose requested outputs are gone from its run directory, the
    recovery roots and the mirror is skipped for the next older one with the
    same signature; if none can, the step runs (a miss that says why).
    """
    if not _unplaceable(tracker, state, newest):
        return newest
    rejected = [newest.run.id]
    store = tracker._store_or_none()
    others = store.find_completed_runs_by_signature(state.run.signature) if store else []
    for run in others:
        if run.id in rejected:
            continue
        hit = CacheHit(run=run, outputs=store.get_artifacts_for_run(run.id).outputs)
        for artifact in hit.outputs.values():
            tracker._attach_resolver(artifact)
        if not _unplaceable(tracker, state, hit):
            logger.debug("[consist] cache candidates %s skipped: outputs gone", rejected)
            return hit
        rejected.append(run.id)
    keys = sorted(state.policy.requested_paths)
    state.run.meta["cache_miss_reason"] = (
        f"cached outputs {keys} could not be materialised from any of the "
        f"{len(rejected)} cached run(s) with this signature"
    )
    state.run.meta["cache_miss_explanation"] = {
        "status": "miss",
        "reason": "candidate_outputs_unavailable",
        "candidate_run_id": rejected[0],
        "details": rejected,
    }
    return None


def _unplaceable(tracker: Tracker, state: ActiveRun, hit: CacheHit) -> list[str]:
    """Requested output keys of ``hit`` with no copy on disk (run dir, recovery roots, mirror)."""
    from consist.artifacts.hydration import cached_output_source

    uri = hit.run.meta.get("artifact_dir")
    cached_root = tracker.fs.resolve(uri) if uri else None
    missing = []
    for key in state.policy.requested_paths:
        artifact = hit.outputs.get(key)
        source = (
            cached_output_source(
                tracker, artifact, source_root=state.policy.source_root, cached_root=cached_root
            )
            if artifact is not None
            else None
        )
        if source is None:
            missing.append(key)
    return missing


def _output_is_valid(tracker: Tracker, artifact: Artifact) -> bool:
    if artifact.meta.get("is_ingested"):
        return True
    try:
        path = artifact.path
    except Exception:
        return False
    if not path.exists():
        return False
    if not artifact.hash or artifact.hash.split(":", 1)[0] != _tag(tracker):
        return True  # recorded with another algorithm: existence is all we can check cheaply
    try:
        return tracker.identity.compute_file_checksum(path) == artifact.hash
    except OSError:
        return False


def _tag(tracker: Tracker) -> str:
    ident = tracker.identity
    return "fast" if ident.hashing_strategy == "fast" else ident.hash_algorithm


def explain_miss(tracker: Tracker, state: ActiveRun) -> None:
    """Record in ``run.meta`` why this run is not a cache hit, and log it at DEBUG."""
    run = state.run
    if "cache_miss_reason" in run.meta:
        return
    store = tracker._store_or_none()
    prior = tracker._memory.latest_of_model(
        run.model_name, store.find_prior_run_for_miss if store is not None else None
    )
    old_parts = prior.meta.get("identity") if prior is not None else None
    if prior is None or not old_parts or state.parts is None:
        reason_code = "no_similar_prior_run"
        details = [f"no earlier completed run of model {run.model_name!r} to compare with"]
        components: list[str] = []
    else:
        from consist.identity import changed_components

        components = changed_components(state.parts, old_parts)
        details = tracker.identity.explain_difference(state.parts, old_parts) or [
            "signature changed"
        ]
        reason_code = _reason_code(components, state.parts.inputs, old_parts.get("inputs") or {})
    run.meta["cache_miss_reason"] = "; ".join(details)
    run.meta["cache_miss_explanation"] = {
        "status": "miss",
        "reason": reason_code,
        "candidate_run_id": prior.id if prior is not None else None,
        "mismatched_components": components,
        "details": details,
    }
    logger.debug("[consist] cache MISS for %s: %s", run.id, run.meta["cache_miss_reason"])


def _reason_code(components: list[str], new_inputs: Mapping, old_inputs: Mapping) -> str:
    if components == ["inputs"]:
        changed = [k for k in new_inputs if new_inputs.get(k) != old_inputs.get(k)]
        if changed and all(str(new_inputs[k]).startswith("run:") for k in changed):
            return "upstream_run_changed"
    if not components:
        return "signature_changed"
    return "_and_".join(components) + "_changed"
