"""P3: re-digest an unchanged tree with a warm stat cache.

Targets: <= 1.5x the time of ``os.walk`` + ``os.stat``; >= 5x faster than the Consist
0.3.5 "full" directory checksum (which has no cache and rereads every byte).

Example::

    .venv/bin/python benchmarks/run.py --only P3
"""

from __future__ import annotations

from pathlib import Path

from harness import anchor_sides
from harness.compare import Anchor, side_by_side
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
    anchors = [
        Anchor("os.walk+stat", time_at_most(1.5), once=anchor_sides.walk_and_stat_once(tree)),
        Anchor(
            "Consist 0.3.5 full",
            speedup_at_least(5),
            once=anchor_sides.consist035_checksum_once(ctx, tree),
        ),
    ]
    try:
        digest_directory, stat_cache_cls = ours_api(
            "consist.hashing", "digest_directory", "StatCache"
        )
    except Unavailable as exc:
        return side_by_side(ctx, ID, measure, ours=None, ours_missing=str(exc), anchors=anchors)
    cache_path = ctx.scratch("p3-stat-cache") / "stat-cache"
    with stat_cache_cls(cache_path) as cache:
        primed = digest_directory(tree, stat_cache=cache).digest  # every file hashed once

        def ours() -> None:
            digest_directory(tree, stat_cache=cache)

        rows = side_by_side(ctx, ID, measure, ours=ours, anchors=anchors)
        kept_open = _ours_median(rows)
    return rows + _extra_rows(ctx, tree, cache_path, primed, kept_open)


def _ours_median(rows: list[Row]) -> float | None:
    return next((r.ours for r in rows if r.ours is not None), None)


def _extra_rows(
    ctx: Context, tree: Path, cache_path: Path, primed, kept_open: float | None
) -> list[Row]:
    """Context (reopening the cache file each time) and a correctness check."""
    digest_directory, stat_cache_cls = ours_api("consist.hashing", "digest_directory", "StatCache")

    def reopen_and_digest() -> None:  # what a new process pays: load the cache file first
        with stat_cache_cls(cache_path) as reopened_cache:
            digest_directory(tree, stat_cache=reopened_cache)

    reopened = time_call(reopen_and_digest, reps=ctx.reps, warmup=ctx.warmup).median
    with stat_cache_cls(cache_path) as cache:
        again = digest_directory(tree, stat_cache=cache).digest
        misses = cache.stats()["misses"]
    uncached = digest_directory(tree).digest
    ok = again == primed == uncached and misses == 0
    problem = f"primed {primed}, cached {again}, uncached {uncached}, cache misses {misses}"
    rows = []
    if kept_open is not None:
        rows.append(
            make_row(
                ID,
                "re-digest via a freshly opened StatCache(path)",
                ours=reopened,
                anchor="cache object kept open",
                anchor_value=kept_open,
                goal=context_only(ratio="time"),
                note="includes loading the persistent stat cache file",
            )
        )
    rows.append(
        check_row(
            ID,
            "cached digest equals uncached, no cache misses",
            ok=ok,
            expected="equal, 0 misses",
            note="" if ok else problem,
        )
    )
    return rows
