"""Medians of repeated wall-clock timings after untimed warm-up runs.

Example::

    t = time_call(lambda: sum(range(10_000)), reps=5, warmup=1)
    print(t.median, t.minimum, len(t.samples))
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

READ_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Timing:
    """Seconds per repetition; summary statistics are computed on demand."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def minimum(self) -> float:
        return min(self.samples)

    @classmethod
    def from_list(cls, samples: Sequence[float]) -> Timing:
        """Wrap seconds reported by a subprocess (e.g. the Consist 0.3.5 scripts).

        Example: ``Timing.from_list(report["samples"]).median``.
        """
        if not samples:
            raise ValueError("no timing samples")
        return cls(tuple(float(s) for s in samples))


def time_call(fn: Callable[[], object], *, reps: int, warmup: int = 1) -> Timing:
    """Run ``fn`` ``warmup`` times untimed, then ``reps`` timed with perf_counter.

    Example: ``time_call(lambda: hash_file(p), reps=5).median``.
    """
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return Timing(tuple(samples))


def time_command(
    argv: Sequence[str] | str, *, reps: int, warmup: int = 1, cwd: Path | None = None
) -> Timing:
    """Wall clock of a subprocess (spawn included), output discarded; a string runs in sh.

    Example: ``time_command(["b3sum", "big.bin"], reps=5).median``.
    """
    shell = isinstance(argv, str)

    def once() -> None:
        subprocess.run(
            argv,
            shell=shell,
            cwd=cwd,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    return time_call(once, reps=reps, warmup=warmup)


def warm_page_cache(path: Path) -> int:
    """Read every byte under ``path`` once so timings see a warm page cache; returns bytes.

    Example: ``warm_page_cache(Path(".bench/data/big_1GiB.bin"))``.
    """
    total = 0
    buf = bytearray(READ_CHUNK_BYTES)
    view = memoryview(buf)
    files = [path] if path.is_file() else _walk_files(path)
    for file in files:
        with open(file, "rb", buffering=0) as handle:
            while n := handle.readinto(view):
                total += n
    return total


def _walk_files(root: Path) -> list[Path]:
    out = []
    for dirpath, _dirs, names in os.walk(root):
        out.extend(Path(dirpath, name) for name in names)
    return out
