"""After a normal exit, the snapshots hold every completed run (misses and cache hits).

Snapshots of runs with a database defer some fsyncs (docs/persistence.md,
"Durability"); this checks the promise that matters for ``consist db rebuild``:
a process that exits normally leaves a snapshot for every run it recorded, so a
database rebuilt from them has the same runs. Real subprocess, real DuckDB files.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from consist.store import MetadataStore, open_database
from consist.store.rebuild import rebuild_from_snapshots

_WORKLOAD = """
import json, sys
from pathlib import Path
from consist import ExecutionOptions, Tracker

base, project = Path(sys.argv[1]), sys.argv[2]
tracker = Tracker(run_dir=base / "runs", db_path=str(base / "provenance.duckdb"),
                  project_root=project)
raw = base / "raw.txt"
raw.write_text("raw")

def step(raw: Path) -> dict:
    out = base / f"out_{len(list(base.glob('out_*')))}.txt"
    out.write_text(raw.read_text())
    return {"out": out}

ran = []
for x in [1, 2, 1, 3, 2, 1]:  # misses for new configs, hits for repeated ones
    result = tracker.run(fn=step, inputs={"raw": raw}, config={"x": x}, outputs=["out"],
                         execution_options=ExecutionOptions(input_binding="paths"))
    ran.append([result.run.id, result.cache_hit])
print(json.dumps(ran))
"""  # no tracker.close(): a plain end of the script is the normal exit


def test_rebuild_recovers_every_run_after_a_normal_exit(tmp_path: Path, git_project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_WORKLOAD), str(tmp_path), str(git_project)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    ran = {run_id: hit for run_id, hit in json.loads(done.stdout)}
    assert sorted(ran.values()) == [False, False, False, True, True, True]

    db_path = tmp_path / "provenance.duckdb"
    original = MetadataStore.open(db_path)
    before = {run.id: (run.status, run.cache_hit, run.signature) for run in original.find_runs()}
    original.db.close()
    db_path.unlink()
    rebuilt = tmp_path / "rebuilt.duckdb"
    report = rebuild_from_snapshots(open_database(rebuilt), tmp_path / "runs" / "consist_runs")
    assert report.skipped == []
    store = MetadataStore.open(rebuilt)
    after = {run.id: (run.status, run.cache_hit, run.signature) for run in store.find_runs()}
    assert after == before
    assert {run_id: hit for run_id, (_, hit, _) in after.items()} == ran
    hits = [run_id for run_id, hit in ran.items() if hit]
    for run_id in hits:  # a hit's cached output is linked to it after the rebuild too
        assert store.get_artifacts_for_run(run_id).outputs
    store.db.close()
    assert not list((tmp_path / "runs" / "consist_runs").glob(".*.tmp"))  # no temp leftovers
