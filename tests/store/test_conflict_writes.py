"""Artifact/link writes without INSERT OR REPLACE/IGNORE, and the run update by changed columns.

The store finds conflicts with an indexed SELECT and inserts only new rows
(DuckDB's ON CONFLICT paths cost ~2.5 ms per statement); these tests pin the
replace / keep / error semantics that the callers rely on. Real DuckDB files.
"""

from __future__ import annotations

import duckdb
import pytest

from consist.errors import RunNotFoundError
from consist.models import Artifact, Run
from consist.store import MetadataStore
from consist.store import artifacts as artifact_sql
from consist.store import runs as run_sql


def _artifact(artifact_id: str, version: int) -> Artifact:
    return Artifact(
        id=artifact_id, key="k", container_uri="./a.csv", driver="csv", meta={"v": version}
    )


def _meta(store: MetadataStore, artifact_id: str) -> dict:
    return store.get_artifacts([artifact_id])[artifact_id].meta


def test_write_artifacts_replaces_or_keeps_stored_rows(store: MetadataStore) -> None:
    with store.transaction() as con:
        artifact_sql.write_artifacts(con, replace=[_artifact("a", 1), _artifact("b", 1)])
    with store.transaction() as con:
        artifact_sql.write_artifacts(
            con,
            replace=[_artifact("a", 2), _artifact("new-out", 1)],
            keep=[_artifact("b", 2), _artifact("new-in", 1)],
        )
    assert _meta(store, "a") == {"v": 2}  # replaced
    assert _meta(store, "b") == {"v": 1}  # kept as stored
    assert _meta(store, "new-out") == _meta(store, "new-in") == {"v": 1}
    with store.db.session() as con:
        assert con.execute("SELECT count(*) FROM artifact").fetchall() == [(4,)]


def test_last_artifact_with_an_id_wins_and_replace_beats_keep(store: MetadataStore) -> None:
    with store.transaction() as con:
        artifact_sql.write_artifacts(
            con, replace=[_artifact("a", 1), _artifact("a", 3)], keep=[_artifact("a", 9)]
        )
    assert _meta(store, "a") == {"v": 3}
    store.insert_artifacts([_artifact("a", 4)])  # the public method replaces
    assert _meta(store, "a") == {"v": 4}


def test_many_artifacts_in_one_call(store: MetadataStore) -> None:
    # More rows than one INSERT statement carries (chunks of 256).
    store.insert_artifacts(_artifact(f"id{i}", 1) for i in range(600))
    store.insert_artifacts(_artifact(f"id{i}", 2) for i in range(0, 600, 2))
    assert _meta(store, "id0") == {"v": 2} and _meta(store, "id1") == {"v": 1}
    with store.db.session() as con:
        assert con.execute("SELECT count(*) FROM artifact").fetchall() == [(600,)]


def _links(store: MetadataStore) -> list[tuple]:
    with store.db.session() as con:
        return con.execute(
            "SELECT artifact_id, direction, key FROM run_artifact_link ORDER BY ALL"
        ).fetchall()


def test_link_conflicts_replace_ignore_or_error(store: MetadataStore) -> None:
    with store.transaction() as con:
        artifact_sql.link_many(con, "r", [("a", "input", "old"), ("a", "output", "out")])
    with store.transaction() as con:
        artifact_sql.link_many(
            con, "r", [("a", "input", "ignored"), ("b", "input", "b")], on_conflict="ignore"
        )
    assert _links(store) == [("a", "input", "old"), ("a", "output", "out"), ("b", "input", "b")]
    store.link("r", "a", "input", "replaced")
    assert _links(store)[0] == ("a", "input", "replaced")
    with pytest.raises(duckdb.ConstraintException), store.transaction() as con:
        artifact_sql.link_many(
            con, "r", [("c", "input", "c"), ("b", "input", "b2")], on_conflict="error"
        )
    # The failed transaction left nothing behind (no "c" link).
    assert _links(store) == [
        ("a", "input", "replaced"),
        ("a", "output", "out"),
        ("b", "input", "b"),
    ]


def test_update_run_writes_only_changed_columns(store: MetadataStore) -> None:
    run = Run(id="r", model_name="m", signature="blake3:aa", description="first")
    with store.transaction() as con:
        written = run_sql.insert_run(con, run)
        # Another writer changes a column this process did not touch since.
        con.execute("UPDATE run SET description = 'edited elsewhere' WHERE id = 'r'")
    run.status, run.meta = "completed", {"done": True}
    with store.transaction() as con:
        written = run_sql.update_run(con, run, written=written)
    stored = store.get_run("r")
    assert (stored.status, stored.meta, stored.description) == (
        "completed",
        {"done": True},
        "edited elsewhere",
    )
    with store.transaction() as con:  # nothing changed: still checks the row exists
        run_sql.update_run(con, run, written=written)
    with pytest.raises(RunNotFoundError), store.transaction() as con:
        run_sql.update_run(con, Run(id="nope", model_name="m"), written=written)


def test_record_facet_keeps_a_stored_facet_and_replaces_a_runs_values(
    store: MetadataStore,
) -> None:
    from consist.store import facets as facet_sql

    with store.transaction() as con:
        first = facet_sql.record_facet(con, "r1", {"a": {"b": 1}, "a.b": 2}, new_run=True)
        again = facet_sql.record_facet(con, "r2", {"a": {"b": 1}, "a.b": 2}, new_run=True)
        # Recorded again for a run that has it: its rows are replaced, not duplicated.
        facet_sql.record_facet(con, "r1", {"a": {"b": 1}, "a.b": 2})
        facet_sql.record_facet(con, "r1", {"a": {"b": 3}})
    assert first == again
    with store.db.session() as con:
        assert con.execute("SELECT count(*) FROM config_facet").fetchall() == [(2,)]
        rows = con.execute("SELECT run_id, key, value_num FROM run_config_kv").fetchall()
    # One row per flattened key and facet ("a.b" appears twice in the first facet).
    assert sorted(rows) == [("r1", "a.b", 2.0), ("r1", "a.b", 3.0), ("r2", "a.b", 2.0)]


def test_new_artifacts_are_inserted_unchecked(store: MetadataStore) -> None:
    store.insert_artifacts([_artifact("old", 1)])
    with store.transaction() as con:
        artifact_sql.write_artifacts(con, new=[_artifact("fresh", 1)], keep=[_artifact("old", 2)])
    assert _meta(store, "fresh") == {"v": 1} and _meta(store, "old") == {"v": 1}
    # "new" means "no row can exist": a stored id makes the whole transaction fail.
    with pytest.raises(duckdb.ConstraintException), store.transaction() as con:
        artifact_sql.write_artifacts(con, new=[_artifact("old", 3), _artifact("other", 1)])
    assert _meta(store, "old") == {"v": 1} and "other" not in store.get_artifacts(["other"])
