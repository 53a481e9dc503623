"""P12: peak RSS while digesting 1,000,000 small files must stay <= 300 MB.

The digest runs in a child process; its peak RSS comes from ``os.wait4`` (the
``ru_maxrss`` of that one child, as ``getrusage(RUSAGE_CHILDREN)`` would report in a
fresh parent), so nothing else the harness spawned can inflate it.

Example::

    .venv/bin/python benchmarks/run.py --only P12
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
print(json.dumps({"seconds": time.perf_counter() - t0, "digest": str(result.digest)}))
"""
# The same digest through a StatCache (what the tracker always passes): cold on an
# empty cache file, then warm on the file the cold run wrote.
CACHED_CHILD = """
import json, sys, time
from consist.hashing import StatCache, digest_directory
t0 = time.perf_counter()
result = digest_directory(sys.argv[1], stat_cache=StatCache(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - t0, "digest": str(result.digest)}))
"""
BASELINE_CHILD = "import consist.hashing"
# Runs the command with inherited stdout, exits with its code, and reports the child's
# peak RSS as the last line of stderr.
RUSAGE_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"maxrss_kib": usage.ru_maxrss}), file=sys.stderr)
sys.exit(code)
"""


def run(ctx: Context) -> list[Row]:
    """Peak RSS of a child digesting the tree, against the limit and an idle baseline."""
    ours_api("consist.hashing", "digest_directory")
    tree = ctx.data.many_tiny_tree()
    count = ctx.data.sizes.many_tiny.count
    peak_mb, out = peak_rss_mb([str(ctx.ours_python), "-c", DIGEST_CHILD, str(tree)])
    wrapper_mb, _ = peak_rss_mb([str(ctx.ours_python), "-c", "pass"])
    seconds = json.loads(out.strip().splitlines()[-1])["seconds"]
    baseline_mb, _ = peak_rss_mb([str(ctx.ours_python), "-c", BASELINE_CHILD])
    measure = f"peak RSS digesting {count:,} files"
    note = f"digest took {seconds:.1f} s ({seconds / count * 1e6:.1f} us/file)"
    return [
        *stat_cache_rows(ctx, tree, count),
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
            note=f"interpreter + extension before any digest; bare `python -c pass`: {wrapper_mb:.0f} MB",
        ),
    ]


def stat_cache_rows(ctx: Context, tree: Path, count: int) -> list[Row]:
    """Peak RSS of the same digest through a StatCache, cold then warm, against the limit."""
    cache_file = ctx.scratch("p12-stat-cache") / "stat.cache"
    rows = []
    for state in ("cold", "warm"):
        argv = [str(ctx.ours_python), "-c", CACHED_CHILD, str(tree), str(cache_file)]
        peak_mb, out = peak_rss_mb(argv)
        seconds = json.loads(out.strip().splitlines()[-1])["seconds"]
        rows.append(
            make_row(
                ID,
                f"peak RSS digesting {count:,} files, StatCache {state}",
                ours=peak_mb,
                anchor="limit",
                anchor_value=LIMIT_MB,
                goal=value_at_most(LIMIT_MB, f"{LIMIT_MB:g} MB"),
                unit="MB",
                note=f"digest took {seconds:.1f} s; cache file "
                f"{cache_file.stat().st_size / 1e6:.0f} MB after the run",
            )
        )
    return rows


def peak_rss_mb(argv: list[str]) -> tuple[float, str]:
    """Run ``argv`` under a small wrapper; return (its peak RSS in decimal MB, its stdout).

    Example: ``peak_rss_mb([sys.executable, "-c", "pass"])[0]`` -> about 10.
    """
    # Linux folds the pre-exec address space into a child's ru_maxrss, so a child forked
    # straight from this (large) harness would inherit our RSS. A fresh, small wrapper
    # process forks the measured command instead and reports RUSAGE_CHILDREN.
    wrapper = [sys.executable, "-c", RUSAGE_WRAPPER, *argv]
    done = subprocess.run(wrapper, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise ScriptFailed(f"child {argv[:2]} failed: {tail}")
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["maxrss_kib"] * RU_MAXRSS_UNIT_BYTES / 1e6, done.stdout
