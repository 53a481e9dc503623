"""P12: peak RSS while digesting 1,000,000 small files must stay <= 300 MB.

The digest runs in a child process; its peak RSS comes from ``os.wait4`` (the
``ru_maxrss`` of that one child, as ``getrusage(RUSAGE_CHILDREN)`` would report in a
fresh parent), so nothing else the harness spawned can inflate it.

Example::

    .venv/bin/python benchmarks/run.py --only P12
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

from harness.context import Context, ScriptFailed, ours_api
from harness.row import Row, context_only, make_row, value_at_most

ID = "P12"
TITLE = "peak memory digesting many small files"
PAGE_CACHE = "whatever the data generation left (memory target, not a timing)"
LIMIT_MB = 300.0
RU_MAXRSS_UNIT_BYTES = 1024  # Linux reports ru_maxrss in KiB

DIGEST_CHILD = """
import json, sys, time
from consist.hashing import digest_directory
t0 = time.perf_counter()
result = digest_directory(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t0, "digest": str(result)}))
"""
BASELINE_CHILD = "import consist.hashing"


def run(ctx: Context) -> list[Row]:
    """Peak RSS of a child digesting the tree, against the limit and an idle baseline."""
    ours_api("consist.hashing", "digest_directory")
    tree = ctx.data.many_tiny_tree()
    count = ctx.data.sizes.many_tiny.count
    peak_mb, out = peak_rss_mb([str(ctx.ours_python), "-c", DIGEST_CHILD, str(tree)])
    seconds = json.loads(out.strip().splitlines()[-1])["seconds"]
    baseline_mb, _ = peak_rss_mb([str(ctx.ours_python), "-c", BASELINE_CHILD])
    measure = f"peak RSS digesting {count:,} files"
    note = f"digest took {seconds:.1f} s ({seconds / count * 1e6:.1f} us/file)"
    return [
        make_row(
            ID,
            measure,
            ours=peak_mb,
            anchor="limit",
            anchor_value=LIMIT_MB,
            goal=value_at_most(LIMIT_MB, f"{LIMIT_MB:g} MB"),
            unit="MB",
            note=note,
        ),
        make_row(
            ID,
            measure,
            ours=peak_mb,
            anchor="idle `import consist.hashing`",
            anchor_value=baseline_mb,
            goal=context_only(ratio="time"),
            unit="MB",
            note="the interpreter plus our extension, before any digest",
        ),
    ]


def peak_rss_mb(argv: list[str]) -> tuple[float, str]:
    """Run ``argv`` and return (its peak RSS in decimal MB, its stdout).

    Example: ``peak_rss_mb([sys.executable, "-c", "pass"])[0]`` -> about 10.
    """
    # Output goes to temp files so the child never blocks on a full pipe while we sit in
    # wait4 (which, unlike Popen.wait, hands back the child's rusage).
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if child.returncode != 0:
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        raise ScriptFailed(f"child {argv[:2]} failed: {tail}")
    return usage.ru_maxrss * RU_MAXRSS_UNIT_BYTES / 1e6, stdout
