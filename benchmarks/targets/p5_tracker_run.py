"""P5: back-to-back ``tracker.run`` in one process, DuckDB: hit >= 20x, miss >= 15x faster.

Both sides run the same script (``anchors/tracker_workload.py``, Consist 0.3 public API)
with their own interpreter: a trivial function, a 4 KiB raw input, misses with a new
config each call, hits of one primed config; calls alternate between the two sides.

Example::

    .venv/bin/python benchmarks/run.py --only P5
"""

from __future__ import annotations

from harness import tracker_sides
from harness.context import Context
from harness.row import Row, speedup_at_least

ID = "P5"
TITLE = "tracker.run back to back: cache hit and miss"
PAGE_CACHE = "warm (4 KiB input; fresh DuckDB file per side)"
CALLS = 20
CALLS_QUICK = 5


def run(ctx: Context) -> list[Row]:
    """Median hit and miss latency, ours against Consist 0.3.5."""
    calls = CALLS_QUICK if ctx.quick else CALLS
    cases = [
        ("hit", f"tracker.run cache hit (median of {calls})", speedup_at_least(20)),
        ("miss", f"tracker.run cache miss (median of {calls})", speedup_at_least(15)),
    ]
    return tracker_sides.compare_workload(
        ctx, ID, "p5", ctx.data.tiny_file(), calls=calls, cases=cases
    )
