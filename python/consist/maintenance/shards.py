"""Helpers shared by ``db merge`` and ``db export``: shard files and their snapshot folders.

A shard is an ordinary consist database holding a subset of runs. Its JSON
snapshots, when exported with ``--include-snapshots``, sit next to it in
``<stem>_consist_runs/``.

Example:
    >>> shard_snapshot_dir(Path("/x/shard.duckdb")).name
    'shard_consist_runs'
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from consist.errors import ConfigError
from consist.maintenance.database import damaged, probe_file

__all__ = ["copy_snapshots", "release_in_process", "require_shard", "shard_snapshot_dir"]


def shard_snapshot_dir(shard: Path) -> Path:
    """Folder of the JSON snapshots that travel with ``shard``."""
    return shard.with_name(f"{shard.stem}_consist_runs")


def require_shard(shard: Path, db_path: Path) -> None:
    """Refuse a missing shard, a non-DuckDB file, or the target database itself."""
    probe = probe_file(shard)
    if not probe.exists:
        raise ConfigError(
            f"Shard not found: {shard}",
            cause="merge reads another consist database file.",
            fix="Pass the path of a shard written by `consist db export`.",
        )
    if probe.size and not probe.header_ok:
        raise damaged(shard, OSError("the shard does not start with a DuckDB header"))
    if shard.resolve() == db_path.resolve():
        raise ConfigError(
            f"Cannot merge a database into itself: {shard}",
            cause="The shard and --db-path are the same file.",
            fix="Pass a different shard file.",
        )


def release_in_process(path: Path) -> None:
    """Let go of ``path`` if this process opened it through the store (before ATTACH)."""
    from consist.store.registry import open_database

    if path.exists():
        open_database(path, read_only=True).release()


def copy_snapshots(run_ids: Iterable[str], source_dirs: Iterable[Path], dest: Path) -> list[str]:
    """Copy ``<run>.json`` of each run from the first source folder that has it into ``dest``."""
    from consist.store.snapshots import safe_run_id

    copied = []
    sources = [d for d in source_dirs if d.is_dir()]
    for run_id in run_ids:
        name = f"{safe_run_id(run_id)}.json"
        for folder in sources:
            if (folder / name).is_file():
                dest.mkdir(parents=True, exist_ok=True)
                shutil.copy2(folder / name, dest / name)
                copied.append(str(dest / name))
                break
    return copied
