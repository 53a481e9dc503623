"""Creating artifact records for the active run: inputs, outputs, digests, linking.

An input whose location was last written by a completed run, with the same
content, *is* that run's output artifact: it keeps its ``run_id``, so the
producing run's signature enters this run's input hash (Merkle linking). A
raw input (no producer, or the file changed since) is identified by its
content digest. Each path is hashed once, through the tracker's stat cache.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from consist.errors import ConfigError, ConsistRuntimeError, ConsistTypeError
from consist.identity import InputIdentity
from consist.models import Artifact, Run
from consist.tracker.artifact_keys import infer_driver, validate_key

if TYPE_CHECKING:
    from consist.tracker.state import ActiveRun
    from consist.tracker.tracker import Tracker

__all__ = ["input_identity", "make_artifact"]

DIRECTIONS = ("input", "output")
_RAW_INPUT_NAMESPACE = UUID("6f1d4c1e-5b7a-4e59-9a35-0c2d7f3e8b41")


def make_artifact(
    tracker: Tracker,
    state: ActiveRun,
    path: Any,
    *,
    key: str | None,
    direction: str,
    driver: str | None = None,
    table_path: str | None = None,
    array_path: str | None = None,
    content_hash: str | None = None,
    validate_content_hash: bool = False,
    parent_artifact_id: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Artifact:
    """Build (but do not store) the artifact for ``path`` logged in ``direction``."""
    if direction not in DIRECTIONS:
        raise ConfigError(
            f"direction must be 'input' or 'output'; got {direction!r}.",
            cause="An artifact is either read (input) or written (output) by the run.",
            fix="Use direction='input' or direction='output'.",
        )
    if isinstance(path, Artifact):
        return _from_artifact(tracker, path, key=key, direction=direction, meta=meta)
    if hasattr(path, "outputs") and hasattr(path, "cache_hit"):  # a RunResult
        return _from_artifact(tracker, _single_output(path, key), key=key, direction=direction)
    if not isinstance(path, str | os.PathLike):
        raise ConsistTypeError(
            f"Cannot log {type(path).__name__} as an artifact.",
            cause="log_artifact accepts a path, an Artifact or a RunResult.",
            fix="Write the object to a file first (or use log_dataframe for data frames).",
        )
    if key is None:
        raise ConfigError(
            "Argument 'key' required when 'path' is a path-like.",
            cause="Every logged file needs a key to find it again.",
            fix="Pass key='name', e.g. tracker.log_artifact(path, key='trips').",
        )
    validate_key(key)
    local = Path(os.path.abspath(path))
    digest = _digest(tracker, local, content_hash, validate_content_hash)
    uri = tracker.fs.to_uri(local)
    if direction == "input":
        producer = _producer(tracker, uri, table_path, array_path, digest)
        if producer is not None:
            return producer
    extra = dict(meta or {})
    mount = tracker.fs.mount_of(uri)
    if mount is not None:
        extra.setdefault("mount_scheme", mount[0])
        extra.setdefault("mount_root", str(mount[1]))
    ids = {}
    if direction == "input":
        # A raw input's id follows from what it is, so every run reading the same
        # bytes at the same place (and with the same metadata) shares one row.
        identity = json.dumps([key, uri, table_path, array_path, digest, extra], default=str)
        ids["id"] = str(uuid5(_RAW_INPUT_NAMESPACE, identity))
        stored = tracker._memory.stored_artifact(ids["id"], _artifact_lookup(tracker))
        if stored is not None:  # recorded before: reuse it as recorded (created_at included)
            return tracker._attach_resolver(stored)
    artifact = Artifact(
        **ids,
        key=key,
        container_uri=uri,
        driver=driver or infer_driver(local),
        table_path=table_path,
        array_path=array_path,
        hash=digest,
        size=_size(local),
        parent_artifact_id=parent_artifact_id,
        run_id=state.run.id if direction == "output" else None,
        meta=extra,
        abs_path=str(local),
    )
    if direction == "output":  # a fresh uuid4 id: the run's end inserts it unchecked
        state.minted_ids.add(artifact.id)
    tracker._attach_resolver(artifact)
    return artifact


def _artifact_lookup(tracker: Tracker) -> Any:
    store = tracker._store_or_none()
    if store is None:
        return None
    return lambda artifact_id: store.get_artifacts([artifact_id]).get(artifact_id)


def input_identity(tracker: Tracker, key: str, artifact: Artifact) -> InputIdentity:
    """This input's contribution to the input hash: producer signature or content digest."""
    if artifact.run_id is not None:
        signature = tracker._memory.signature_of(artifact.run_id, tracker._store_or_none())
        if signature:
            return InputIdentity.produced(key, signature)
    if not artifact.hash:
        raise ConsistRuntimeError(
            f"Input '{key}' has no digest and no known producing run.",
            cause="Its identity cannot enter the run signature.",
            fix="Log the input from a path that exists, or pass content_hash=....",
        )
    return InputIdentity.raw(key, artifact.hash)


def _from_artifact(
    tracker: Tracker,
    artifact: Artifact,
    *,
    key: str | None,
    direction: str,
    meta: Mapping[str, Any] | None = None,
) -> Artifact:
    tracker._attach_resolver(artifact)
    if meta:
        artifact.meta.update(meta)
    if direction == "input" and artifact.run_id is not None:
        # Trust the producer unless the bytes on disk now differ from what it recorded.
        path = _path_or_none(artifact)
        if path is not None and artifact.hash and path.exists():
            current = tracker.identity.compute_file_checksum(path)
            if _same_kind(current, artifact.hash) and current != artifact.hash:
                return make_artifact(
                    tracker,
                    tracker._require_active("log artifact"),
                    path,
                    key=key or artifact.key,
                    direction=direction,
                    driver=artifact.driver,
                )
    return artifact


def _single_output(result: Any, key: str | None) -> Artifact:
    outputs = result.outputs
    if key is not None and key in outputs:
        return outputs[key]
    if len(outputs) == 1:
        return next(iter(outputs.values()))
    raise ConfigError(
        "A RunResult with several outputs is ambiguous as an input.",
        cause=f"It has outputs {sorted(outputs)}.",
        fix="Pass result.outputs['key'] (or consist.ref(result, 'key')) instead.",
    )


def _digest(tracker: Tracker, path: Path, given: str | None, validate: bool) -> str:
    if given is not None and not validate:
        return given
    computed = tracker.identity.compute_file_checksum(path)
    if given is not None and _same_kind(given, computed) and given != computed:
        raise ConfigError(
            f"content_hash does not match the file at {path}.",
            cause=f"Given {given}, computed {computed}.",
            fix="Drop content_hash to let consist compute it, or fix the file.",
        )
    return computed


def _producer(
    tracker: Tracker, uri: str, table_path: str | None, array_path: str | None, digest: str
) -> Artifact | None:
    store = tracker._store_or_none()
    lookup = None
    if store is not None:

        def lookup(at: str) -> tuple[Artifact, Run] | None:
            return store.find_latest_output_at(at, table_path=table_path, array_path=array_path)

    found = tracker._memory.producer(uri, digest, lookup)
    return tracker._attach_resolver(found[0]) if found is not None else None


def _same_kind(a: str, b: str) -> bool:
    return a.split(":", 1)[0] == b.split(":", 1)[0]


def _path_or_none(artifact: Artifact) -> Path | None:
    try:
        return artifact.path
    except Exception:
        return None


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None
