"""The machine-readable record behind RESULTS.md, merged per target across runs.

``--only P1`` replaces P1's record and keeps the others, each with its own date and
command, so RESULTS.md always shows every target's latest full-size measurement.

Example::

    store = load_store(Path("benchmarks/results.json"))
    store["P1"] = target_record(rows, command="make bench", page_cache="warm", machine={})
    save_store(Path("benchmarks/results.json"), store)
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from harness.row import Row


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (two harness runs may finish together).

    Example: ``with locked(Path(".bench/results.lock")): ...load, merge, save...``.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_store(path: Path) -> dict[str, dict]:
    """Read the store; a missing file is an empty store.

    Example: ``load_store(Path("benchmarks/results.json")).keys()``.
    """
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def save_store(path: Path, store: dict[str, dict]) -> None:
    """Write atomically (temp file + rename), so an interrupted run leaves the old file.

    Example: ``save_store(path, {"P1": record})``.
    """
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(store, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def target_record(
    rows: Sequence[Row],
    *,
    command: str,
    page_cache: str,
    machine: dict[str, str],
    load: str = "",
    revision: str = "",
) -> dict[str, object]:
    """One target's latest result with when, how and where it was measured.

    ``load`` is the 1-minute load average when the target started (the box is shared);
    ``revision`` the git commit measured ("+dirty" when the tree had local changes).

    Example: ``target_record(rows, command="make bench", page_cache="warm", machine=facts)``.
    """
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    return {
        "rows": [r.to_dict() for r in rows],
        "date": now,
        "command": command,
        "page_cache": page_cache,
        "machine": machine,
        "load": load,
        "revision": revision,
    }


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` via a temp file and rename.

    Example: ``write_text_atomic(Path("benchmarks/RESULTS.md"), markdown)``.
    """
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def git_revision(repo: Path) -> str:
    """Short HEAD commit, with "+dirty" if tracked files differ; "" outside git.

    Example: ``git_revision(Path("."))`` -> "bc64356+dirty".
    """
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return ""
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")
