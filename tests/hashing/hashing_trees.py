"""Build file trees described as vector-style entries (shared by tests)."""

from __future__ import annotations

import os
import pathlib


def build_tree(root: pathlib.Path, tree: list[dict]) -> None:
    """Create entries: files (content, executable, mtime_ns), dirs, symlinks."""
    for item in tree:
        path = root / item["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if item["kind"] == "dir":
            path.mkdir(exist_ok=True)
        elif item["kind"] == "symlink":
            os.symlink(item["target"], path)
        else:
            path.write_bytes(item["content"].encode("utf-8"))
            path.chmod(0o755 if item.get("executable") else 0o644)
            if "mtime_ns" in item:
                os.utime(path, ns=(item["mtime_ns"], item["mtime_ns"]))
