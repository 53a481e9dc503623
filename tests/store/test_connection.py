"""The shared Database: one instance per file, sessions, transactions, idle release, engine."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from consist.errors import DatabaseError, DatabaseLockedError
from consist.store import open_database
from consist.store.schema import SCHEMA_VERSION, TABLES


def test_same_object_per_resolved_path(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(db_path.parent)
    assert open_database(db_path) is open_database("provenance.duckdb")
    assert open_database(db_path) is open_database(db_path, read_only=True)


def test_first_session_creates_schema_and_catalog_is_the_file_stem(db_path: Path) -> None:
    db = open_database(db_path)
    with db.session() as con:
        assert con.execute("SELECT current_database()").fetchone() == ("provenance",)
        names = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        version = con.execute("SELECT max(version) FROM consist_schema_version").fetchone()
    assert set(TABLES) <= names
    assert version == (SCHEMA_VERSION,)


def test_parent_directory_is_created(tmp_path: Path) -> None:
    db = open_database(tmp_path / "deep" / "er" / "p.duckdb")
    with db.session() as con:
        con.execute("SELECT 1")
    assert (tmp_path / "deep" / "er" / "p.duckdb").exists()
    db.close()


def test_transaction_rolls_back_on_error(db_path: Path) -> None:
    db = open_database(db_path)
    with pytest.raises(RuntimeError, match="boom"), db.transaction() as con:
        con.execute(
            "INSERT INTO run (id, status, model_name, created_at) VALUES ('r','running','m',now())"
        )
        raise RuntimeError("boom")
    with db.session() as con:
        assert con.execute("SELECT count(*) FROM run").fetchone() == (0,)


def test_nested_transactions_join_the_outer_one(db_path: Path) -> None:
    db = open_database(db_path)
    insert = (
        "INSERT INTO run (id, status, model_name, created_at) VALUES (?, 'running', 'm', now())"
    )
    with pytest.raises(ValueError, match="late"), db.transaction() as outer:
        outer.execute(insert, ["a"])
        with db.transaction() as inner:
            inner.execute(insert, ["b"])
        raise ValueError("late")  # the inner "commit" must not have committed anything
    with db.session() as con:
        assert con.execute("SELECT count(*) FROM run").fetchone() == (0,)


def test_idle_release_detaches_after_the_idle_period(db_path: Path) -> None:
    db = open_database(db_path, idle_release_seconds=0.1)
    with db.session() as con:
        con.execute("SELECT 1")
    assert db.is_attached  # kept for back-to-back work
    deadline = time.monotonic() + 5
    while db.is_attached and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not db.is_attached
    # and it re-attaches transparently
    with db.session() as con:
        assert con.execute("SELECT count(*) FROM run").fetchone() == (0,)


def test_zero_idle_period_releases_after_each_session(db_path: Path) -> None:
    db = open_database(db_path, idle_release_seconds=0)
    with db.session() as con:
        con.execute("SELECT 1")
    assert not db.is_attached


def test_release_and_the_guides_inspect_snippet(db_path: Path) -> None:
    db = open_database(db_path)
    with db.transaction() as con:
        con.execute(
            "INSERT INTO run (id, status, model_name, created_at) VALUES ('r1','completed','m',now())"
        )
        con.execute(
            "INSERT INTO artifact (id, key, container_uri, driver, created_at) "
            "VALUES ('a1', 'k', './k.csv', 'csv', now())"
        )
    db.release()
    assert not db.is_attached
    # The guide: duckdb.connect("provenance.duckdb") then SELECT * FROM run / artifact.
    conn = duckdb.connect(str(db_path))
    try:
        runs = conn.query("SELECT * FROM run LIMIT 5").df()
        artifacts = conn.query("SELECT * FROM artifact LIMIT 5").df()
    finally:
        conn.close()
    assert list(runs["id"]) == ["r1"] and list(artifacts["key"]) == ["k"]
    for column in ("id", "model_name", "status", "signature", "git_hash", "meta"):
        assert column in runs.columns
    for column in ("container_uri", "table_path", "array_path", "hash", "driver", "key", "run_id"):
        assert column in artifacts.columns


def test_a_second_handle_in_this_process_is_a_clear_lock_error(db_path: Path) -> None:
    db = open_database(db_path)
    with db.session():
        pass
    db.release()
    other = duckdb.connect(str(db_path))
    try:
        with pytest.raises(DatabaseLockedError, match="database is locked") as info, db.session():
            pass
        assert "same process" in str(info.value)
    finally:
        other.close()
    with db.session() as con:  # fine again once the other handle is closed
        con.execute("SELECT 1")


def test_engine_runs_on_the_shared_instance(db_path: Path) -> None:
    db = open_database(db_path)
    with db.transaction() as con:
        con.execute(
            "INSERT INTO run (id, status, model_name, created_at) VALUES ('r1','completed','m',now())"
        )
    engine = db.engine
    assert engine is db.engine
    with engine.begin() as conn:  # the guide's "Database is huge and slow" fix
        conn.exec_driver_sql("VACUUM")
        assert conn.exec_driver_sql("SELECT id FROM run").scalar() == "r1"
        assert db.is_attached
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE notes (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO notes VALUES (7)")
        conn.commit()
    with db.session() as con:
        assert con.execute("SELECT x FROM notes").fetchone() == (7,)
    assert db._users == 0


def test_engine_connection_blocks_idle_release(db_path: Path) -> None:
    db = open_database(db_path, idle_release_seconds=0.05)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        time.sleep(0.3)
        assert db.is_attached  # never pulled out from under an open engine connection
        assert conn.exec_driver_sql("SELECT count(*) FROM run").scalar() == 0


def test_sessions_from_many_threads(db_path: Path) -> None:
    db = open_database(db_path)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(20):
                with db.transaction() as con:
                    con.execute(
                        "INSERT INTO run (id, status, model_name, created_at) "
                        "VALUES (?, 'running', 'm', now())",
                        [f"t{n}_{i}"],
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as con:
        assert con.execute("SELECT count(*) FROM run").fetchone() == (80,)


def test_read_only_handle(db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="Database not found at"):
        with open_database(tmp_path / "missing.duckdb", read_only=True).session():
            pass
    open_database(tmp_path / "missing.duckdb").close()
    writer = open_database(db_path)
    with writer.session():
        pass
    writer.close()
    reader = open_database(db_path, read_only=True)
    with reader.session() as con:
        assert con.execute("SELECT count(*) FROM run").fetchone() == (0,)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("CREATE TABLE x (a INT)")
    # a writable request upgrades the same handle
    assert open_database(db_path) is reader and not reader.read_only
    with reader.session() as con:
        con.execute("CREATE TABLE x (a INT)")


def test_newer_schema_version_is_refused(db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE consist_schema_version (version INTEGER, applied_at TIMESTAMP)")
    con.execute("INSERT INTO consist_schema_version VALUES (999, now())")
    con.close()
    db = open_database(db_path)
    for _ in range(2):  # refused every time, and the file is not left attached
        with pytest.raises(DatabaseError, match="schema version 999 is newer"):
            with db.session():
                pass
        assert not db.is_attached


def test_closed_handle_refuses_work_and_registry_forgets_it(db_path: Path) -> None:
    db = open_database(db_path)
    db.close()
    with pytest.raises(DatabaseError, match="is closed"), db.session():
        pass
    assert open_database(db_path) is not db
