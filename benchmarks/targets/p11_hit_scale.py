"""P11: cache-hit latency with 100,000 runs in the database, within 2x of 100 runs.

Two projects, each a copy of the P5 workload (``anchors/tracker_workload.py``): the
workload records a few real runs (a miss, and a primed config with one hit), then the
database is filled up to 100 and to 100,000 runs by cloning the real miss's rows in
bulk (run, output artifact, input and output links; new ids, signatures, URIs and
digests). Two resident workers, one per database, are asked call by call, alternating:

* ``hit``: ``tracker.run`` cache hit back to back in one tracker (what P5 measures);
* ``fresh``: the first hit of a new ``Tracker`` in the process, so the signature
  lookup and the cached outputs come from the database, not the tracker's memory.

Example::

    .venv/bin/python benchmarks/run.py --only P11
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

from harness import tracker_sides
from harness.context import Context, Unavailable
from harness.json_worker import JsonWorker
from harness.row import Row, make_row, time_at_most
from harness.timing import SelfTimed, time_interleaved

ID = "P11"
TITLE = "cache-hit latency with 100,000 runs in the database"
PAGE_CACHE = "warm (databases built just before; resident workers)"
SMALL, LARGE, LARGE_QUICK = 100, 100_000, 10_000
CALLS, CALLS_QUICK = 20, 5

# One request per stdin line: {"op": "hit"|"fresh"} -> {"seconds": s}. Reuses the
# workload's step function, so the code identity matches the primed run's.
_WORKER = """
import json, logging, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tracker_workload import Workload, _tracker
logging.disable(logging.WARNING)
base = Path(sys.argv[2])
work = Workload(base, Path(sys.argv[3]))
for line in sys.stdin:
    if json.loads(line)["op"] == "fresh":
        work.tracker = _tracker(base)  # empty run memory: the lookup goes to the database
    seconds, hit, _ = work.timed_run(Workload.HIT_CONFIG)
    if not hit:
        raise SystemExit("expected a cache hit of the primed config")
    print(json.dumps({"seconds": seconds}), flush=True)
"""

# Clones of the template run (the workload's first miss): DuckDB's range() and
# ``t.* REPLACE`` keep every other column exactly as the tracker wrote it.
_CLONE_RUNS = """
INSERT INTO run BY NAME
SELECT t.* REPLACE (
    'hist_' || i AS id,
    'blake3:' || md5('sig' || i) || md5('sig/' || i) AS signature,
    'blake3:' || md5('cfg' || i) || md5('cfg/' || i) AS config_hash,
    t.started_at - to_seconds(i + 1) AS started_at,
    t.ended_at - to_seconds(i + 1) AS ended_at,
    t.created_at - to_seconds(i + 1) AS created_at,
    t.updated_at - to_seconds(i + 1) AS updated_at
)
FROM run AS t, range(?) AS r(i) WHERE t.id = ?
"""
_CLONE_OUTPUTS = """
INSERT INTO artifact BY NAME
SELECT a.* REPLACE (
    'hist_' || i || '_' || a.key AS id,
    'hist_' || i AS run_id,
    './fn_out/hist_' || i || '_' || a.key || '.txt' AS container_uri,
    'blake3:' || md5('out' || i) || md5('out/' || i) AS hash,
    a.created_at - to_seconds(i + 1) AS created_at
)
FROM artifact AS a, range(?) AS r(i) WHERE a.run_id = ?
"""
_CLONE_LINKS = """
INSERT INTO run_artifact_link BY NAME
SELECT l.* REPLACE (
    'hist_' || i AS run_id,
    CASE WHEN l.direction = 'output' THEN 'hist_' || i || '_' || a.key
         ELSE l.artifact_id END AS artifact_id
)
FROM run_artifact_link AS l JOIN artifact AS a ON a.id = l.artifact_id, range(?) AS r(i)
WHERE l.run_id = ?
"""


def run(ctx: Context) -> list[Row]:
    """Median hit latency at ``LARGE`` runs against the same at ``SMALL`` runs."""
    problem = tracker_sides.ours_problem()
    if problem is not None:
        raise Unavailable(problem)
    large = LARGE_QUICK if ctx.quick else LARGE
    calls = CALLS_QUICK if ctx.quick else CALLS
    tiny = ctx.data.tiny_file()
    projects = {size: _project(ctx, size, tiny) for size in (SMALL, large)}
    rows = []
    with ExitStack() as stack:
        workers = {
            size: stack.enter_context(
                JsonWorker(
                    [ctx.ours_python, "-c", _WORKER, script.parent, base, tiny],
                    cwd=str(script.parent),
                )
            )
            for size, (script, base, _) in projects.items()
        }
        for op, measure in (
            ("hit", f"tracker.run cache hit, back to back (median of {calls})"),
            ("fresh", f"first cache hit of a new Tracker: lookup in the DB (median of {calls})"),
        ):
            fns = {size: _request(worker, op) for size, worker in workers.items()}
            medians = {
                size: timing.median
                for size, timing in time_interleaved(fns, reps=calls, warmup=1).items()
            }
            rows.append(
                make_row(
                    ID,
                    f"{measure}, {large:,} runs in the DB",
                    ours=medians[large],
                    anchor=f"same, {SMALL} runs",
                    anchor_value=medians[SMALL],
                    goal=time_at_most(2.0),
                    note=f"{large:,} runs generated in bulk in {projects[large][2]:.1f} s",
                )
            )
    return rows


def _request(worker: JsonWorker, op: str) -> SelfTimed:
    return SelfTimed(lambda: float(worker.request({"op": op})["seconds"]))


def _project(ctx: Context, runs: int, tiny: Path) -> tuple[Path, Path, float]:
    """A workload project whose database holds ``runs`` runs; (script, base, fill seconds)."""
    script = ctx.isolated_copy(f"p11-{runs}", tracker_sides.WORKLOAD)
    base = script.parent / "project"
    setup = ["runs", "--base", str(base), "--input", str(tiny), "--misses", "1", "--hits", "1"]
    ctx.run_script(ctx.ours_python, script, setup)
    start = time.perf_counter()
    _fill(base / "provenance.duckdb", runs)
    return script, base, time.perf_counter() - start


def _fill(db_path: Path, runs: int) -> None:
    """Clone the first executed run until the database holds ``runs`` runs (one transaction)."""
    from consist.store import open_database

    db = open_database(db_path)
    try:
        with db.transaction() as con:
            (existing,) = con.execute("SELECT count(*) FROM run").fetchall()[0]
            template = con.execute(
                "SELECT id FROM run WHERE NOT cache_hit ORDER BY created_at LIMIT 1"
            ).fetchall()[0][0]
            clones = runs - existing
            for sql in (_CLONE_RUNS, _CLONE_OUTPUTS, _CLONE_LINKS):
                con.execute(sql, [clones, template])
            (total,) = con.execute("SELECT count(*) FROM run").fetchall()[0]
        if total != runs:
            raise RuntimeError(f"expected {runs} runs in {db_path}, found {total}")
    finally:
        db.close()  # the worker process opens the file next
