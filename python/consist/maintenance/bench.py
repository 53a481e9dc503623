"""``consist bench``: how fast hashing and the database are on *this* machine.

Everything runs in a scratch folder on the filesystem you point it at (so the
numbers describe your disks, not /tmp), and is deleted afterwards. The
reference for hashing is the page-cache read speed of the same file: a hash
cannot beat reading the bytes, so ``ratio`` says how close to that limit it
gets. Each measurement is the median of ``repeats`` runs after a warm-up.

Example:
    >>> import tempfile
    >>> rows = run_bench(tempfile.mkdtemp(), size_mb=1, small_files=20, repeats=1).rows
    >>> "hash_file blake3" in [r.name for r in rows]
    True
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from consist.maintenance.progress import Progress, task

__all__ = ["BenchReport", "BenchRow", "run_bench"]

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class BenchRow:
    """One measurement: ``value`` in ``unit``, compared with a reference when there is one."""

    name: str
    value: float
    unit: str
    reference_name: str | None = None
    reference_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / reference (for throughputs, 1.0 means "as fast as the reference")."""
        if not self.reference_value:
            return None
        return self.value / self.reference_value

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


@dataclass(slots=True)
class BenchReport:
    """All rows plus where they were measured."""

    work_dir: str
    page_cache_warm: bool = True
    rows: list[BenchRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "work_dir": self.work_dir,
            "page_cache_warm": self.page_cache_warm,
            "rows": [r.to_dict() for r in self.rows],
        }


def _median_seconds(func: Callable[[], Any], repeats: int) -> float:
    func()  # warm-up: page cache, imports, first-call costs
    samples = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _write_big_file(path: Path, size: int) -> None:
    block = os.urandom(_CHUNK)
    with path.open("wb") as handle:
        written = 0
        while written < size:
            # Vary each block so no layer can deduplicate or compress it away.
            chunk = block[: min(_CHUNK, size - written)]
            handle.write(written.to_bytes(8, "little") + chunk[8:])
            written += len(chunk)


def _write_small_files(root: Path, count: int, size: int = 4096) -> None:
    per_dir = 100
    for i in range(count):
        folder = root / f"d{i // per_dir:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:06d}.bin").write_bytes(os.urandom(size))


def _read_all(path: Path) -> None:
    buffer = bytearray(_CHUNK)
    with path.open("rb", buffering=0) as handle:
        while handle.readinto(buffer):
            pass


def _walk_and_stat(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in files:
            os.stat(os.path.join(folder, name))


def _bench_hashing(report: BenchReport, scratch: Path, size_mb: int, small: int, repeats: int):
    from consist.hashing import StatCache, digest_directory, hash_file

    big = scratch / "big.bin"
    size = max(1, size_mb) * _CHUNK
    _write_big_file(big, size)
    gbps = size / 1e9
    read_s = _median_seconds(lambda: _read_all(big), repeats)
    read_rate = gbps / read_s
    report.rows.append(BenchRow("page-cache read", read_rate, "GB/s", note=f"{size_mb} MiB file"))
    for algorithm in ("blake3", "sha256"):
        seconds = _median_seconds(lambda a=algorithm: hash_file(big, algorithm=a), repeats)
        report.rows.append(
            BenchRow(f"hash_file {algorithm}", gbps / seconds, "GB/s", "page-cache read", read_rate)
        )

    tree = scratch / "tree"
    _write_small_files(tree, small)
    walk_s = _median_seconds(lambda: _walk_and_stat(tree), repeats)
    report.rows.append(BenchRow("os.walk + stat", walk_s * 1e3, "ms", note=f"{small} x 4 KiB"))
    digest_s = _median_seconds(lambda: digest_directory(tree), repeats)
    report.rows.append(
        BenchRow(
            "digest_directory (no cache)", digest_s * 1e3, "ms", "os.walk + stat", walk_s * 1e3
        )
    )
    cache = StatCache(scratch / "statcache")
    try:
        hit_s = _median_seconds(lambda: digest_directory(tree, stat_cache=cache), repeats)
    finally:
        cache.close()
    report.rows.append(
        BenchRow(
            "digest_directory (stat cache warm)", hit_s * 1e3, "ms", "os.walk + stat", walk_s * 1e3
        )
    )
    report.rows.append(
        BenchRow("stat-cache hit per file", hit_s / max(1, small) * 1e6, "us", note="warm cache")
    )


def _bench_database(report: BenchReport, scratch: Path, db_path: Path | None, repeats: int):
    from consist.maintenance.bench_db import measure_database

    report.rows.extend(measure_database(scratch, db_path, repeats))


def run_bench(
    work_dir: str | os.PathLike[str],
    *,
    db_path: str | os.PathLike[str] | None = None,
    size_mb: int = 256,
    small_files: int = 2000,
    repeats: int = 5,
    progress: Progress | None = None,
) -> BenchReport:
    """Measure hashing and database costs in a scratch folder under ``work_dir``.

    ``db_path`` (optional) is an existing database opened read-only to time
    how long opening *your* database takes; writes go to a scratch database.

    Example:
        >>> import tempfile
        >>> report = run_bench(tempfile.mkdtemp(), size_mb=1, small_files=10, repeats=1)
        >>> report.rows[0].unit
        'GB/s'
    """
    base = Path(work_dir)
    base.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".consist-bench-", dir=base))
    report = BenchReport(work_dir=str(base.resolve()))
    try:
        with task(progress, "benchmarking", 2) as step:
            _bench_hashing(report, scratch, size_mb, small_files, repeats)
            step(1)
            _bench_database(report, scratch, Path(db_path) if db_path else None, repeats)
            step(1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report
