"""P14 (copy): placing a large file for hydration, against ``cp`` on the same filesystem.

Hydration and materialization place bytes with ``consist.artifacts.placing.place_bytes``:
a reflink where supported, else an in-kernel copy (``copy_file_range``) into a temp
file renamed into place. On ext4 (no reflinks) that must cost no more than
``cp --reflink=never`` (goal: <= 1.1x its time). Both sides write a new file in each
repetition: the previous copy is deleted inside the timed repetition on both sides
(an atomic placement always frees the file it replaces). A hard link is shown for scale.

Example::

    .venv/bin/python benchmarks/run.py --only P14
"""

from __future__ import annotations

import shlex

from harness.compare import Anchor, ours_callable, side_by_side
from harness.context import Context, ours_api
from harness.row import Row, context_only, time_at_most
from harness.timing import command_once, warm_page_cache

ID = "P14"
TITLE = "hydration copy of one large file (place_bytes vs cp)"
PAGE_CACHE = "warm source (read once before timing); destination replaced each repetition"


def run(ctx: Context) -> list[Row]:
    """Our placement against ``cp --reflink=never`` and a hard link."""
    source = ctx.data.big_file()
    size = warm_page_cache(source)
    work = ctx.scratch("p14-copy")

    def make():
        (place_bytes,) = ours_api("consist.artifacts.placing", "place_bytes")

        def once() -> None:
            (work / "ours.bin").unlink(missing_ok=True)
            place_bytes(source, work / "ours.bin")

        return once

    ours, missing = ours_callable(make)

    def hardlink() -> None:
        target = work / "linked.bin"
        target.unlink(missing_ok=True)
        target.hardlink_to(source)

    target = shlex.quote(str(work / "cp.bin"))
    anchors = [
        Anchor(
            "cp --reflink=never",
            time_at_most(1.1),
            once=command_once(
                f"rm -f {target} && cp --reflink=never {shlex.quote(str(source))} {target}"
            ),
        ),
        Anchor("hard link", context_only(ratio="time"), once=hardlink),
    ]

    def describe(name: str, ours_s: float, anchor_s: float) -> str:
        return f"ours {size / ours_s / 1e9:.2f} GB/s, {name} {size / anchor_s / 1e9:.2f} GB/s"

    measure = f"place one {size >> 20} MiB file"
    return side_by_side(
        ctx, ID, measure, ours=ours, ours_missing=missing, anchors=anchors, describe=describe
    )
