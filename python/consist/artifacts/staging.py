"""Copy input artifacts to the exact local paths a tool expects (``stage_artifact``/``stage_inputs``).

A model that reads ``./data/land_use.csv`` cannot be told where consist keeps
the canonical copy; staging puts the bytes there. ``mode="copy"`` makes an
independent copy (a reflink where the filesystem supports it),
``"hardlink"`` shares the inode (a write through the staged path would change
the original: only for tools that never write their inputs), ``"symlink"``
points at the source. The copy is verified against the recorded digest
before it appears under its name (``validate_content_hash``).

Example:
    >>> staged = stage_artifact(tracker, artifact, destination="work/land_use.csv")  # doctest: +SKIP
    >>> staged.status, staged.path  # doctest: +SKIP
    ('staged', PosixPath('/abs/runs/work/land_use.csv'))
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from consist.artifacts.materialize import destination_root, materialize_to
from consist.artifacts.placing import VALIDATE_MODES, check_choice
from consist.artifacts.results import StagedInput, StagedInputsResult
from consist.errors import ConfigError

__all__ = ["STAGE_MODES", "stage_artifact", "stage_inputs"]

STAGE_MODES = ("copy", "hardlink", "symlink")


def stage_artifact(
    tracker: Any,
    artifact: Any,
    *,
    destination: str | os.PathLike[str],
    overwrite: bool = False,
    mode: str = "copy",
    validate_content_hash: str = "if-present",
    allow_external_paths: bool | None = None,
    key: str | None = None,
) -> StagedInput:
    """Place ``artifact`` at ``destination`` (relative: under the tracker's ``run_dir``).

    An existing destination is kept unless ``overwrite=True``.

    Example:
        >>> stage_artifact(tracker, art, destination="work/a.csv", mode="hardlink")  # doctest: +SKIP
    """
    check_choice("mode", mode, STAGE_MODES)
    check_choice("validate_content_hash", validate_content_hash, VALIDATE_MODES)
    target = destination_root(tracker, destination, allow_external_paths)
    outcome = materialize_to(
        tracker,
        artifact,
        target,
        key=key,
        preserve_existing=not overwrite,
        db_fallback="if_ingested",
        validate=validate_content_hash,
        link_mode="auto" if mode == "copy" else mode,
    )
    status = "staged" if outcome.ok else outcome.status
    if outcome.status == "preserved_existing":
        status = "preserved_existing"
    return StagedInput(
        key=outcome.key,
        status=status,
        path=target,
        source_path=outcome.source_path,
        method=outcome.method,
        verified=outcome.verified,
        message=outcome.message,
        artifact=artifact,
    )


def stage_inputs(
    tracker: Any,
    inputs_by_key: Mapping[str, Any],
    *,
    destinations_by_key: Mapping[str, str | os.PathLike[str]],
    overwrite: bool = False,
    mode: str = "copy",
    validate_content_hash: str = "if-present",
    allow_external_paths: bool | None = None,
) -> StagedInputsResult:
    """Stage several inputs: ``destinations_by_key`` names where each key goes.

    Every key of ``destinations_by_key`` must be a key of ``inputs_by_key``;
    all destinations are checked before anything is placed.

    Example:
        >>> stage_inputs(tracker, {"land_use": art},
        ...              destinations_by_key={"land_use": "data/land_use.csv"})  # doctest: +SKIP
    """
    unknown = sorted(set(destinations_by_key) - set(inputs_by_key))
    if unknown:
        raise ConfigError(
            f"stage_inputs got destinations for unknown inputs: {unknown}.",
            cause=f"The inputs are: {', '.join(sorted(inputs_by_key)) or '(none)'}.",
            fix="Key destinations_by_key by the same names as inputs_by_key.",
        )
    for destination in destinations_by_key.values():  # refuse before placing anything
        destination_root(tracker, destination, allow_external_paths)
    result = StagedInputsResult()
    for key, destination in destinations_by_key.items():
        result.inputs[key] = stage_artifact(
            tracker,
            _artifact(inputs_by_key[key], key),
            destination=destination,
            overwrite=overwrite,
            mode=mode,
            validate_content_hash=validate_content_hash,
            allow_external_paths=allow_external_paths,
            key=key,
        )
    return result


def _artifact(value: Any, key: str) -> Any:
    if hasattr(value, "outputs") and hasattr(value, "cache_hit"):  # a RunResult
        outputs = value.outputs
        if key in outputs or len(outputs) == 1:
            return outputs.get(key) or next(iter(outputs.values()))
        raise ConfigError(
            f"stage_inputs cannot tell which output of the run result to stage as {key!r}.",
            cause=f"The result has outputs {sorted(outputs)}.",
            fix="Pass consist.ref(result, 'key') instead of the whole result.",
        )
    if not hasattr(value, "container_uri"):
        raise ConfigError(
            f"stage_inputs needs an Artifact for input {key!r}; got {type(value).__name__}.",
            cause="Staging copies recorded bytes; a plain path has no record to copy from.",
            fix="Pass the artifact (e.g. result.outputs['key'] or consist.ref(result, 'key')).",
        )
    return value
