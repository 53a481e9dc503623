"""P6: a cache hit whose raw input is 1 GiB and unchanged: >= 100x faster than 0.3.5.

Consist 0.3.5 SHA-256s the input twice per run, hit or miss (anchors.md section 3);
with a stat cache an unchanged input should not be read at all. Same workload script
on both interpreters (``anchors/tracker_workload.py``).

Example::

    .venv/bin/python benchmarks/run.py --only P6
"""

from __future__ import annotations

from harness import tracker_sides
from harness.context import Context
from harness.row import Row, speedup_at_least
from harness.timing import warm_page_cache

ID = "P6"
TITLE = "cache hit with a large unchanged raw input"
PAGE_CACHE = "warm (input read once before timing)"
HITS = 3
HITS_QUICK = 2


def run(ctx: Context) -> list[Row]:
    """Median cache-hit latency with the big file as input, ours against Consist 0.3.5."""
    hits = HITS_QUICK if ctx.quick else HITS
    big = ctx.data.big_file()
    size = warm_page_cache(big)
    measure = f"tracker.run cache hit, {size >> 20} MiB input (median of {hits})"
    return tracker_sides.compare_workload(
        ctx, ID, "p6", big, calls=hits, cases=[("hit", measure, speedup_at_least(100))]
    )
