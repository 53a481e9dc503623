"""P1: hash one 1 GiB file: >= 0.95x b3sum throughput; >= 6x Consist 0.3.5.

Example::

    .venv/bin/python benchmarks/run.py --only P1
"""

from __future__ import annotations

from pathlib import Path

from harness import anchor_sides
from harness.compare import Anchor, compare_rows, measure_ours
from harness.context import Context, Unavailable, ours_api
from harness.row import Row, check_row, context_only, speedup_at_least, throughput_at_least
from harness.timing import time_call, warm_page_cache

ID = "P1"
TITLE = "hash one large file"
PAGE_CACHE = "warm (file read once before timing, plus untimed warm-up runs)"


def run(ctx: Context) -> list[Row]:
    """Our ``hash_file`` against b3sum, Consist 0.3.5, hashlib SHA-256 and blake3-py."""
    path = ctx.data.big_file()
    size = warm_page_cache(path)
    ours, missing = measure_ours(lambda: _time_ours(ctx, path))

    def throughput(name: str, ours_s: float, anchor_s: float) -> str:
        return f"ours {size / ours_s / 1e9:.2f} GB/s, {name} {size / anchor_s / 1e9:.2f} GB/s"

    anchors = [
        Anchor(
            "b3sum",
            throughput_at_least(0.95),
            lambda: anchor_sides.b3sum_file(ctx, path),
            note="b3sum time includes process spawn",
        ),
        Anchor(
            "Consist 0.3.5",
            speedup_at_least(6),
            lambda: anchor_sides.consist035_checksum(ctx, path),
        ),
        Anchor(
            "hashlib sha256", context_only(), lambda: anchor_sides.hashlib_sha256_file(ctx, path)
        ),
        Anchor("blake3-py mmap", context_only(), lambda: anchor_sides.blake3_py_file(ctx, path)),
    ]
    measure = f"hash one {size >> 20} MiB file"
    rows = compare_rows(
        ID, measure, ours=ours, ours_missing=missing, anchors=anchors, describe=throughput
    )
    return rows if ours is None else rows + _digest_check(ctx, path)


def _time_ours(ctx: Context, path: Path) -> float:
    (hash_file,) = ours_api("consist.hashing", "hash_file")
    return time_call(lambda: hash_file(path), reps=ctx.reps, warmup=ctx.warmup).median


def _digest_check(ctx: Context, path: Path) -> list[Row]:
    """Our digest must be byte-identical to ``b3sum FILE`` (design.md)."""
    (hash_file,) = ours_api("consist.hashing", "hash_file")
    try:
        expected = anchor_sides.b3sum_hex(ctx, path)
    except Unavailable:
        return []
    ours_hex = hash_file(path).hex
    ok = ours_hex == expected
    note = "" if ok else f"hash_file(...).hex {ours_hex[:16]}... != b3sum {expected[:16]}..."
    return [check_row(ID, "digest equals b3sum", ok=ok, expected="identical", note=note)]
