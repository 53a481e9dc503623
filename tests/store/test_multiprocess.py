"""Several processes on one database file: lock retries, idle release, concurrent writers.

Everything here is real: separate Python processes holding real DuckDB file locks.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from consist.errors import DatabaseLockedError
from consist.store import MetadataStore, open_database

if TYPE_CHECKING:
    from conftest import PythonProcesses

HOLD_FILE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _make_db(path: Path) -> None:
    db = open_database(path)
    with db.session():
        pass
    db.release()


def test_lock_held_elsewhere_raises_after_retries(
    procs: PythonProcesses, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_db(db_path)
    monkeypatch.setenv("CONSIST_DB_LOCK_RETRIES", "2")
    monkeypatch.setenv("CONSIST_DB_LOCK_BASE_SLEEP_SECONDS", "0.01")
    monkeypatch.setenv("CONSIST_DB_LOCK_MAX_SLEEP_SECONDS", "0.05")
    holder = procs.spawn(HOLD_FILE, str(db_path), "30")
    try:
        procs.wait_for_line(holder, "ready")
        with pytest.raises(DatabaseLockedError) as info, open_database(db_path).session():
            pass
    finally:
        holder.kill()
        holder.communicate()
    text = str(info.value)
    assert text.startswith("Problem: database is locked")
    assert "through 2 retries" in text
    for name in ("CONSIST_DB_LOCK_RETRIES", "CONSIST_DB_LOCK_BASE_SLEEP_SECONDS"):
        assert name in text
    assert isinstance(info.value, RuntimeError)


def test_dlt_retry_policy_names_its_own_variables(
    procs: PythonProcesses, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consist.settings import dlt_lock_retry

    _make_db(db_path)
    monkeypatch.setenv("CONSIST_DLT_LOCK_RETRIES", "0")
    holder = procs.spawn(HOLD_FILE, str(db_path), "30")
    try:
        procs.wait_for_line(holder, "ready")
        with pytest.raises(DatabaseLockedError, match="CONSIST_DLT_LOCK_RETRIES"):
            with open_database(db_path).session(retry=dlt_lock_retry()):
                pass
    finally:
        holder.kill()
        holder.communicate()


def test_retry_waits_for_a_short_lock(procs: PythonProcesses, db_path: Path) -> None:
    _make_db(db_path)
    holder = procs.spawn(HOLD_FILE, str(db_path), "0.4")
    procs.wait_for_line(holder, "ready")
    store = MetadataStore.open(db_path)
    assert store.count_runs() == 0  # retried until the holder let go
    holder.communicate()
    assert holder.returncode == 0


def test_idle_release_lets_another_process_in_while_we_are_alive(
    procs: PythonProcesses, db_path: Path
) -> None:
    from consist.models import Run

    store = MetadataStore.open(db_path)
    with store.db.session():
        # While we hold the file, another process cannot open it.
        probe = procs.run(
            "import sys, duckdb\n"
            "try:\n    duckdb.connect(sys.argv[1], read_only=True)\n    print('opened')\n"
            "except duckdb.Error:\n    print('locked')\n",
            str(db_path),
        )
        assert probe.stdout.strip() == "locked"
    store.insert_run(Run(id="r1", model_name="m"))
    # Now a "long step" without DB work: the reader must get in within about a second.
    reader = procs.run(
        """
        import sys, time, duckdb
        start = time.monotonic()
        while True:
            try:
                con = duckdb.connect(sys.argv[1], read_only=True)
                break
            except duckdb.Error:
                if time.monotonic() - start > 1.0:
                    raise
                time.sleep(0.02)
        print(con.execute("SELECT id FROM run").fetchone()[0])
        """,
        str(db_path),
    )
    assert reader.stdout.strip() == "r1"
    assert store.get_run("r1") is not None  # and we re-attach afterwards


WRITER = """
import sys
from consist.models import Run
from consist.store import MetadataStore
store = MetadataStore.open(sys.argv[1])
for i in range(25):
    store.insert_run(Run(id=f"{sys.argv[2]}_{i}", model_name="writer", tags=[sys.argv[2]]))
"""


def test_four_processes_times_25_writes_all_land(procs: PythonProcesses, db_path: Path) -> None:
    _make_db(db_path)
    writers = [procs.spawn(WRITER, str(db_path), f"p{n}") for n in range(4)]
    for proc in writers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        counts = dict(con.execute("SELECT tags[1], count(*) FROM run GROUP BY 1").fetchall())
    finally:
        con.close()
    assert counts == {f"p{n}": 25 for n in range(4)}


def test_subprocess_interpreter_is_ours(
    procs: PythonProcesses,
) -> None:
    # The helpers above rely on the child importing this same consist.
    done = procs.run("import consist.store, sys; print(sys.prefix)")
    assert done.stdout.strip() == sys.prefix


def _forked_writer(path: str) -> None:
    from consist.models import Run

    MetadataStore.open(path).insert_run(Run(id="from_child", model_name="m"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 3.12+: fork with threads
def test_forked_child_starts_its_own_handle(db_path: Path) -> None:
    import multiprocessing

    from consist.models import Run

    store = MetadataStore.open(db_path)
    store.insert_run(Run(id="from_parent", model_name="m"))  # parent holds the file now
    child = multiprocessing.get_context("fork").Process(target=_forked_writer, args=(str(db_path),))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert {run.id for run in store.find_runs()} == {"from_parent", "from_child"}
