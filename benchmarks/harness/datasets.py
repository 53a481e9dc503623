"""Benchmark inputs generated once under ``.bench/data`` and reused by later runs.

Random bytes (``os.urandom``) so nothing compresses or dedups. Each tree gets a sibling
``<name>.ok`` stamp written after the last file, so an interrupted generation is
detected and redone instead of silently benchmarking a partial tree. ``--quick`` uses
smaller sets with different names, so quick and full data coexist.

Example::

    data = DataSets(Path(".bench/data"), quick=False)
    big = data.big_file()          # .bench/data/big_1GiB.bin
    tree = data.small_tree()       # 10,000 x 4 KiB files in 100 subdirectories
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30
WRITE_CHUNK_BYTES = 64 * MIB
FILES_PER_DIR = 1000  # keeps directories small enough for fast lookups in the 1M tree
TINY_FILE_BYTES = 32


@dataclass(frozen=True)
class TreeSpec:
    """A directory of ``count`` files of ``size`` bytes, ``per_dir`` files per subdirectory."""

    name: str
    count: int
    size: int
    per_dir: int

    @property
    def total_bytes(self) -> int:
        return self.count * self.size


@dataclass(frozen=True)
class Sizes:
    big_bytes: int
    small: TreeSpec
    medium: TreeSpec
    many_tiny: TreeSpec


FULL = Sizes(
    big_bytes=GIB,
    small=TreeSpec("small_10000_x_4KiB", 10_000, 4 * KIB, 100),
    medium=TreeSpec("medium_100_x_10MiB", 100, 10 * MIB, 100),
    many_tiny=TreeSpec("tiny_1000000_x_32B", 1_000_000, TINY_FILE_BYTES, FILES_PER_DIR),
)
QUICK = Sizes(
    big_bytes=256 * MIB,
    small=TreeSpec("small_2000_x_4KiB", 2_000, 4 * KIB, 100),
    medium=TreeSpec("medium_20_x_10MiB", 20, 10 * MIB, 100),
    many_tiny=TreeSpec("tiny_50000_x_32B", 50_000, TINY_FILE_BYTES, FILES_PER_DIR),
)


class DataSets:
    """Lazily generated inputs; each accessor returns a ready path.

    Example: ``DataSets(Path(".bench/data"), quick=True).tiny_file()``.
    """

    def __init__(self, root: Path, *, quick: bool, log=print) -> None:
        self.root = root
        self.sizes = QUICK if quick else FULL
        self._log = log

    def big_file(self) -> Path:
        """One large file (1 GiB; 256 MiB with ``--quick``)."""
        size = self.sizes.big_bytes
        path = self.root / f"big_{size // MIB}MiB.bin"
        if not (path.exists() and path.stat().st_size == size):
            self._log(f"generating {path} ({size // MIB} MiB)...")
            _write_random_file(path, size)
        return path

    def tiny_file(self) -> Path:
        """A 4 KiB file: the raw input of the tracker workloads."""
        path = self.root / "tiny_input_4KiB.bin"
        if not (path.exists() and path.stat().st_size == 4 * KIB):
            _write_random_file(path, 4 * KIB)
        return path

    def small_tree(self) -> Path:
        """10,000 x 4 KiB files in 100 subdirectories (2,000 with ``--quick``)."""
        return self._tree(self.sizes.small)

    def medium_tree(self) -> Path:
        """100 x 10 MiB files (20 with ``--quick``)."""
        return self._tree(self.sizes.medium)

    def many_tiny_tree(self) -> Path:
        """1,000,000 x 32-byte files, 1,000 per subdirectory (50,000 with ``--quick``)."""
        return self._tree(self.sizes.many_tiny)

    def _tree(self, spec: TreeSpec) -> Path:
        path = self.root / spec.name
        stamp = self.root / f"{spec.name}.ok"
        wanted = f"{spec.count} {spec.size} {spec.per_dir}\n"
        if stamp.exists() and stamp.read_text() == wanted and path.is_dir():
            return path
        self._log(f"generating {path} ({spec.count:,} files x {spec.size:,} B)...")
        stamp.unlink(missing_ok=True)
        shutil.rmtree(path, ignore_errors=True)
        _write_tree(path, spec)
        stamp.write_text(wanted)
        return path


def _write_random_file(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        left = size
        while left:
            n = min(WRITE_CHUNK_BYTES, left)
            handle.write(os.urandom(n))
            left -= n
    partial.replace(path)


def _write_tree(root: Path, spec: TreeSpec) -> None:
    # Raw os.open/os.write: the 1M-file tree is dominated by per-file syscalls, so skip
    # Python's buffered file objects. Distinct content per file (index + random tail).
    pool = os.urandom(max(spec.size, 1 << 16) * 2)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    digits = len(str(spec.count - 1))
    for first in range(0, spec.count, spec.per_dir):
        sub = root / f"d{first // spec.per_dir:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        dir_fd = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for i in range(first, min(first + spec.per_dir, spec.count)):
                offset = (i * 7919) % (len(pool) - spec.size + 1)
                content = i.to_bytes(8, "little") + pool[offset : offset + spec.size - 8]
                fd = os.open(f"f{i:0{digits}d}.bin", flags, 0o644, dir_fd=dir_fd)
                try:
                    _write_all(fd, memoryview(content)[: spec.size])
                finally:
                    os.close(fd)
        finally:
            os.close(dir_fd)


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data) :]
