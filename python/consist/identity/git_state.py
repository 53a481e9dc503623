"""The ``repo_git`` code identity, computed once per process and re-checked cheaply.

Asking git is too slow for every run (``rev-parse`` + ``diff`` are a few ms
as subprocesses), so a ``GitState`` asks once and remembers the stat
(size, mtime_ns, ctime_ns, inode) of everything that can change the answer:

- ``HEAD``, the branch ref file it points to, ``packed-refs`` and a
  reftable's ``tables.list`` (a commit or checkout rewrites one of them);
- the index (``git add``, ``git commit`` rewrite it);
- every tracked ``*.py`` file.

A later call repeats those ``stat`` calls and runs git again only when one
differs. Like git's own "racy clean" rule, a file written within
``RACY_WINDOW_NS`` of the snapshot is not trusted: filesystem timestamps are
coarse, so a second same-size write in the same tick would look unchanged.

The identity is the ``HEAD`` commit, or ``<sha>-dirty-<12 hex>`` when tracked
``*.py`` files differ from ``HEAD`` (staged or not; the hex is a hash of the
diff). Untracked files and non-Python files are ignored, as in Consist 0.3;
name other files with ``code_identity_extra_deps``.

    >>> state = git_state_for(".")  # doctest: +SKIP
    >>> state.code_version()  # doctest: +SKIP
    '3f2a…'
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from consist.identity.hash_backend import hash_bytes

__all__ = ["RACY_WINDOW_NS", "GitState", "GitUnavailableError", "find_git_marker", "git_state_for"]

# Widest common timestamp granularity (FAT: 2 s); ext4/XFS are far finer.
RACY_WINDOW_NS = 2_000_000_000
DIRTY_DIFF_CONTEXT = "consist 2026 git dirty diff v1"
_PY_PATHSPEC = "*.py"
_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}

StatKey = tuple[int, int, int, int] | None


class GitUnavailableError(Exception):
    """Internal: repo_git cannot be computed here; ``str(exc)`` is the reason."""


def _stat_key(path: str) -> StatKey:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _read_small(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(4096)
    except OSError:
        return None


def find_git_marker(start: str | os.PathLike[str]) -> Path | None:
    """The nearest ``.git`` (directory or worktree file) at or above ``start``.

    Example:
        >>> find_git_marker("/") is None or True
        True
    """
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        marker = folder / ".git"
        if marker.exists():
            return marker
    return None


@dataclass(frozen=True, slots=True)
class _Fingerprint:
    paths: tuple[str, ...]
    keys: tuple[StatKey, ...]
    taken_ns: int

    def is_racy(self, window_ns: int) -> bool:
        horizon = self.taken_ns - window_ns
        # mtime only, as git does: content writes set it; ctime changes are caught by matching.
        return any(key is not None and key[1] >= horizon for key in self.keys)

    def matches_disk(self) -> bool:
        # The hot loop of every unchanged call: one stat per path, no allocations.
        stat = os.stat
        for path, key in zip(self.paths, self.keys, strict=True):
            try:
                st = stat(path)
            except OSError:
                if key is None:
                    continue
                return False
            if (
                key is None
                or st.st_mtime_ns != key[1]
                or st.st_size != key[0]
                or st.st_ctime_ns != key[2]
                or st.st_ino != key[3]
            ):
                return False
        return True


class GitState:
    """Code identity of one git work tree, cached behind a cheap fingerprint.

    ``subprocess_calls`` counts the git processes started and
    ``recomputations`` the times git was asked, so tests can check that an
    unchanged tree is not asked again.

    Example:
        >>> GitState("/tmp/not-a-repo").code_version()  # doctest: +SKIP
        Traceback (most recent call last):
        GitUnavailableError: ...
    """

    def __init__(self, top_level: str | os.PathLike[str], *, racy_window_ns: int = RACY_WINDOW_NS):
        self.top_level = Path(top_level)
        self.racy_window_ns = racy_window_ns
        self.subprocess_calls = 0
        self.recomputations = 0
        self._lock = threading.Lock()
        self._git_dir = ""
        self._common_dir = ""
        self._tracked: tuple[str, ...] = ()  # absolute paths of tracked *.py files
        self._tracked_index_key: StatKey | object = object()  # never equal: not listed yet
        self._fingerprint: _Fingerprint | None = None
        self._value = ""

    def code_version(self) -> str:
        """The commit sha, or ``<sha>-dirty-<hex>``; raises ``GitUnavailableError``."""
        with self._lock:
            fingerprint = self._fingerprint
            if (
                fingerprint is not None
                and not fingerprint.is_racy(self.racy_window_ns)
                and fingerprint.matches_disk()
            ):
                return self._value
            if not self._git_dir:
                self._locate()
            self._recompute()
            return self._value

    def _git(self, *args: str) -> bytes:
        self.subprocess_calls += 1
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.top_level,
                capture_output=True,
                env={**os.environ, **_GIT_ENV},
                check=False,
            )
        except FileNotFoundError as exc:
            raise GitUnavailableError("the git executable was not found on PATH.") from exc
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            reason = message[-1] if message else f"git {args[0]} exited {done.returncode}"
            raise GitUnavailableError(f"git {args[0]} failed: {reason}")
        return done.stdout

    def _locate(self) -> None:
        out = self._git("rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir")
        lines = out.decode(errors="surrogateescape").splitlines()
        self._git_dir, self._common_dir = lines[0], lines[1] if len(lines) > 1 else lines[0]

    def _ref_paths(self) -> list[str]:
        head = os.path.join(self._git_dir, "HEAD")
        paths = [
            head,
            os.path.join(self._common_dir, "packed-refs"),
            os.path.join(self._common_dir, "reftable", "tables.list"),
        ]
        content = _read_small(head)
        if content and content.startswith(b"ref: "):
            name = content[5:].strip().decode(errors="surrogateescape")
            paths.append(os.path.join(self._common_dir, name))
        return paths

    def _recompute(self) -> None:
        self.recomputations += 1
        # Snapshot first, git second: a change while git runs shows up next time.
        taken_ns = time.time_ns()
        index = os.path.join(self._git_dir, "index")
        index_key = _stat_key(index)
        if index_key != self._tracked_index_key or index_key is None:
            listing = self._git("ls-files", "-z", "--cached", "--", _PY_PATHSPEC)
            root = str(self.top_level)
            self._tracked = tuple(
                os.path.join(root, rel.decode(errors="surrogateescape"))
                for rel in listing.split(b"\0")
                if rel
            )
            self._tracked_index_key = index_key
        paths = (*self._ref_paths(), index, *self._tracked)
        keys = tuple(_stat_key(path) for path in paths)
        try:
            sha = self._git("rev-parse", "--verify", "-q", "HEAD^{commit}").decode().strip()
        except GitUnavailableError:
            raise GitUnavailableError("the repository has no commits yet.") from None
        # Plumbing on purpose: porcelain `git diff` rewrites the index to refresh
        # stat data (even with GIT_OPTIONAL_LOCKS=0), which would change our snapshot.
        diff = self._git(
            "diff-index", "-p", "--no-ext-diff", "--no-textconv", "--binary", "HEAD",
            "--", _PY_PATHSPEC,
        )  # fmt: skip
        if diff:
            digest = hash_bytes(sha.encode() + b"\n\n" + diff, context=DIRTY_DIFF_CONTEXT)
            self._value = f"{sha}-dirty-{digest.split(':', 1)[1][:12]}"
        else:
            self._value = sha
        self._fingerprint = _Fingerprint(paths, keys, taken_ns)


_STATES: dict[Path, GitState] = {}
_STATES_BY_ROOT: dict[str, GitState] = {}  # project root as given -> state (skips the walk)
_STATES_LOCK = threading.Lock()


def git_state_for(project_root: str | os.PathLike[str]) -> GitState:
    """The process-wide ``GitState`` of the repository containing ``project_root``.

    Raises ``GitUnavailableError`` when no ``.git`` is found at or above it.
    Pass an absolute root: a relative one is resolved against the current
    directory on first use and remembered.

    Example:
        >>> git_state_for(".").code_version()  # doctest: +SKIP
        '3f2a…'
    """
    key = os.fspath(project_root)
    state = _STATES_BY_ROOT.get(key)
    if state is not None:
        return state
    marker = find_git_marker(project_root)
    if marker is None:
        raise GitUnavailableError(f"no git repository at or above {Path(project_root).resolve()}.")
    top_level = marker.parent
    with _STATES_LOCK:
        state = _STATES.get(top_level)
        if state is None:
            state = _STATES[top_level] = GitState(top_level)
        _STATES_BY_ROOT[key] = state
        return state
