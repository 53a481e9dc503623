"""Real processes: a SIGKILLed run, concurrent writers, a reader during a long step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb

from consist.store import open_database
from consist.tracker import Tracker

STEP_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from consist import Tracker

    workdir, project, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    tracker = Tracker(workdir / "runs", workdir / "provenance.duckdb", project_root=project)

    def long_step(seconds: float) -> None:
        (workdir / "started").write_text("yes")
        time.sleep(seconds)

    if mode == "long":
        tracker.run(fn=long_step, config={"seconds": float(sys.argv[4])})
    else:  # "many": 25 distinct runs from worker <index>
        def write(index: int, i: int) -> dict:
            out = workdir / f"out_{index}_{i}.txt"
            out.write_text(f"{index}:{i}")
            return {"out": out}
        for i in range(25):
            result = tracker.run(fn=write, config={"index": int(sys.argv[4]), "i": i})
            assert not result.cache_hit
    """
)


def spawn(workdir: Path, project: Path, *args: str) -> subprocess.Popen:
    script = workdir / "step_script.py"
    if not script.exists():  # written once: a rewrite could race a starting process
        script.write_text(STEP_SCRIPT)
    return subprocess.Popen(
        [sys.executable, str(script), str(workdir), str(project), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the step never started"
        time.sleep(0.05)


def test_sigkill_mid_run_leaves_an_openable_db_and_no_cache_hit(
    workdir: Path, git_project: Path
) -> None:
    proc = spawn(workdir, git_project, "long", "60")
    wait_for(workdir / "started", proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    tracker = Tracker(workdir / "runs", workdir / "provenance.duckdb", project_root=git_project)
    (killed,) = tracker.find_runs(model="long_step")
    assert killed.status == "running"  # never completed
    (workdir / "started").unlink()

    def long_step(seconds: float) -> None:
        (workdir / "started").write_text("again")

    rerun = tracker.run(fn=long_step, config={"seconds": 60.0})
    assert not rerun.cache_hit
    assert (workdir / "started").read_text() == "again"
    open_database(workdir / "provenance.duckdb").close()


def test_four_processes_record_all_hundred_runs(workdir: Path, git_project: Path) -> None:
    procs = [spawn(workdir, git_project, "many", str(index)) for index in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    tracker = Tracker(workdir / "runs", workdir / "provenance.duckdb", project_root=git_project)
    runs = tracker.find_runs(model="write", limit=None)
    snapshots = list((workdir / "runs" / "consist_runs").glob("*.json"))
    assert len(runs) == 100, f"{len(runs)} runs in the DB, {len(snapshots)} snapshots"
    assert {r.status for r in runs} == {"completed"}
    assert len({r.signature for r in runs}) == 100
    assert len(list((workdir / "runs" / "consist_runs").glob("*.json"))) == 100
    open_database(workdir / "provenance.duckdb").close()


def test_reader_opens_the_db_while_a_ten_second_step_runs(workdir: Path, git_project: Path) -> None:
    proc = spawn(workdir, git_project, "long", "10")
    try:
        wait_for(workdir / "started", proc)
        time.sleep(1.0)  # "within a second" of the step starting
        reader = subprocess.run(
            [
                sys.executable,
                "-c",
                "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
                "print(con.execute(\"SELECT status FROM run WHERE model_name = 'long_step'\")"
                ".fetchone()[0])",
                str(workdir / "provenance.duckdb"),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.poll() is None  # the step is still running
        assert reader.returncode == 0, reader.stderr
        assert reader.stdout.strip() == "running"
    finally:
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    con = duckdb.connect(str(workdir / "provenance.duckdb"), read_only=True)
    assert con.execute("SELECT status FROM run").fetchall() == [("completed",)]
    con.close()
    assert os.path.exists(workdir / "runs" / "consist_runs")
