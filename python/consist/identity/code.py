"""Code identity: what "the code" of a run is, in three modes.

- ``repo_git`` (default): the git commit of the project, ``<sha>-dirty-<hex>``
  when tracked ``*.py`` files have uncommitted edits (see ``git_state``).
  Outside a git repository it falls back to ``callable_module`` when the run
  has a Python callable (``Tracker.run``, scenario headers) and the fallback is
  recorded; without one it raises ``CodeIdentityUnavailableError``.
- ``callable_module``: ``mod:`` + the digest of the file that defines the
  callable (so edits anywhere in that module count).
- ``callable_source``: ``src:`` + a hash of the callable's own source text,
  normalised (dedented, trailing whitespace and blank edges removed), so
  edits elsewhere in the module do not invalidate it.

Callable modes never fall back to git. ``extra_deps`` adds project-relative
files or directories: the identity becomes a hash over the base identity and
``dep:<path>:<digest>`` (or ``:MISSING``) parts.

    >>> def step(x):
    ...     return x + 1
    >>> callable_source_identity(step)[:11]
    'src:blake3:'
"""

from __future__ import annotations

import functools
import inspect
import os
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consist.errors import CodeIdentityUnavailableError
from consist.identity.canonical import encode_canonical
from consist.identity.git_state import GitUnavailableError, git_state_for
from consist.identity.hash_backend import hash_bytes
from consist.options import validate_code_identity, validate_extra_deps

__all__ = [
    "CodeIdentity",
    "callable_module_identity",
    "callable_source_identity",
    "resolve_code_identity",
]

SOURCE_CONTEXT = "consist 2026 callable source v1"
EXTRA_DEPS_CONTEXT = "consist 2026 code identity with extra deps v1"

PathDigest = Callable[[Path], str]


@dataclass(frozen=True, slots=True)
class CodeIdentity:
    """A resolved code identity: the value, and how it was obtained.

    Example:
        >>> CodeIdentity("abc", mode="repo_git", requested_mode="repo_git").to_meta()
        {'mode': 'repo_git', 'requested_mode': 'repo_git', 'value': 'abc'}
    """

    value: str
    mode: str
    requested_mode: str
    fallback_reason: str | None = None
    extra_deps: tuple[str, ...] = ()

    def to_meta(self) -> dict[str, Any]:
        """JSON-ready record for ``run.meta["code_identity"]``."""
        meta: dict[str, Any] = {
            "mode": self.mode,
            "requested_mode": self.requested_mode,
            "value": self.value,
        }
        if self.fallback_reason:
            meta["fallback_reason"] = self.fallback_reason
        if self.extra_deps:
            meta["extra_deps"] = list(self.extra_deps)
        return meta


def _unavailable(mode: str, reason: str) -> CodeIdentityUnavailableError:
    return CodeIdentityUnavailableError(
        f"Code identity unavailable for mode {mode!r}: {reason}",
        cause="The run signature needs a code identity and this mode cannot compute one here.",
        fix="Run inside a Git repository or select/provide a supported callable identity "
        "(CacheOptions(code_identity='callable_module') with a Python callable).",
    )


def _target(fn: Any, mode: str) -> Any:
    """The object whose source/module identifies ``fn``: through decorators and partials."""
    if fn is None or not callable(fn):
        raise _unavailable(mode, "no Python callable was given for this run.")
    target = inspect.unwrap(fn)
    while isinstance(target, functools.partial):
        target = inspect.unwrap(target.func)
    if not (inspect.isroutine(target) or inspect.isclass(target)):
        target = type(target)  # a callable instance: its class holds the code
    return target


def callable_source_identity(fn: Any) -> str:
    """``src:`` + hash of the callable's normalised source text.

    Example:
        >>> callable_source_identity(len)  # doctest: +SKIP
        Traceback (most recent call last):
        CodeIdentityUnavailableError: ...
    """
    target = _target(fn, "callable_source")
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError) as exc:
        raise _unavailable("callable_source", f"cannot read the source of {fn!r} ({exc}).") from exc
    lines = [line.rstrip() for line in textwrap.dedent(source).splitlines()]
    normalised = "\n".join(lines).strip("\n")
    return "src:" + hash_bytes(normalised.encode("utf-8", "surrogatepass"), context=SOURCE_CONTEXT)


def callable_module_identity(fn: Any, file_digest: PathDigest) -> str:
    """``mod:`` + digest of the file defining the callable.

    Example:
        >>> callable_module_identity(textwrap.dedent, lambda p: "blake3:00")
        'mod:blake3:00'
    """
    target = _target(fn, "callable_module")
    try:
        filename = inspect.getfile(target)
    except TypeError as exc:
        raise _unavailable("callable_module", f"{fn!r} has no source file ({exc}).") from exc
    path = Path(filename)
    if not path.is_file():
        raise _unavailable("callable_module", f"the module file {filename} does not exist.")
    return "mod:" + file_digest(path)


def _with_extra_deps(
    base: str, deps: Sequence[str], project_root: Path, path_digest: PathDigest
) -> str:
    parts = [base]
    for dep in deps:
        target = project_root / dep
        digest = path_digest(target) if os.path.exists(target) else "MISSING"
        parts.append(f"dep:{dep}:{digest}")
    record = encode_canonical(sorted(parts))
    return hash_bytes(record, context=EXTRA_DEPS_CONTEXT)


def resolve_code_identity(
    mode: str | None,
    fn: Any = None,
    extra_deps: Sequence[str] | None = None,
    *,
    project_root: str | os.PathLike[str] = ".",
    path_digest: PathDigest,
) -> CodeIdentity:
    """Compute the code identity for ``mode`` (``None`` means ``repo_git``).

    ``path_digest`` digests a file or directory (the tracker's algorithm and
    hashing strategy); it is used for module files and extra deps.

    Example:
        >>> def f():
        ...     pass
        >>> ident = resolve_code_identity("callable_source", f, path_digest=str)
        >>> ident.mode, ident.value[:4]
        ('callable_source', 'src:')
    """
    validate_code_identity(mode)
    requested = mode or "repo_git"
    deps = validate_extra_deps(extra_deps) or ()
    root = Path(project_root)
    used, reason = requested, None
    if requested == "callable_source":
        value = callable_source_identity(fn)
    elif requested == "callable_module":
        value = callable_module_identity(fn, path_digest)
    else:
        try:
            value = git_state_for(root).code_version()
        except GitUnavailableError as exc:
            reason = str(exc)
            if fn is None or not callable(fn):
                raise _unavailable("repo_git", reason) from None
            used = "callable_module"
            value = callable_module_identity(fn, path_digest)
    if deps:
        value = _with_extra_deps(value, deps, root, path_digest)
    return CodeIdentity(value, used, requested, reason, deps)
