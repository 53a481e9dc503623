"""P1: hash one 1 GiB file: >= 0.95x b3sum throughput; >= 6x Consist 0.3.5.

Example::

    .venv/bin/python benchmarks/run.py --only P1
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from harness import anchor_sides
from harness.compare import Anchor, ours_callable, side_by_side
from harness.context import Context, Unavailable, ours_api
from harness.row import Row, check_row, context_only, speedup_at_least, throughput_at_least
from harness.timing import warm_page_cache

ID = "P1"
TITLE = "hash one large file"
PAGE_CACHE = "warm (file read once before timing, plus an untimed warm-up round)"


def run(ctx: Context) -> list[Row]:
    """Our ``hash_file`` against b3sum, Consist 0.3.5, hashlib SHA-256 and blake3-py."""
    path = ctx.data.big_file()
    size = warm_page_cache(path)
    ours, missing = ours_callable(lambda: partial(_hash_file(), path))

    def throughput(name: str, ours_s: float, anchor_s: float) -> str:
        return f"ours {size / ours_s / 1e9:.2f} GB/s, {name} {size / anchor_s / 1e9:.2f} GB/s"

    anchors = [
        Anchor(
            "b3sum",
            throughput_at_least(0.95),
            once=anchor_sides.b3sum_file_once(ctx, path),
            note="b3sum time includes process spawn",
        ),
        Anchor(
            "Consist 0.3.5",
            speedup_at_least(6),
            once=anchor_sides.consist035_checksum_once(ctx, path),
        ),
        Anchor("hashlib sha256", context_only(), once=anchor_sides.hashlib_sha256_once(path)),
        Anchor("blake3-py mmap", context_only(), once=anchor_sides.blake3_py_once(path)),
    ]
    measure = f"hash one {size >> 20} MiB file"
    rows = side_by_side(
        ctx, ID, measure, ours=ours, ours_missing=missing, anchors=anchors, describe=throughput
    )
    return rows if ours is None else rows + _digest_check(ctx, path)


def _hash_file():
    (hash_file,) = ours_api("consist.hashing", "hash_file")
    return hash_file


def _digest_check(ctx: Context, path: Path) -> list[Row]:
    """Our digest must be byte-identical to ``b3sum FILE`` (design.md)."""
    try:
        expected = anchor_sides.b3sum_hex(ctx, path)
    except Unavailable:
        return []
    ours_hex = _hash_file()(path).hex
    ok = ours_hex == expected
    note = "" if ok else f"hash_file(...).hex {ours_hex[:16]}... != b3sum {expected[:16]}..."
    return [check_row(ID, "digest equals b3sum", ok=ok, expected="identical", note=note)]
