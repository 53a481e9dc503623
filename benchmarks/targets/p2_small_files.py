"""P2: digest 10,000 x 4 KiB files, nothing cached.

Targets: <= 1.0x the time of ``find | sort | xargs b3sum``; >= 2.5x faster than the
Consist 0.3.5 "full" directory checksum.

Example::

    .venv/bin/python benchmarks/run.py --only P2
"""

from __future__ import annotations

from functools import partial

from harness import anchor_sides
from harness.compare import Anchor, ours_callable, side_by_side
from harness.context import Context, ours_api
from harness.row import Row, speedup_at_least, time_at_most
from harness.timing import warm_page_cache

ID = "P2"
TITLE = "digest many small files, nothing cached"
PAGE_CACHE = "warm (every file read once before timing); no stat cache"


def run(ctx: Context) -> list[Row]:
    """Our ``digest_directory`` (no stat cache) against b3sum and Consist 0.3.5."""
    tree = ctx.data.small_tree()
    warm_page_cache(tree)
    ours, missing = ours_callable(
        lambda: partial(ours_api("consist.hashing", "digest_directory")[0], tree)
    )
    count = ctx.data.sizes.small.count

    def per_file(name: str, ours_s: float, anchor_s: float) -> str:
        return (
            f"ours {ours_s / count * 1e6:.1f} us/file, {name} {anchor_s / count * 1e6:.1f} us/file"
        )

    anchors = [
        Anchor(
            "find|xargs b3sum",
            time_at_most(1.0),
            once=anchor_sides.b3sum_tree_once(ctx, tree),
            note="shell pipeline incl. find, sort and process spawn",
        ),
        Anchor(
            "Consist 0.3.5 full",
            speedup_at_least(2.5),
            once=anchor_sides.consist035_checksum_once(ctx, tree),
        ),
    ]
    measure = f"digest {count:,} x 4 KiB files"
    return side_by_side(
        ctx, ID, measure, ours=ours, ours_missing=missing, anchors=anchors, describe=per_file
    )
