"""Admission checks: is this file the very input a completed earlier run read?

Before a step runs on a file handed over from elsewhere (another machine,
an archive, a colleague), compare it with the input a trusted earlier run
recorded under the same key. The ``AdmissionReport`` says:

* ``verified``: the file has the recorded content digest;
* ``mismatched``: it has different bytes;
* ``unverified``: the run recorded no content digest for that input (a
  ``fast:`` metadata identity, or none) and no ``expected_bytes_path`` was given;
* ``unreadable``: the file is missing or cannot be read.

Digests are consist's tagged strings (``blake3:<hex>``; ``sha256:<hex>``
for trackers configured with ``hash_algorithm="sha256"``); the file is
hashed with the algorithm of the recorded digest, reading every byte.

Example:
    >>> report = consist.check_artifact_identity(tracker, execution_path="inputs/land_use.csv",
    ...                                          expected_run_id="prep_2030",
    ...                                          artifact_key="land_use")  # doctest: +SKIP
    >>> report.outcome  # doctest: +SKIP
    'verified'
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from consist.errors import ArtifactNotFoundError, ConfigError, RunNotFoundError

__all__ = [
    "ADMISSION_OUTCOMES",
    "AdmissionReference",
    "AdmissionReport",
    "check_admission_reference",
    "check_artifact_identity",
]

ADMISSION_OUTCOMES = ("verified", "mismatched", "unverified", "unreadable")
REPORT_SCHEMA_VERSION = 2
_CONTENT_TAGS = ("blake3", "sha256")


@dataclass(frozen=True, slots=True)
class AdmissionReference:
    """A file to admit and the recorded input (by key) it must match.

    Example:
        >>> AdmissionReference(artifact_key="land_use", execution_path="in/lu.csv").artifact_key
        'land_use'
    """

    artifact_key: str
    execution_path: str | os.PathLike[str]
    expected_bytes_path: str | os.PathLike[str] | None = None
    input_role: str | None = None


@dataclass(frozen=True, slots=True)
class AdmissionReport:
    """The outcome of one admission check; ``to_json()`` is canonical (sorted, compact).

    Example:
        >>> report = AdmissionReport(outcome="verified", expected_run_id="r", artifact_key="k",
        ...                          execution_path="/in/k.csv", expected_digest="blake3:aa",
        ...                          observed_digest="blake3:aa", digest_algorithm="blake3")
        >>> report.verified, json.loads(report.to_json())["report_schema_version"]
        (True, 2)
    """

    outcome: str
    expected_run_id: str
    artifact_key: str
    execution_path: str
    expected_digest: str | None
    observed_digest: str | None
    digest_algorithm: str | None
    artifact_id: str | None = None
    input_role: str | None = None
    expected_bytes_path: str | None = None
    message: str | None = None
    report_schema_version: int = REPORT_SCHEMA_VERSION

    @property
    def verified(self) -> bool:
        """True when the file has the recorded bytes."""
        return self.outcome == "verified"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field."""
        return asdict(self)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, compact), stable for diffing and archiving."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))


