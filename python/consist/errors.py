"""Errors and warnings raised by consist.

Every error has three parts, rendered as::

    Problem: <what failed>
    Cause: <why consist rejected it>
    Fix: <the concrete remediation>

Where the troubleshooting guide quotes a message, that exact text is the
problem line, so ``pytest.raises(ValueError, match="...")`` written against
Consist 0.3 keeps working. Each class also inherits the builtin that callers
already catch::

    ConsistError
    ├── ConsistValueError (ValueError)
    │   ├── ConfigError            invalid option or argument value
    │   ├── SchemaValidationError  a frame does not match its declared schema
    │   └── UriResolutionError     ``Cannot resolve URI: <uri>``, traversal outside mounts
    ├── ConsistTypeError (TypeError)  unexpected keyword arguments and wrong shapes
    ├── ConsistLookupError (LookupError)
    │   ├── RunNotFoundError
    │   └── ArtifactNotFoundError
    ├── ConsistRuntimeError (RuntimeError)
    │   ├── DatabaseError
    │   │   └── DatabaseLockedError
    │   └── ContainerError
    └── HashError (OSError)       a path could not be hashed
        ├── HashFileNotFoundError (FileNotFoundError)
        ├── HashPermissionError   (PermissionError)
        ├── HashPathError         (ValueError) symlink rejected, name not UTF-8
        └── PlacementError        a file could not be cloned/copied/linked

    ConsistWarning (UserWarning)
    ├── RelationConnectionLeakWarning
    └── NullValueWarning           null in a non-optional schema field
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ArtifactFileMissingError",
    "ArtifactNotFoundError",
    "CodeIdentityUnavailableError",
    "ConfigError",
    "ConsistError",
    "ConsistLookupError",
    "ConsistRuntimeError",
    "ConsistTypeError",
    "ConsistValueError",
    "ConsistWarning",
    "ContainerError",
    "ContainerExecutionError",
    "CorruptSnapshotError",
    "DatabaseError",
    "DatabaseLockedError",
    "HashError",
    "HashFileNotFoundError",
    "HashPathError",
    "HashPermissionError",
    "NullValueWarning",
    "PlacementError",
    "RelationConnectionLeakWarning",
    "RunNotFoundError",
    "SchemaValidationError",
    "UriResolutionError",
    "format_problem_cause_fix",
]


def format_problem_cause_fix(problem: str, cause: str | None, fix: str | None) -> str:
    """Render the three-part error text.

    Example:
        >>> print(format_problem_cause_fix("x failed", "y", "do z"))
        Problem: x failed
        Cause: y
        Fix: do z
    """
    lines = [f"Problem: {problem}"]
    if cause:
        lines.append(f"Cause: {cause}")
    if fix:
        lines.append(f"Fix: {fix}")
    return "\n".join(lines)


class ConsistError(Exception):
    """Root of every consist error; carries ``problem``, ``cause`` and ``fix``.

    Example:
        >>> err = ConfigError("bad value", cause="it was negative", fix="pass a positive number")
        >>> isinstance(err, ValueError), err.problem
        (True, 'bad value')
    """

    code: ClassVar[str] = "consist.error"

    def __init__(self, problem: str, *, cause: str | None = None, fix: str | None = None) -> None:
        self.problem = problem
        self.cause = cause
        self.fix = fix
        super().__init__(format_problem_cause_fix(problem, cause, fix))

    def __str__(self) -> str:
        return format_problem_cause_fix(self.problem, self.cause, self.fix)


class ConsistValueError(ConsistError, ValueError):
    """An argument or value was rejected."""

    code = "consist.value"


class ConfigError(ConsistValueError):
    """An option or argument has an invalid value."""

    code = "consist.config"


class SchemaValidationError(ConsistValueError):
    """A data frame does not satisfy its declared schema; nothing was written."""

    code = "consist.schema"


class UriResolutionError(ConsistValueError):
    """A URI has an unknown scheme or points outside the allowed roots."""

    code = "consist.uri"


class ConsistTypeError(ConsistError, TypeError):
    """A call used a keyword or a value shape that is not accepted."""

    code = "consist.type"


class ConsistLookupError(ConsistError, LookupError):
    """Something asked for by id or key does not exist."""

    code = "consist.lookup"


class RunNotFoundError(ConsistLookupError):
    """No run with the given id is recorded."""

    code = "consist.run_not_found"


class ArtifactNotFoundError(ConsistLookupError):
    """No artifact with the given id or key is recorded."""

    code = "consist.artifact_not_found"


class ConsistRuntimeError(ConsistError, RuntimeError):
    """An operation failed while running."""

    code = "consist.runtime"


class DatabaseError(ConsistRuntimeError):
    """The provenance database could not be read or written."""

    code = "consist.database"


class DatabaseLockedError(DatabaseError):
    """The provenance database stayed locked after all retries."""

    code = "consist.database_locked"


class ContainerError(ConsistRuntimeError):
    """A container step failed or could not be started."""

    code = "consist.container"


class HashError(ConsistError, OSError):
    """A path could not be hashed; ``filename`` names it.

    Example:
        >>> err = HashFileNotFoundError("/nope", cause="no such file", fix="check the path")
        >>> isinstance(err, FileNotFoundError), err.filename
        (True, '/nope')
    """

    code = "consist.hash"
    default_problem: ClassVar[str] = "Cannot hash path"

    def __init__(
        self,
        path: str,
        *,
        cause: str | None = None,
        fix: str | None = None,
        errno: int | None = None,
        problem: str | None = None,
    ) -> None:
        ConsistError.__init__(
            self, problem or f"{self.default_problem}: {path}", cause=cause, fix=fix
        )
        self.errno = errno
        self.strerror = cause
        self.filename = path

    def __str__(self) -> str:
        return ConsistError.__str__(self)


class HashFileNotFoundError(HashError, FileNotFoundError):
    """The path to hash does not exist."""

    code = "consist.hash.not_found"
    default_problem = "Path not found"


class HashPermissionError(HashError, PermissionError):
    """The path to hash cannot be read."""

    code = "consist.hash.permission"
    default_problem = "Permission denied"


class ConsistWarning(UserWarning):
    """Root of consist's warnings."""


