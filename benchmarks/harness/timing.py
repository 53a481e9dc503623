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


@dataclass(frozen=True)
class SelfTimed:
    """A repetition that measures itself and returns seconds (e.g. inside another
    interpreter), so pipe or spawn overhead around it is not counted.

    Example: ``time_interleaved({"ref": SelfTimed(worker.checksum_once)}, reps=5)``.
    """

    fn: Callable[[], float]

    def __call__(self) -> float:
        return self.fn()


def time_call(fn: Callable[[], object], *, reps: int, warmup: int = 1) -> Timing:
    """Run ``fn`` ``warmup`` times untimed, then ``reps`` timed with perf_counter.

    Example: ``time_call(lambda: hash_file(p), reps=5).median``.
    """
    return time_interleaved({"fn": fn}, reps=reps, warmup=warmup)["fn"]


def time_interleaved(
    fns: dict[str, Callable[[], object]], *, reps: int, warmup: int = 1
) -> dict[str, Timing]:
    """Time several callables round-robin (a, b, c, a, b, c, ...) after warm-up rounds.

    On a shared machine, load comes and goes; interleaving spreads it over every side
    instead of penalising whichever side happened to run during a spike.

    A ``SelfTimed`` callable contributes the seconds it returns instead of wall clock.

    Example: ``time_interleaved({"ours": f, "b3sum": g}, reps=7)["ours"].median``.
    """
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for rep in range(warmup + reps):
        for name, fn in fns.items():
            start = time.perf_counter()
            reported = fn()
            elapsed = time.perf_counter() - start
            if rep >= warmup:
                samples[name].append(reported if isinstance(fn, SelfTimed) else elapsed)
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def command_once(argv: Sequence[str] | str, *, cwd: Path | None = None) -> Callable[[], None]:
    """A callable running ``argv`` once (a string runs in sh), output discarded.

    Example: ``time_interleaved({"b3sum": command_once(["b3sum", "f"])}, reps=5)``.
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

    return once


def warm_page_cache(path: Path) -> int:
    """Read every byte under ``path`` once so timings see a warm page cache; returns bytes.

    Example: ``warm_page_cache(Path(".bench/data/big_1024MiB.bin"))``.
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
