"""P4: digest 100 x 10 MiB files: >= 0.9x the throughput of ``find | xargs b3sum``.

Example::

    .venv/bin/python benchmarks/run.py --only P4
"""

from __future__ import annotations

from functools import partial

from harness import anchor_sides
from harness.compare import Anchor, ours_callable, side_by_side
from harness.context import Context, ours_api
from harness.row import Row, context_only, throughput_at_least
from harness.timing import warm_page_cache

ID = "P4"
TITLE = "digest medium files"
PAGE_CACHE = "warm (every file read once before timing); no stat cache"


def run(ctx: Context) -> list[Row]:
    """Our ``digest_directory`` against b3sum, with Consist 0.3.5 for context."""
    tree = ctx.data.medium_tree()
    size = warm_page_cache(tree)
    ours, missing = ours_callable(
        lambda: partial(ours_api("consist.hashing", "digest_directory")[0], tree)
    )

    def throughput(name: str, ours_s: float, anchor_s: float) -> str:
        return f"ours {size / ours_s / 1e9:.2f} GB/s, {name} {size / anchor_s / 1e9:.2f} GB/s"

    anchors = [
        Anchor(
            "find|xargs b3sum",
            throughput_at_least(0.9),
            once=anchor_sides.b3sum_tree_once(ctx, tree),
        ),
        Anchor(
            "Consist 0.3.5 full",
            context_only(),
            once=anchor_sides.consist035_checksum_once(ctx, tree),
        ),
    ]
    spec = ctx.data.sizes.medium
    measure = f"digest {spec.count} x {spec.size >> 20} MiB files"
    return side_by_side(
        ctx, ID, measure, ours=ours, ours_missing=missing, anchors=anchors, describe=throughput
    )
