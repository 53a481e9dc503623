"""Bring a recorded run's outputs (or one artifact) back onto disk.

``materialize_run_outputs(tracker, run_id, target_root=...)`` places every
output of a run under ``target_root`` keeping its recorded relative layout
(``./outputs/m/r/x.csv`` -> ``<target_root>/outputs/m/r/x.csv``). For each
output the candidates of ``consist.artifacts.sources`` are tried in order
(``source_root`` mirror first); when no file copy exists and
``db_fallback="if_ingested"``, CSV/Parquet outputs are rebuilt from their
ingested rows ("ghost mode"). Placement is copy-on-write where possible
(``consist.artifacts.placing``) and never leaves a partial file.

Destinations must stay inside the run directory or a mount root unless
external paths are allowed; a relative ``target_root`` is taken under the
tracker's ``run_dir``.

Example:
    >>> restored = materialize_run_outputs(tracker, "prior_run_id",
    ...                                    target_root=Path("rehydrated"))  # doctest: +SKIP
    >>> restored.materialized_from_filesystem  # doctest: +SKIP
    {'out': '/abs/runs/rehydrated/outputs/step/step_1a2b/out.csv'}
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from consist.artifacts.ghost import REBUILDABLE_DRIVERS, rebuild_from_rows
from consist.artifacts.mounts import check_allowed_destination
from consist.artifacts.placing import (
    LINK_MODES,
    VALIDATE_MODES,
    HashMismatch,
    check_choice,
    place_bytes,
)
from consist.artifacts.results import (
    HydratedRunOutput,
    HydratedRunOutputsResult,
    MaterializationResult,
    MaterializedArtifact,
)
from consist.artifacts.sources import candidate_sources
from consist.errors import ArtifactFileMissingError, ArtifactNotFoundError, RunNotFoundError

__all__ = [
    "allowed_roots",
    "hydrate_run_outputs",
    "hydrate_run_outputs_to_destinations",
    "materialize_artifact",
    "materialize_run_outputs",
    "materialize_to",
    "report_missing",
]

logger = logging.getLogger("consist")
DB_FALLBACKS = ("never", "if_ingested")
ON_MISSING = ("warn", "raise")


def allowed_roots(tracker: Any, *, archives: bool = False) -> list[Path]:
    """Roots consist may write under: the run directory and mount roots (and archive mounts)."""
    roots = [tracker.run_dir, *tracker.fs.mounts.values()]
    return [*roots, *tracker.fs.archive_mounts.values()] if archives else roots


def destination_root(tracker: Any, root: str | os.PathLike[str], allow: bool | None) -> Path:
    """Absolute, checked root for placements; relative roots are under ``run_dir``."""
    path = Path(root)
    path = path if path.is_absolute() else tracker.run_dir / path
    external = tracker.allow_external_paths if allow is None else allow
    return check_allowed_destination(path, allowed_roots(tracker), allow_external=external)


def materialize_to(
    tracker: Any,
    artifact: Any,
    destination: Path,
    *,
    key: str | None = None,
    source_root: str | os.PathLike[str] | None = None,
    preserve_existing: bool = True,
    db_fallback: str = "if_ingested",
    validate: str = "never",
    link_mode: str = "auto",
    run_meta: Mapping[str, Any] | None = None,
) -> HydratedRunOutput:
    """Place one artifact's bytes at ``destination`` (already checked); report how.

    Example:
        >>> materialize_to(tracker, art, Path("/r/restored/x.csv")).status  # doctest: +SKIP
        'materialized_from_filesystem'
    """
    key = key or artifact.key
    outcome = HydratedRunOutput(
        key=key, status="missing_source", path=destination, artifact=artifact
    )
    if preserve_existing and (destination.exists() or destination.is_symlink()):
        outcome.status = "preserved_existing"
        return outcome
    mismatches = []
    sources = candidate_sources(tracker, artifact, source_root=source_root, run_meta=run_meta)
    for source in sources:
        if not source.path.exists():
            continue
        if source.path == destination:
            outcome.status, outcome.origin = "preserved_existing", source.origin
            return outcome
        try:
            placed = place_bytes(
                source.path,
                destination,
                link_mode=link_mode,
                expected=artifact.hash,
                validate=validate,
            )
        except HashMismatch as exc:
            mismatches.append(f"{source.path}: {exc.actual}")
            continue
        except OSError as exc:
            outcome.status, outcome.message = "failed", f"{source.path}: {exc}"
            return outcome
        directory = source.path.is_dir()
        outcome.status = f"materialized_{'directory_' if directory else ''}from_filesystem"
        outcome.source_path, outcome.origin = source.path, source.origin
        outcome.method, outcome.verified = placed.method, placed.verified
        return outcome
    if db_fallback == "if_ingested" and artifact.driver in REBUILDABLE_DRIVERS:
        try:
            rebuilt = rebuild_from_rows(tracker, artifact, destination, validate=validate)
        except HashMismatch as exc:
            mismatches.append(f"database rows: {exc.actual}")
            rebuilt = None
        if rebuilt is not None:
            outcome.status, outcome.origin = "materialized_from_db", "database"
            outcome.method, outcome.verified = rebuilt.method, rebuilt.verified
            return outcome
    if mismatches:
        outcome.status = "hash_mismatch"
        outcome.message = f"expected {artifact.hash}; " + "; ".join(mismatches)
    else:
        tried = ", ".join(str(s.path) for s in sources) or "(no candidate location)"
        outcome.message = f"no copy found; tried {tried}"
    return outcome


def hydrate_run_outputs(
    tracker: Any,
    run_id: str,
    *,
    target_root: str | os.PathLike[str],
    source_root: str | os.PathLike[str] | None = None,
    keys: Iterable[str] | None = None,
    preserve_existing: bool = True,
    on_missing: str = "warn",
    db_fallback: str = "if_ingested",
    validate_content_hash: str = "never",
    link_mode: str = "auto",
    allow_external_paths: bool | None = None,
) -> HydratedRunOutputsResult:
    """Per-key outcomes of placing a run's outputs under ``target_root`` (relative layout kept).

    Example:
        >>> result = hydrate_run_outputs(tracker, "r1", target_root="restored")  # doctest: +SKIP
        >>> result["out"].status  # doctest: +SKIP
        'materialized_from_filesystem'
    """
    _check_options(on_missing, db_fallback, validate_content_hash, link_mode)
    root = destination_root(tracker, target_root, allow_external_paths)
    run, outputs = _run_outputs(tracker, run_id, keys)
    result = HydratedRunOutputsResult(run_id=run_id)
    for key, artifact in outputs.items():
        relative = tracker.fs.relative_location(artifact.container_uri)
        if relative is None:
            result.outputs[key] = HydratedRunOutput(
                key,
                "skipped_unmapped",
                message=f"{artifact.container_uri} is outside every "
                "root, so it has no relative layout",
                artifact=artifact,
            )
            continue
        result.outputs[key] = materialize_to(
            tracker,
            artifact,
            root / relative,
            key=key,
            source_root=source_root,
            preserve_existing=preserve_existing,
            db_fallback=db_fallback,
            validate=validate_content_hash,
            link_mode=link_mode,
            run_meta=run.meta if artifact.run_id == run.id else None,
        )
    report_missing(result.outputs, on_missing, run_id)
    return result


def materialize_run_outputs(tracker: Any, run_id: str, **kwargs: Any) -> MaterializationResult:
    """``hydrate_run_outputs`` summarised as a ``MaterializationResult`` (same arguments).

    Example:
        >>> materialize_run_outputs(tracker, "r1", target_root="restored",
        ...                         source_root="/archive/mirror")  # doctest: +SKIP
    """
    return MaterializationResult.from_outcomes(
        hydrate_run_outputs(tracker, run_id, **kwargs).outputs
    )


def hydrate_run_outputs_to_destinations(
    tracker: Any,
    run_id: str,
    *,
    destinations_by_key: Mapping[str, str | os.PathLike[str]],
    source_root: str | os.PathLike[str] | None = None,
    preserve_existing: bool = True,
    on_missing: str = "warn",
    db_fallback: str = "if_ingested",
    validate_content_hash: str = "never",
    link_mode: str = "auto",
    allow_external_paths: bool | None = None,
) -> HydratedRunOutputsResult:
    """Place chosen outputs of a run at exact destinations (relative ones under ``run_dir``).

    Example:
        >>> hydrate_run_outputs_to_destinations(
        ...     tracker, "r1", destinations_by_key={"out": "inputs/out.csv"})  # doctest: +SKIP
    """
    _check_options(on_missing, db_fallback, validate_content_hash, link_mode)
    targets = {
        k: destination_root(tracker, v, allow_external_paths)
        for k, v in destinations_by_key.items()
    }
    run, outputs = _run_outputs(tracker, run_id, targets)
    result = HydratedRunOutputsResult(run_id=run_id)
    for key, destination in targets.items():
        artifact = outputs[key]
        result.outputs[key] = materialize_to(
            tracker,
            artifact,
            destination,
            key=key,
            source_root=source_root,
            preserve_existing=preserve_existing,
            db_fallback=db_fallback,
            validate=validate_content_hash,
            link_mode=link_mode,
            run_meta=run.meta if artifact.run_id == run.id else None,
        )
    report_missing(result.outputs, on_missing, run_id)
    return result


def materialize_artifact(
    tracker: Any,
    artifact: Any,
    *,
    target_root: str | os.PathLike[str],
    source_root: str | os.PathLike[str] | None = None,
    preserve_existing: bool = True,
    on_missing: str = "warn",
    validate_content_hash: str = "if-present",
    allow_external_paths: bool | None = None,
    db_fallback: str = "if_ingested",
    link_mode: str = "auto",
) -> MaterializedArtifact:
    """Place one artifact under ``target_root`` at its relative location.

    Example:
        >>> materialize_artifact(tracker, art, target_root="restored").status  # doctest: +SKIP
        'materialized_from_artifact_uri'
    """
    _check_options(on_missing, db_fallback, validate_content_hash, link_mode)
    root = destination_root(tracker, target_root, allow_external_paths)
    relative = tracker.fs.relative_location(artifact.container_uri)
    if relative is None:
        return MaterializedArtifact(artifact, "skipped_unmapped")
    outcome = materialize_to(
        tracker,
        artifact,
        root / relative,
        source_root=source_root,
        preserve_existing=preserve_existing,
        db_fallback=db_fallback,
        validate=validate_content_hash,
        link_mode=link_mode,
    )
    report_missing({outcome.key: outcome}, on_missing, artifact.run_id)
    status = {
        "preserved_existing": "already_present",
        "materialized_from_db": "materialized_from_db",
    }.get(outcome.status, outcome.status)
    if outcome.status.startswith("materialized_") and outcome.origin != "database":
        status = f"materialized_from_{outcome.origin}"
    return MaterializedArtifact(
        artifact,
        status,
        path=outcome.path,
        source_path=outcome.source_path,
        method=outcome.method,
        verified=outcome.verified,
        message=outcome.message,
    )


def _run_outputs(
    tracker: Any, run_id: str, keys: Iterable[str] | None
) -> tuple[Any, dict[str, Any]]:
    run = tracker.get_run(run_id)
    if run is None:
        raise RunNotFoundError(
            f"No run with id {run_id!r}.",
            cause="materialization needs a recorded run.",
            fix="List runs with tracker.find_runs() or `consist runs`.",
        )
    outputs = tracker.get_artifacts_for_run(run_id).outputs
    return run, select_outputs(run_id, outputs, keys)


def select_outputs(
    run_id: str,
    outputs: Mapping[str, Any],
    keys: Iterable[str] | None,
    *,
    error: type[Exception] = ArtifactNotFoundError,
) -> dict[str, Any]:
    """``outputs`` narrowed to ``keys`` (all when None); an unknown key raises ``error``.

    Example:
        >>> select_outputs("r1", {"a": 1, "b": 2}, ["b"])
        {'b': 2}
    """
    if keys is None:
        return dict(outputs)
    wanted = list(keys)
    unknown = sorted(set(wanted) - set(outputs))
    if unknown:
        raise error(
            f"Run {run_id!r} has no outputs {unknown}.",
            cause=f"Its outputs are: {', '.join(sorted(outputs)) or '(none)'}.",
            fix="Pass keys from that list (or keys=None for all outputs).",
        )
    return {k: outputs[k] for k in wanted}


def report_missing(outcomes: Mapping[str, HydratedRunOutput], on_missing: str, run: Any) -> None:
    """Log (``on_missing="warn"``) or raise for outputs whose bytes could not be placed."""
    bad = {k: o for k, o in outcomes.items() if o.status in ("missing_source", "hash_mismatch")}
    if not bad:
        return
    lines = "; ".join(f"{k}: {o.message}" for k, o in sorted(bad.items()))
    if on_missing == "raise":
        raise ArtifactFileMissingError(
            f"Could not materialize outputs {sorted(bad)} of run {run!r}.",
            cause=lines,
            fix="Pass source_root= pointing at an archive mirror, register a recovery copy "
            "(tracker.register_artifact_recovery_copy), or re-run the step.",
        )
    logger.warning("[consist] could not materialize %s of run %r: %s", sorted(bad), run, lines)


def _check_options(on_missing: str, db_fallback: str, validate: str, link_mode: str) -> None:
    check_choice("on_missing", on_missing, ON_MISSING)
    check_choice("db_fallback", db_fallback, DB_FALLBACKS)
    check_choice("validate_content_hash", validate, VALIDATE_MODES)
    check_choice("link_mode", link_mode, LINK_MODES)