class RelationConnectionLeakWarning(ConsistWarning):
    """Many DuckDB relations from ``consist.load`` are still open."""


class CodeIdentityUnavailableError(ConsistRuntimeError):
    """The requested code identity (git commit, module file, source) cannot be computed."""

    code = "consist.code_identity"


class ContainerExecutionError(ContainerError):
    """A container exited with a non-zero code; ``exit_code`` and ``log_tail`` say how.

    Example:
        >>> err = ContainerExecutionError("Container execution failed", exit_code=3)
        >>> isinstance(err, RuntimeError), err.exit_code
        (True, 3)
    """

    code = "consist.container.failed"

    def __init__(
        self,
        problem: str,
        *,
        exit_code: int,
        log_tail: tuple[str, ...] = (),
        cause: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(problem, cause=cause, fix=fix)
        self.exit_code = exit_code
        self.log_tail = tuple(log_tail)


class HashPathError(HashError, ValueError):
    """A path cannot be part of a digest: a symlink the policy rejects, or a
    name that is not valid UTF-8."""

    code = "consist.hash.path"
    default_problem = "Cannot digest path"


class PlacementError(HashError):
    """A file could not be placed (cloned, copied or linked) at its destination."""

    code = "consist.placement"
    default_problem = "Cannot place file"


class NullValueWarning(ConsistWarning):
    """A frame has nulls in a field its schema declares non-optional (policy "warn")."""


class CorruptSnapshotError(ConsistValueError):
    """A run's JSON snapshot cannot be parsed or lacks required fields."""

    code = "consist.snapshot"


class ArtifactFileMissingError(ConsistError, FileNotFoundError):
    """An artifact's file is gone from disk and no ingested copy may stand in for it."""

    code = "consist.artifact_missing"

    def __str__(self) -> str:
        return ConsistError.__str__(self)
