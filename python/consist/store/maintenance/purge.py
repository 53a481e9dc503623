"""SQL for ``db purge``: which rows a purge touches, and the deletes.

The plan is computed before anything is deleted, so ``--dry-run`` and the
real purge report the same numbers. Artifacts are deleted only when no
remaining run reads or writes them; an output still used by another run
stays (its row keeps naming the purged producer, and ``db doctor`` reports it).

Example:
    >>> import duckdb
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> descendant_run_ids(con, ["nope"])
    []
"""

from __future__ import annotations

from typing import Any

from consist.store.global_tables import table_ref
from consist.store.rows import ARTIFACT_COLUMNS, first_row, row_to_artifact

__all__ = [
    "cache_rows_to_prune",
    "delete_cache_rows",
    "delete_ingested_rows",
    "delete_metadata",
    "descendant_run_ids",
    "doomed_artifacts",
    "ingested_row_count",
    "metadata_counts",
    "remaining_uri_users",
    "shared_outputs",
]

_IDS = "SELECT unnest($ids::VARCHAR[])"


def descendant_run_ids(con: Any, run_ids: list[str], *, children: bool = True) -> list[str]:
    """The existing runs among ``run_ids`` plus (with ``children``) every run below them."""
    if not children:
        rows = con.execute(f"SELECT id FROM run WHERE id IN ({_IDS}) ORDER BY id", {"ids": run_ids})
        return [r[0] for r in rows.fetchall()]
    rows = con.execute(
        f"""
        WITH RECURSIVE tree(id) AS (
            SELECT id FROM run WHERE id IN ({_IDS})
            UNION
            SELECT r.id FROM run r JOIN tree t ON r.parent_run_id = t.id
        )
        SELECT DISTINCT id FROM tree ORDER BY id
        """,
        {"ids": run_ids},
    ).fetchall()
    return [r[0] for r in rows]


def doomed_artifacts(con: Any, run_ids: list[str]) -> list[Any]:
    """Artifacts used or produced by the purged runs that no remaining run links to."""
    columns = ", ".join(f"a.{c}" for c in ARTIFACT_COLUMNS)
    rows = con.execute(
        f"""
        SELECT {columns} FROM artifact a
        WHERE (a.id IN (SELECT artifact_id FROM run_artifact_link WHERE run_id IN ({_IDS}))
               OR a.run_id IN ({_IDS}))
          AND NOT EXISTS (SELECT 1 FROM run_artifact_link l
                          WHERE l.artifact_id = a.id AND l.run_id NOT IN ({_IDS}))
        ORDER BY a.created_at, a.id
        """,
        {"ids": run_ids},
    ).fetchall()
    return [row_to_artifact(r) for r in rows]


def shared_outputs(con: Any, run_ids: list[str]) -> list[tuple[str, str]]:
    """``(artifact_id, key)`` produced by the purged runs but still linked to other runs (kept)."""
    return con.execute(
        f"""
        SELECT a.id, a.key FROM artifact a
        WHERE a.run_id IN ({_IDS})
          AND EXISTS (SELECT 1 FROM run_artifact_link l
                      WHERE l.artifact_id = a.id AND l.run_id NOT IN ({_IDS}))
        ORDER BY a.key, a.id
        """,
        {"ids": run_ids},
    ).fetchall()


def remaining_uri_users(con: Any, run_ids: list[str], uris: list[str]) -> set[str]:
    """Which of ``uris`` a kept artifact also points at (deleting that file would hurt it)."""
    if not uris:
        return set()
    rows = con.execute(
        f"""
        SELECT DISTINCT a.container_uri FROM artifact a
        WHERE a.container_uri IN (SELECT unnest($uris::VARCHAR[]))
          AND (EXISTS (SELECT 1 FROM run_artifact_link l
                       WHERE l.artifact_id = a.id AND l.run_id NOT IN ({_IDS}))
               OR (a.run_id IS NOT NULL AND a.run_id NOT IN ({_IDS})))
        """,
        {"ids": run_ids, "uris": uris},
    ).fetchall()
    return {r[0] for r in rows}


