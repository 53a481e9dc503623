"""``consist validate``: do the recorded artifact files still exist and match their digests?

Each artifact is located with an ``ArtifactLocator`` (``--run-dir``,
``--mount``, ``--trust-db``; a run-relative URI without ``--run-dir`` is
reported as unresolved, not missing) and re-hashed with the algorithm its stored
digest names (``blake3:``, ``sha256:``; folders through
``digest_directory``; ``fast:`` metadata identities are recomputed from size
and mtime). Files are hashed in parallel batches of
``CONSIST_VALIDATE_BATCH_SIZE`` (default 1000). With ``fix=True`` missing
artifacts get ``meta["missing_on_disk"] = True`` (and found ones lose the
flag), as in Consist 0.3.

Example:
    >>> import tempfile, pathlib
    >>> from consist.maintenance.database import open_store
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = open_store(d / "p.duckdb").count_runs()
    >>> validate_artifacts(d / "p.duckdb")["checked"]
    0
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from consist.maintenance.database import open_store
from consist.maintenance.locator import ArtifactLocator
from consist.maintenance.progress import Progress, task
from consist.models import Artifact

__all__ = ["validate_artifacts"]


def _digest_of(path: Path, stored: str) -> str | None:
    """Recompute ``path``'s digest the way ``stored`` was made; None if that is not possible."""
    from consist.hashing import digest_directory, hash_file

    algorithm = stored.partition(":")[0]
    if algorithm not in ("blake3", "sha256", "fast"):
        return None
    strategy = "fast" if algorithm == "fast" else "full"
    content = "blake3" if algorithm == "fast" else algorithm
    if path.is_dir():
        return str(digest_directory(path, algorithm=content, strategy=strategy).digest)
    return str(hash_file(path, algorithm=content, strategy=strategy))


def _check_batch(batch: list[tuple[Artifact, Path]], report: dict[str, Any]) -> None:
    from consist.hashing import hash_files

    groups: dict[str, list[tuple[Artifact, Path]]] = {}
    for artifact, path in batch:
        algorithm = (artifact.hash or "").partition(":")[0]
        if path.is_file() and algorithm in ("blake3", "sha256"):
            groups.setdefault(algorithm, []).append((artifact, path))
        else:
            actual = _digest_of(path, artifact.hash or "") if artifact.hash else None
            _record(report, artifact, path, actual)
    for algorithm, items in groups.items():
        digests = hash_files([p for _, p in items], algorithm=algorithm)
        for (artifact, path), digest in zip(items, digests, strict=True):
            _record(report, artifact, path, str(digest))


def _record(report: dict[str, Any], artifact: Artifact, path: Path, actual: str | None) -> None:
    entry = {"id": artifact.id, "key": artifact.key, "path": str(path)}
    if actual is None:
        report["unverified"].append(entry)
    elif actual != artifact.hash:
        report["mismatched"].append({**entry, "expected": artifact.hash, "actual": actual})
    else:
        report["ok"] += 1


def validate_artifacts(
    db_path: str | os.PathLike[str],
    *,
    run_dir: str | os.PathLike[str] | None = None,
    mounts: Mapping[str, str] | None = None,
    trust_db: bool = False,
    run_id: str | None = None,
    check_digests: bool = True,
    fix: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Check every artifact (or those of ``run_id``); returns counts and problem lists."""
    from consist import settings

    store = open_store(db_path, read_only=not fix)
    if run_id is not None:
        linked = store.get_artifacts_for_run(run_id)
        artifacts = list(
            {a.id: a for a in [*linked.inputs.values(), *linked.outputs.values()]}.values()
        )
    else:
        artifacts = store.find_artifacts()
    runs = store.get_runs({a.run_id for a in artifacts if a.run_id})
    locator = ArtifactLocator(run_dir, mounts, trust_db=trust_db)
    report: dict[str, Any] = {
        "checked": len(artifacts),
        "ok": 0,
        "missing": [],
        "mismatched": [],
        "unverified": [],
        "unresolved": [],
        "fixed": 0,
    }
    batch_size = settings.validate_batch_size()
    batch: list[tuple[Artifact, Path]] = []
    changed: list[Artifact] = []
    with task(progress, "validating artifacts", len(artifacts)) as step:
        for artifact in artifacts:
            candidates = locator.candidates(artifact, runs.get(artifact.run_id))
            path = next((p for p in candidates if p.exists()), None)
            flagged = artifact.meta.get("missing_on_disk") is True
            if not candidates:
                report["unresolved"].append(
                    {"id": artifact.id, "key": artifact.key, "uri": artifact.container_uri}
                )
                step(1)
                continue
            if path is None:
                report["missing"].append(
                    {"id": artifact.id, "key": artifact.key, "uri": artifact.container_uri}
                )
                if fix and not flagged:
                    artifact.meta["missing_on_disk"] = True
                    changed.append(artifact)
                step(1)
                continue
            if fix and flagged:
                artifact.meta.pop("missing_on_disk")
                changed.append(artifact)
            if check_digests:
                batch.append((artifact, path))
            else:
                report["ok"] += 1
            if len(batch) >= batch_size:
                _check_batch(batch, report)
                step(len(batch))
                batch = []
            if not check_digests:
                step(1)
        if batch:
            _check_batch(batch, report)
            step(len(batch))
    if changed:
        store.insert_artifacts(changed)
        report["fixed"] = len(changed)
    return report
