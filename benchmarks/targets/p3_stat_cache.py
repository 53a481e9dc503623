"""P3: re-digest an unchanged tree with a warm stat cache.

Targets: <= 1.5x the time of ``os.walk`` + ``os.stat``; >= 5x faster than the Consist
0.3.5 "full" directory checksum (which has no cache and rereads every byte).

Example::

    .venv/bin/python benchmarks/run.py --only P3
"""

from __future__ import annotations

from pathlib import Path

from harness import anchor_sides
from harness.compare import Anchor, compare_rows
from harness.context import Context, Unavailable, ours_api
from harness.row import Row, check_row, context_only, make_row, speedup_at_least, time_at_most
from harness.timing import time_call, warm_page_cache

ID = "P3"
TITLE = "re-digest an unchanged tree, stat cache warm"
PAGE_CACHE = "warm (files and metadata read before timing); stat cache primed by one digest"


def run(ctx: Context) -> list[Row]:
    """Re-digest with a primed ``StatCache`` against walk+stat and Consist 0.3.5."""
    tree = ctx.data.small_tree()
    warm_page_cache(tree)
    measure = f"re-digest {ctx.data.sizes.small.count:,} unchanged files"
    try:
        ours, extra, missing = *_measure_ours(ctx, tree, measure), ""
    except Unavailable as exc:
        ours, extra, missing = None, [], str(exc)
    anchors = [
        Anchor("os.walk+stat", time_at_most(1.5), lambda: anchor_sides.walk_and_stat(ctx, tree)),
        Anchor(
            "Consist 0.3.5 full",
            speedup_at_least(5),
            lambda: anchor_sides.consist035_checksum(ctx, tree),
        ),
    ]
    return compare_rows(ID, measure, ours=ours, ours_missing=missing, anchors=anchors) + extra


def _measure_ours(ctx: Context, tree: Path, measure: str) -> tuple[float, list[Row]]:
    """Median re-digest time with a primed cache, plus context and correctness rows."""
    digest_directory, stat_cache_cls = ours_api("consist.hashing", "digest_directory", "StatCache")
    cache_path = ctx.scratch("p3-stat-cache") / "stat-cache"
    cache = stat_cache_cls(cache_path)
    primed = digest_directory(tree, stat_cache=cache)  # fills the cache: every file hashed
    ours = time_call(
        lambda: digest_directory(tree, stat_cache=cache), reps=ctx.reps, warmup=ctx.warmup
    ).median

    def reopen_and_digest() -> None:  # what a new process pays: load the cache file first
        digest_directory(tree, stat_cache=stat_cache_cls(cache_path))

    reopened = time_call(reopen_and_digest, reps=ctx.reps, warmup=ctx.warmup).median
    again = digest_directory(tree, stat_cache=cache)
    uncached = digest_directory(tree)
    ok = again == primed == uncached
    rows = [
        make_row(
            ID,
            "re-digest via a freshly opened StatCache(path)",
            ours=reopened,
            anchor="cache object reused",
            anchor_value=ours,
            goal=context_only(ratio="time"),
            note="includes loading the persistent stat cache from disk",
        ),
        check_row(
            ID,
            "cached digest equals uncached digest",
            ok=ok,
            expected="equal",
            note="" if ok else f"primed {primed}, cached {again}, uncached {uncached}",
        ),
    ]
    return ours, rows