def metadata_counts(con: Any, run_ids: list[str], artifact_ids: list[str]) -> dict[str, int]:
    """Rows a purge deletes from each metadata table."""
    params = {"ids": run_ids}

    def count(sql: str, p: dict[str, Any]) -> int:
        return int(con.execute(f"SELECT count(*) FROM ({sql})", p).fetchall()[0][0])

    return {
        "run": len(run_ids),
        "run_artifact_link": count(
            f"SELECT 1 FROM run_artifact_link WHERE run_id IN ({_IDS})", params
        ),
        "artifact": len(artifact_ids),
        "run_config_kv": count(f"SELECT 1 FROM run_config_kv WHERE run_id IN ({_IDS})", params),
        "config_facet": count(_orphan_facets_sql(), params),
    }


def _orphan_facets_sql() -> str:
    # Facets only the purged runs use.
    return (
        "SELECT f.id FROM config_facet f WHERE EXISTS (SELECT 1 FROM run_config_kv k "
        f"WHERE k.facet_id = f.id AND k.run_id IN ({_IDS})) AND NOT EXISTS (SELECT 1 FROM "
        f"run_config_kv k WHERE k.facet_id = f.id AND k.run_id NOT IN ({_IDS}))"
    )


def delete_metadata(con: Any, run_ids: list[str], artifact_ids: list[str]) -> dict[str, int]:
    """Delete the runs, their links, facet rows and the given artifacts; return counts."""
    params = {"ids": run_ids}
    deleted = {}
    deleted["config_facet"] = _rowcount(
        con.execute(f"DELETE FROM config_facet WHERE id IN ({_orphan_facets_sql()})", params)
    )
    deleted["run_config_kv"] = _rowcount(
        con.execute(f"DELETE FROM run_config_kv WHERE run_id IN ({_IDS})", params)
    )
    deleted["run_artifact_link"] = _rowcount(
        con.execute(f"DELETE FROM run_artifact_link WHERE run_id IN ({_IDS})", params)
    )
    deleted["artifact"] = _rowcount(
        con.execute(f"DELETE FROM artifact WHERE id IN ({_IDS})", {"ids": artifact_ids})
    )
    deleted["run"] = _rowcount(con.execute(f"DELETE FROM run WHERE id IN ({_IDS})", params))
    return deleted


def _rowcount(cursor: Any) -> int:
    row = first_row(cursor)
    return int(row[0]) if row else 0


def ingested_row_count(con: Any, table: str, column: str, run_ids: list[str]) -> int:
    """Rows of ``global_tables.<table>`` whose ``column`` names a purged run."""
    sql = f'SELECT count(*) FROM {table_ref(table)} WHERE "{column}" IN ({_IDS})'
    return int(con.execute(sql, {"ids": run_ids}).fetchall()[0][0])


def delete_ingested_rows(con: Any, table: str, column: str, run_ids: list[str]) -> int:
    """Delete those rows; return how many."""
    sql = f'DELETE FROM {table_ref(table)} WHERE "{column}" IN ({_IDS})'
    return _rowcount(con.execute(sql, {"ids": run_ids}))


def _released_hashes_sql(link_tables: list[str]) -> str:
    # content_hash values the purged runs reference and no remaining run does.
    purged = " UNION ".join(
        f"SELECT content_hash FROM {table_ref(t)} WHERE run_id IN ({_IDS})" for t in link_tables
    )
    kept = " UNION ".join(
        f"SELECT content_hash FROM {table_ref(t)} WHERE run_id NOT IN ({_IDS}) "
        "AND content_hash IS NOT NULL"
        for t in link_tables
    )
    return f"SELECT content_hash FROM ({purged}) WHERE content_hash NOT IN ({kept})"


def cache_rows_to_prune(
    con: Any, run_ids: list[str], link_tables: list[str], cache_table: str
) -> int:
    """Rows of an unscoped cache table that only the purged runs reference (by content_hash)."""
    sql = (
        f"SELECT count(*) FROM {table_ref(cache_table)} "
        f"WHERE content_hash IN ({_released_hashes_sql(link_tables)})"
    )
    return int(con.execute(sql, {"ids": run_ids}).fetchall()[0][0])


def delete_cache_rows(
    con: Any, run_ids: list[str], link_tables: list[str], cache_table: str
) -> int:
    """Delete those rows (run BEFORE the purged runs' link rows are deleted)."""
    sql = (
        f"DELETE FROM {table_ref(cache_table)} "
        f"WHERE content_hash IN ({_released_hashes_sql(link_tables)})"
    )
    return _rowcount(con.execute(sql, {"ids": run_ids}))
