"""SQL for ``artifact`` and ``run_artifact_link``. Functions take an open connection.

A link row says run R read (``input``) or wrote (``output``) artifact A under
a key. A cache hit links the cached outputs to the new run without copying
artifact rows; ``artifact.run_id`` keeps naming the run that produced them.

Example:
    >>> import duckdb
    >>> from consist.models import Artifact
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> art = Artifact(key="trips", container_uri="./trips.parquet", driver="parquet", run_id="r1")
    >>> insert_artifacts(con, [art]); link(con, "r1", art.id, "output", key="trips")
    >>> get_artifacts_for_run(con, "r1").outputs["trips"] == art
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from consist.errors import ConfigError
from consist.models import Artifact, Run, RunArtifacts
from consist.store.rows import (
    ARTIFACT_COLUMNS,
    INSERT_CHUNK_ROWS,
    artifact_params,
    first_row,
    insert_rows,
    row_to_artifact,
)
from consist.store.runs import get_runs

__all__ = [
    "DIRECTIONS",
    "find_artifacts",
    "find_latest_output_at",
    "get_artifact",
    "get_artifact_links",
    "get_artifacts",
    "get_artifacts_for_run",
    "insert_artifacts",
    "link",
    "link_many",
    "write_artifacts",
]

DIRECTIONS = ("input", "output")
_COLUMNS = ", ".join(ARTIFACT_COLUMNS)
_SELECT = f"SELECT {_COLUMNS} FROM artifact"
# Conflicts are found with one indexed SELECT and only new rows are INSERTed: in DuckDB
# (2.0) INSERT OR REPLACE / OR IGNORE costs ~2.5 ms more per statement than a plain
# INSERT, which is most of a cache hit's database time.
_INSERT_HEAD = f"INSERT INTO artifact ({_COLUMNS})"
_LINK_HEAD = "INSERT INTO run_artifact_link (run_id, artifact_id, direction, key, is_implicit)"
_ON_CONFLICT = ("replace", "ignore", "error")
# How many same-location candidates to check for a completed producer.
_PRODUCER_CANDIDATES = 20


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ConfigError(
            f"Unknown link direction {direction!r}.",
            cause="A run either reads an artifact ('input') or writes it ('output').",
            fix="Use direction='input' or direction='output'.",
        )


def insert_artifacts(con: Any, artifacts: Iterable[Artifact], *, replace: bool = True) -> None:
    """Insert artifact rows; a row with the same id is replaced, or kept if ``replace=False``."""
    if replace:
        write_artifacts(con, replace=artifacts)
    else:
        write_artifacts(con, keep=artifacts)


def write_artifacts(
    con: Any,
    *,
    replace: Iterable[Artifact] = (),
    keep: Iterable[Artifact] = (),
    new: Iterable[Artifact] = (),
) -> None:
    """Store artifact rows with one INSERT; call it inside a transaction.

    A stored row with the same id is overwritten by a ``replace`` artifact and
    left as it is for a ``keep`` artifact (an input row may carry newer meta).
    ``new`` artifacts are known to have no row (ids minted for this run) and are
    inserted without the check; a row with their id makes the INSERT fail.
    Within each group the last artifact with an id wins; ``replace`` wins over ``keep``.

    Example:
        >>> import duckdb
        >>> from consist.store.schema import ensure_schema
        >>> con = duckdb.connect(); ensure_schema(con)
        >>> art = Artifact(key="a", container_uri="./a.csv", driver="csv", meta={"v": 1})
        >>> write_artifacts(con, replace=[art])
        >>> art.meta["v"] = 2; write_artifacts(con, keep=[art])
        >>> get_artifacts(con, [art.id])[art.id].meta
        {'v': 1}
    """
    unchecked = {artifact.id: artifact for artifact in new}
    wanted = {artifact.id: (artifact, False) for artifact in keep}
    wanted.update({artifact.id: (artifact, True) for artifact in replace})
    for artifact_id in unchecked.keys() & wanted.keys():
        del unchecked[artifact_id]
    stored = _stored_artifact_ids(con, list(wanted)) if wanted else set()
    stale = [artifact_id for artifact_id in stored if wanted[artifact_id][1]]
    for start in range(0, len(stale), INSERT_CHUNK_ROWS):
        chunk = stale[start : start + INSERT_CHUNK_ROWS]
        con.execute(f"DELETE FROM artifact WHERE id IN ({_marks(chunk)})", chunk)
    rows = [
        artifact_params(artifact)
        for artifact_id, (artifact, overwrite) in wanted.items()
        if overwrite or artifact_id not in stored
    ]
    rows += [artifact_params(artifact) for artifact in unchecked.values()]
    insert_rows(con, _INSERT_HEAD, rows)


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def _stored_artifact_ids(con: Any, ids: list[str]) -> set[str]:
    # A literal IN list lets DuckDB use the primary-key index instead of a scan.
    found: set[str] = set()
    for start in range(0, len(ids), INSERT_CHUNK_ROWS):
        chunk = ids[start : start + INSERT_CHUNK_ROWS]
        sql = f"SELECT id FROM artifact WHERE id IN ({_marks(chunk)})"
        found.update(row[0] for row in con.execute(sql, chunk).fetchall())
    return found


def link(
    con: Any,
    run_id: str,
    artifact_id: str,
    direction: str,
    key: str | None = None,
    *,
    is_implicit: bool = False,
) -> None:
    """Record that ``run_id`` read or wrote ``artifact_id`` under ``key``."""
    _check_direction(direction)
    row = (run_id, artifact_id, direction, key, is_implicit)
    _write_links(con, run_id, {(artifact_id, direction): row}, "replace")


def link_many(
    con: Any,
    run_id: str,
    links: Iterable[tuple[str, str, str | None]],
    *,
    on_conflict: str = "replace",
) -> None:
    """Several ``(artifact_id, direction, key)`` links for one run.

    ``on_conflict`` for an existing (run, artifact, direction) link: "replace"
    its key, "ignore" the new one, or "error" (fastest; for a brand-new run).
    """
    if on_conflict not in _ON_CONFLICT:
        raise ConfigError(
            f"Unknown on_conflict {on_conflict!r}.",
            cause="An existing link can be replaced, ignored, or treated as an error.",
            fix="Use on_conflict='replace', 'ignore' or 'error'.",
        )
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    for artifact_id, direction, key in links:
        _check_direction(direction)
        rows[(artifact_id, direction)] = (run_id, artifact_id, direction, key, False)
    _write_links(con, run_id, rows, on_conflict)


def _write_links(
    con: Any, run_id: str, rows: dict[tuple[str, str], tuple[Any, ...]], on_conflict: str
) -> None:
    if rows and on_conflict != "error":  # "error": the plain INSERT raises on a duplicate
        stored = con.execute(
            "SELECT artifact_id, direction FROM run_artifact_link WHERE run_id = ?", [run_id]
        ).fetchall()
        clashes = [pair for pair in map(tuple, stored) if pair in rows]
        if clashes and on_conflict == "ignore":
            rows = {pair: row for pair, row in rows.items() if pair not in clashes}
        elif clashes:
            where = " OR ".join("(artifact_id = ? AND direction = ?)" for _ in clashes)
            params = [value for pair in clashes for value in pair]
            con.execute(
                f"DELETE FROM run_artifact_link WHERE run_id = ? AND ({where})", [run_id, *params]
            )
    insert_rows(con, _LINK_HEAD, list(rows.values()))


def get_artifacts(con: Any, artifact_ids: Iterable[str]) -> dict[str, Artifact]:
    """Artifacts by id (missing ids are absent from the result)."""
    ids = list(dict.fromkeys(artifact_ids))
    if not ids:
        return {}
    # A literal IN list lets DuckDB use the primary-key index instead of a scan.
    placeholders = ", ".join("?" for _ in ids)
    rows = con.execute(f"{_SELECT} WHERE id IN ({placeholders})", ids).fetchall()
    return {art.id: art for art in map(row_to_artifact, rows)}


def get_artifacts_for_run(con: Any, run_id: str) -> RunArtifacts:
    """Inputs and outputs of a run, keyed by the link key (or the artifact key)."""
    links = con.execute(
        "SELECT artifact_id, direction, key FROM run_artifact_link WHERE run_id = ?", [run_id]
    ).fetchall()
    by_id = get_artifacts(con, (artifact_id for artifact_id, _, _ in links))
    result = RunArtifacts()
    # Logging order (artifact creation time) decides dict order: RunResult.output is the first.
    ordered = sorted(
        (row for row in links if row[0] in by_id),
        key=lambda row: (by_id[row[0]].created_at, str(row[2])),
    )
    for artifact_id, direction, key in ordered:
        artifact = by_id[artifact_id]
        target = result.inputs if direction == "input" else result.outputs
        target[key or artifact.key] = artifact
    return result


def get_artifact_links(con: Any, artifact_id: str) -> list[tuple[str, str, str | None]]:
    """``(run_id, direction, key)`` for every run that read or wrote the artifact."""
    return con.execute(
        "SELECT run_id, direction, key FROM run_artifact_link WHERE artifact_id = ? "
        "ORDER BY run_id, direction",
        [artifact_id],
    ).fetchall()


def get_artifact(con: Any, key_or_id: str, *, run_id: str | None = None) -> Artifact | None:
    """Artifact by id, else the newest with this key (limited to one run's links if given).

    With ``run_id``, a run's outputs win over its inputs.
    """
    if run_id is None:
        found = get_artifacts(con, [key_or_id]).get(key_or_id)
        if found is not None:
            return found
        row = first_row(
            con.execute(
                f"{_SELECT} WHERE key = ? ORDER BY created_at DESC, id DESC LIMIT 1", [key_or_id]
            )
        )
        return None if row is None else row_to_artifact(row)
    artifacts = get_artifacts_for_run(con, run_id)
    for group in (artifacts.outputs, artifacts.inputs):
        if key_or_id in group:
            return group[key_or_id]
        for artifact in group.values():
            if key_or_id in (artifact.id, artifact.key):
                return artifact
    return None


def find_artifacts(
    con: Any,
    *,
    key: str | None = None,
    run_id: str | None = None,
    container_uri: str | None = None,
    hash: str | None = None,
    driver: str | None = None,
    limit: int | None = None,
) -> list[Artifact]:
    """Artifacts matching every given column value, newest first."""
    filters = {
        "key": key,
        "run_id": run_id,
        "container_uri": container_uri,
        "hash": hash,
        "driver": driver,
    }
    clauses = [f"{column} = ?" for column, value in filters.items() if value is not None]
    params: list[Any] = [value for value in filters.values() if value is not None]
    sql = _SELECT + (" WHERE " + " AND ".join(clauses) if clauses else "")
    sql += " ORDER BY created_at DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [row_to_artifact(row) for row in con.execute(sql, params).fetchall()]


def find_latest_output_at(
    con: Any,
    container_uri: str,
    *,
    table_path: str | None = None,
    array_path: str | None = None,
    driver: str | None = None,
) -> tuple[Artifact, Run] | None:
    """Newest artifact at this location produced by a completed run, with that run.

    This is how a logged input is linked to the run that wrote it (so its
    signature enters the input hash: Merkle linking).
    """
    # Only the indexed equality in SQL, the rest filtered and sorted here: any further
    # condition (run_id IS NOT NULL, driver = ?, ORDER BY ... LIMIT) makes DuckDB drop
    # the container_uri index for a full scan (~4 ms instead of ~0.5 at 100,000 runs).
    rows = con.execute(f"{_SELECT} WHERE container_uri = ?", [container_uri]).fetchall()
    candidates = sorted(
        (
            artifact
            for artifact in map(row_to_artifact, rows)
            if artifact.run_id is not None
            and artifact.table_path == table_path
            and artifact.array_path == array_path
            and (driver is None or artifact.driver == driver)
        ),
        key=lambda artifact: (artifact.created_at, artifact.id),
        reverse=True,
    )
    producers = get_runs(con, [artifact.run_id for artifact in candidates[:_PRODUCER_CANDIDATES]])
    for artifact in candidates[:_PRODUCER_CANDIDATES]:
        run = producers.get(artifact.run_id)
        if run is not None and run.status == "completed":
            return artifact, run
    return None
