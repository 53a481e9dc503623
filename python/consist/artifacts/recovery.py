"""Recovery metadata: where else an artifact's bytes live, so hydration can find them.

``meta["recovery_roots"]`` is an ordered list of roots holding copies at the
artifact's relative location (``<root>/outputs/m/r/x.csv``) or, for flat
archives, at ``<root>/<file name>``. ``archive_artifact`` copies (or moves)
the bytes to such a root, verifies them and records the root;
``register_artifact_recovery_copy`` records a copy made by other means
(rsync, tape restore) after checking it. Updates go to the database row and
to the producing run's JSON snapshot, so later hydration, in this process or
another, finds them.

Example:
    >>> archived = archive_run_outputs(tracker, "r1", "/archive/runs")  # doctest: +SKIP
    >>> archived["out"]  # doctest: +SKIP
    PosixPath('/archive/runs/outputs/step/r1/out.csv')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from consist.artifacts.materialize import allowed_roots, select_outputs
from consist.artifacts.mounts import check_allowed_destination
from consist.artifacts.placing import HashMismatch, check_choice, place_bytes
from consist.artifacts.results import ArchivedOutputs, ArtifactRecoveryCopyRegistration
from consist.artifacts.sources import find_source
from consist.errors import ArtifactFileMissingError, ConfigError, ConsistValueError

__all__ = [
    "archive_artifact",
    "archive_current_run_outputs",
    "archive_run_outputs",
    "register_artifact_recovery_copy",
    "register_run_output_recovery_copies",
    "set_artifact_recovery_roots",
]

ARCHIVE_MODES = ("copy", "move")


def set_artifact_recovery_roots(
    tracker: Any, artifact: Any, roots: Iterable[str | os.PathLike[str]], *, append: bool = False
) -> Any:
    """Record ``roots`` (absolute, in order, no duplicates) as the artifact's recovery roots.

    Example:
        >>> set_artifact_recovery_roots(tracker, art, ["/archive/a"]).recovery_roots  # doctest: +SKIP
        ['/archive/a']
    """
    new = [os.path.abspath(os.fspath(r)) for r in roots]
    current = list(artifact.meta.get("recovery_roots") or []) if append else []
    merged = list(dict.fromkeys([*current, *new]))
    artifact.meta["recovery_roots"] = merged
    _persist(tracker, artifact)
    return artifact


def register_artifact_recovery_copy(
    tracker: Any,
    artifact: Any,
    recovery_root: str | os.PathLike[str],
    *,
    verify: bool = True,
    content_hash: str | None = None,
    append: bool = True,
) -> ArtifactRecoveryCopyRegistration:
    """Record an existing copy under ``recovery_root`` after checking its digest.

    Example:
        >>> reg = register_artifact_recovery_copy(tracker, art, "/archive/a")  # doctest: +SKIP
        >>> reg.verified, reg.copy_path  # doctest: +SKIP
        (True, PosixPath('/archive/a/outputs/m/r/out.csv'))
    """
    root = Path(os.path.abspath(recovery_root))
    copy = _copy_in(tracker, artifact, root)
    if copy is None:
        raise ArtifactFileMissingError(
            f"No copy of artifact {artifact.key!r} under recovery root {root}.",
            cause="Looked for it at the artifact's relative location and by file name.",
            fix="Copy the file there first (or use tracker.archive_artifact to do it).",
        )
    expected = content_hash or artifact.hash
    verified = False
    if verify and expected:
        from consist.identity.hash_backend import digest_path

        algorithm = expected.split(":", 1)[0]
        actual = digest_path(copy, algorithm=algorithm, strategy="full")
        if actual != expected:
            raise ConsistValueError(
                f"Recovery copy {copy} does not match artifact {artifact.key!r}.",
                cause=f"Recorded digest {expected}, the copy has {actual}.",
                fix="Re-copy the file, or pass verify=False to record it anyway.",
            )
        verified = True
    set_artifact_recovery_roots(tracker, artifact, [root], append=append)
    return ArtifactRecoveryCopyRegistration(
        artifact, root, copy, verified, list(artifact.meta["recovery_roots"])
    )


def register_run_output_recovery_copies(
    tracker: Any,
    run_id: str,
    recovery_root: str | os.PathLike[str],
    *,
    keys: Iterable[str] | None = None,
    verify: bool = True,
    append: bool = True,
    content_hashes: Mapping[str, str] | None = None,
) -> dict[str, ArtifactRecoveryCopyRegistration]:
    """``register_artifact_recovery_copy`` for each (chosen) output of a run.

    Example:
        >>> register_run_output_recovery_copies(tracker, "r1", "/archive/a")  # doctest: +SKIP
    """
    outputs = _outputs(tracker, run_id, keys)
    return {
        key: register_artifact_recovery_copy(
            tracker,
            artifact,
            recovery_root,
            verify=verify,
            content_hash=(content_hashes or {}).get(key),
            append=append,
        )
        for key, artifact in outputs.items()
    }


def archive_artifact(
    tracker: Any,
    artifact: Any,
    archive_root: str | os.PathLike[str],
    *,
    mode: str = "copy",
    append: bool = True,
) -> Path:
    """Copy (or move) the artifact's bytes under ``archive_root``; record the root; return the copy.

    The copy keeps the relative layout and is verified before it is recorded;
    ``mode="move"`` removes the original only after that.

    Example:
        >>> archive_artifact(tracker, art, "/archive/runs", mode="move")  # doctest: +SKIP
        PosixPath('/archive/runs/outputs/m/r/out.csv')
    """
    check_choice("mode", mode, ARCHIVE_MODES)
    root = check_allowed_destination(
        Path(os.path.abspath(archive_root)),
        allowed_roots(tracker, archives=True),
        allow_external=tracker.allow_external_paths,
        what="Archive root",
    )
    relative = tracker.fs.relative_location(artifact.container_uri)
    target = root / (relative if relative is not None else Path(artifact.path).name)
    source = find_source(tracker, artifact)
    if source is None:
        raise ArtifactFileMissingError(
            f"Cannot archive artifact {artifact.key!r}: no copy of its bytes was found.",
            cause=f"Its URI {artifact.container_uri} and its recovery roots hold no file.",
            fix="Restore it first (tracker.materialize_run_outputs) or re-run the step.",
        )
    if source.path != target:
        try:
            place_bytes(source.path, target, expected=artifact.hash, validate="if-present")
        except HashMismatch as exc:
            raise ConsistValueError(
                f"Cannot archive artifact {artifact.key!r}: its bytes changed since it was "
                "recorded.",
                cause=f"Recorded digest {artifact.hash}, the file has {exc.actual}.",
                fix="Archive the current run's outputs instead, or re-run the step.",
            ) from exc
    set_artifact_recovery_roots(tracker, artifact, [root], append=append)
    if mode == "move" and source.origin == "artifact_uri" and source.path != target:
        _remove(source.path)
    return target


def archive_run_outputs(
    tracker: Any,
    run_id: str,
    archive_root: str | os.PathLike[str],
    *,
    keys: Iterable[str] | None = None,
    mode: str = "copy",
    append: bool = True,
) -> ArchivedOutputs:
    """``archive_artifact`` for each (chosen) output of a recorded run.

    Example:
        >>> archive_run_outputs(tracker, "r1", "/archive/runs").paths  # doctest: +SKIP
    """
    outputs = _outputs(tracker, run_id, keys)
    paths = {
        k: archive_artifact(tracker, a, archive_root, mode=mode, append=append)
        for k, a in outputs.items()
    }
    return ArchivedOutputs(paths, outputs)


def archive_current_run_outputs(
    tracker: Any,
    archive_root: str | os.PathLike[str],
    *,
    keys: Iterable[str] | None = None,
    mode: str = "copy",
    append: bool = True,
) -> ArchivedOutputs:
    """Archive outputs logged so far by the open run (recorded with the run when it ends).

    Example:
        >>> with tracker.start_run("r1", model="m"):  # doctest: +SKIP
        ...     tracker.log_output(path, key="out")
        ...     tracker.archive_current_run_outputs("/archive/runs")
    """
    state = tracker._require_active("archive the current run's outputs")
    outputs = dict(state.outputs)
    if keys is not None:
        outputs = {k: outputs[k] for k in keys if k in outputs}
    paths = {
        k: archive_artifact(tracker, a, archive_root, mode=mode, append=append)
        for k, a in outputs.items()
    }
    return ArchivedOutputs(paths, outputs)


def _copy_in(tracker: Any, artifact: Any, root: Path) -> Path | None:
    relative = tracker.fs.relative_location(artifact.container_uri)
    name = artifact.container_uri.rstrip("/").rsplit("/", 1)[-1]
    for candidate in ([root / relative] if relative is not None else []) + [root / name]:
        if candidate.exists():
            return candidate
    return None


def _outputs(tracker: Any, run_id: str, keys: Iterable[str] | None) -> dict[str, Any]:
    outputs = tracker.get_artifacts_for_run(run_id).outputs
    return select_outputs(run_id, outputs, keys, error=ConfigError)


def _persist(tracker: Any, artifact: Any) -> None:
    """Write the artifact's new meta to the database and to its producing run's snapshot."""
    if getattr(tracker, "_active", None) is not None and _is_pending(tracker, artifact):
        return  # logged by the open run: recorded (with this meta) when the run ends
    store = tracker.metadata_store
    if store is not None:
        store.insert_artifacts([artifact])
    if artifact.run_id:
        _update_snapshot(tracker.run_dir, artifact)
    memory = getattr(tracker, "_memory", None)
    if memory is not None:
        memory.clear()  # remembered cache hits hold the old records


def _is_pending(tracker: Any, artifact: Any) -> bool:
    state = tracker._active
    return any(a is artifact for a in [*state.outputs.values(), *state.inputs.values()])


def _update_snapshot(run_dir: Path, artifact: Any) -> None:
    from consist.store.snapshots import read_snapshot, snapshot_path, write_snapshot

    path = snapshot_path(run_dir, artifact.run_id)
    if not path.exists():
        return
    record = read_snapshot(path)
    changed = False
    for group in (record.outputs, record.inputs):
        for index, old in enumerate(group):
            if old.id == artifact.id:
                old.meta = dict(artifact.meta)
                group[index] = old
                changed = True
    if changed:
        write_snapshot(run_dir, record)


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
