"""Helpers for identity tests: real git repositories and importable modules in tmp_path."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

GIT_IDENTITY = ["-c", "user.name=consist-tests", "-c", "user.email=tests@consist.invalid"]


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (identity given with -c, so no global config is needed)."""
    done = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def backdate(root: Path, seconds: float = 30.0) -> None:
    """Move every mtime under ``root`` into the past, out of the racy window."""
    past = time.time_ns() - int(seconds * 1e9)
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), ns=(past, past))


def import_file(path: Path, name: str) -> ModuleType:
    """Import a module from a file, fresh (no cached bytecode or linecache reuse)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as a normal import does (inspect looks classes up here)
    spec.loader.exec_module(module)
    return module


def identity_digest_tag() -> str:
    """Tag of digests identity builds itself (configs, signatures).

    BLAKE3 through ``consist.hashing.hash_bytes``; ``sha256:`` only while that
    function does not exist yet (the temporary stdlib fallback in hash_backend).
    """
    import consist.hashing

    return "blake3:" if hasattr(consist.hashing, "hash_bytes") else "sha256:"
