"""A process SIGKILLed mid-run leaves a database that opens and a run that is not completed."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING

from consist.store import MetadataStore, open_database

if TYPE_CHECKING:
    from conftest import PythonProcesses

# The child does what the tracker does: snapshot + "running" row at start, then a
# long step. Mode "mid_commit" dies inside the completing transaction instead.
CHILD = """
import sys, time
from consist.models import Artifact, ConsistRecord, Run
from consist.store import MetadataStore
from consist.store.snapshots import write_snapshot

db_path, run_dir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
store = MetadataStore.open(db_path)
run = Run(id="victim", model_name="m", signature="sig")
write_snapshot(run_dir, ConsistRecord(run=run))
store.insert_run(run)
raw = Artifact(key="in", container_uri="inputs://in.csv", driver="csv")
store.log_artifacts(run.id, {"in": raw}, "input")
if mode == "mid_step":
    print("ready", flush=True)
    time.sleep(60)
with store.transaction():
    outputs = {f"o{i}": Artifact(key=f"o{i}", container_uri=f"./o{i}", run_id=run.id) for i in range(50)}
    store.insert_artifacts(outputs.values())
    run.status = "completed"
    store.update_run(run)
    print("ready", flush=True)
    time.sleep(60)
"""


def _kill_child(procs: PythonProcesses, db_path: Path, run_dir: Path, mode: str) -> None:
    child = procs.spawn(CHILD, str(db_path), str(run_dir), mode)
    procs.wait_for_line(child, "ready")
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL


def _assert_not_completed(db_path: Path) -> None:
    open_database(db_path).close()  # forget any handle from before the crash
    store = MetadataStore.open(db_path)
    run = store.get_run("victim")
    assert run is not None and run.status == "running"
    assert store.find_completed_run_by_signature("sig") is None  # never a cache hit
    links = store.get_artifacts_for_run("victim")
    assert list(links.inputs) == ["in"] and links.outputs == {}
    assert store.find_artifacts(key="o0") == []
    # and the file is fully usable for new work
    run.status = "failed"
    store.update_run(run)
    assert store.count_runs(status="failed") == 1


def test_sigkill_during_the_step(tmp_path: Path, procs: PythonProcesses) -> None:
    db_path = tmp_path / "provenance.duckdb"
    _kill_child(procs, db_path, tmp_path / "runs", "mid_step")
    assert (tmp_path / "runs" / "consist_runs" / "victim.json").exists()  # snapshot came first
    _assert_not_completed(db_path)


def test_sigkill_inside_the_completing_transaction(tmp_path: Path, procs: PythonProcesses) -> None:
    db_path = tmp_path / "provenance.duckdb"
    _kill_child(procs, db_path, tmp_path / "runs", "mid_commit")
    _assert_not_completed(db_path)