def check_artifact_identity(
    tracker: Any,
    *,
    execution_path: str | os.PathLike[str],
    expected_run_id: str,
    artifact_key: str,
    expected_bytes_path: str | os.PathLike[str] | None = None,
    input_role: str | None = None,
) -> AdmissionReport:
    """Compare ``execution_path`` with input ``artifact_key`` of completed run ``expected_run_id``.

    ``expected_bytes_path`` names a file holding the expected bytes, used
    when the run recorded no content digest (it must itself match a recorded
    content digest when there is one). ``input_role`` is recorded in the report.
    Raises ``RunNotFoundError`` / ``ArtifactNotFoundError`` for an unknown run
    or key, ``ConfigError`` when the run did not complete.

    Example:
        >>> consist.check_artifact_identity(tracker, execution_path=path,
        ...                                 expected_run_id="prep_2030",
        ...                                 artifact_key="land_use").outcome  # doctest: +SKIP
        'mismatched'
    """
    run = tracker.get_run(expected_run_id)
    if run is None:
        raise RunNotFoundError(
            f"No run with id {expected_run_id!r}.",
            cause="Admission compares a file with an input recorded by that run.",
            fix="List runs with tracker.find_runs() or `consist runs`.",
        )
    if run.status != "completed":
        raise ConfigError(
            f"Run {expected_run_id!r} is {run.status}, not completed.",
            cause="Only inputs of completed runs are trusted references.",
            fix="Pick a completed run (tracker.find_runs(status='completed')).",
        )
    inputs = tracker.get_run_inputs(expected_run_id)
    artifact = inputs.get(artifact_key)
    if artifact is None:
        raise ArtifactNotFoundError(
            f"Run {expected_run_id!r} has no input {artifact_key!r}.",
            cause=f"Its inputs are: {', '.join(sorted(inputs)) or '(none)'}.",
            fix="Pass one of those keys as artifact_key.",
        )
    path = Path(os.path.abspath(execution_path))
    expected = artifact.hash if _is_content(artifact.hash) else None
    report = _Report(run.id, artifact_key, path, artifact.id, input_role, expected_bytes_path)
    if expected_bytes_path is not None:
        reference = _digest(Path(expected_bytes_path), _algorithm(expected) or "blake3")
        if reference is None:
            return report.done("unreadable", expected, None, f"Cannot read {expected_bytes_path}.")
        if expected is not None and reference != expected:
            return report.done(
                "mismatched", expected, reference, "expected_bytes_path differs from the record."
            )
        expected = reference
    if expected is None:
        return report.done("unverified", None, None, "The run recorded no content digest.")
    observed = _digest(path, _algorithm(expected))
    if observed is None:
        return report.done("unreadable", expected, None, f"Cannot read {path}.")
    return report.done("verified" if observed == expected else "mismatched", expected, observed)


def check_admission_reference(
    tracker: Any,
    *,
    reference: AdmissionReference,
    expected_run_id: str,
    expected_bytes_path: str | os.PathLike[str] | None = None,
) -> AdmissionReport:
    """``check_artifact_identity`` for an ``AdmissionReference``.

    Example:
        >>> ref = AdmissionReference(artifact_key="land_use", execution_path="in/lu.csv")
        >>> consist.check_admission_reference(tracker, reference=ref,
        ...                                   expected_run_id="prep_2030")  # doctest: +SKIP
    """
    return check_artifact_identity(
        tracker,
        execution_path=reference.execution_path,
        expected_run_id=expected_run_id,
        artifact_key=reference.artifact_key,
        expected_bytes_path=expected_bytes_path or reference.expected_bytes_path,
        input_role=reference.input_role,
    )


@dataclass(slots=True)
class _Report:
    run_id: str
    key: str
    path: Path
    artifact_id: str
    role: str | None
    expected_bytes_path: Any

    def done(
        self, outcome: str, expected: str | None, observed: str | None, message: str | None = None
    ) -> AdmissionReport:
        return AdmissionReport(
            outcome=outcome,
            expected_run_id=self.run_id,
            artifact_key=self.key,
            execution_path=str(self.path),
            expected_digest=expected,
            observed_digest=observed,
            digest_algorithm=_algorithm(expected),
            artifact_id=self.artifact_id,
            input_role=self.role,
            expected_bytes_path=None
            if self.expected_bytes_path is None
            else str(os.path.abspath(self.expected_bytes_path)),
            message=message,
        )


def _is_content(digest: str | None) -> bool:
    return bool(digest) and digest.split(":", 1)[0] in _CONTENT_TAGS


def _algorithm(digest: str | None) -> str | None:
    return digest.split(":", 1)[0] if digest else None


def _digest(path: Path, algorithm: str) -> str | None:
    from consist.identity.hash_backend import digest_path

    try:
        return digest_path(path, algorithm=algorithm)
    except OSError:  # HashError subclasses OSError: missing, unreadable, symlink refused
        return None
