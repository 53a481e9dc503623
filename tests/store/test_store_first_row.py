"""Store reads take one row without leaving the rest of the result open on the connection.

Real DuckDB file. With ``fetchone()`` the unread rows keep a transaction open on that
cursor, and a ``CHECKPOINT`` on the same database is then refused.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from consist.models import Run
from consist.store import MetadataStore
from consist.store.rows import first_row


def _table(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT i AS id FROM range(100000) r(i)")
    return con


def test_first_row_reads_the_result_to_the_end(tmp_path: Path) -> None:
    con = _table(tmp_path / "a.duckdb")
    reader = con.cursor()  # kept alive, like the store's shared cursor
    assert first_row(reader.execute("SELECT id FROM t ORDER BY id")) == (0,)
    con.execute("UPDATE t SET id = id + 1 WHERE id = 7")
    con.execute("CHECKPOINT")
    assert first_row(con.execute("SELECT id FROM t WHERE id < 0")) is None
    con.close()


def test_fetchone_would_leave_a_transaction_open(tmp_path: Path) -> None:
    con = _table(tmp_path / "b.duckdb")
    reader = con.cursor()
    reader.execute("SELECT id FROM t").fetchone()
    con.execute("UPDATE t SET id = id + 1 WHERE id = 7")
    with pytest.raises(duckdb.TransactionException):
        con.execute("CHECKPOINT")
    con.close()


def test_store_single_row_reads_then_checkpoint(tmp_path: Path) -> None:
    store = MetadataStore.open(tmp_path / "provenance.duckdb")
    for i in range(3):
        store.insert_run(Run(id=f"r{i}", model_name="m", status="completed"))
    run = store.get_run("r1")
    store.update_run(run)
    with store.db.session() as con:
        from consist.store import runs as run_sql

        assert run_sql.find_prior_run_for_miss(con, "m", exclude_run_id="r2") is not None
        assert run_sql.count_runs(con) == 3
        con.execute("CHECKPOINT")
    store.db.close()
