"""DDL for the provenance tables, created idempotently on the first writable attach.

Table and column names follow Consist 0.3 where users query them
(``SELECT * FROM run``, ``SELECT * FROM artifact``). Indexes keep the cache
lookup (``run.signature``) and input linking (``artifact.container_uri``,
``artifact.hash``) fast at 100,000 runs.

Example:
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> ensure_schema(con)
    >>> con.execute("SELECT max(version) FROM consist_schema_version").fetchone()[0] == SCHEMA_VERSION
    True
"""

from __future__ import annotations

from typing import Any

from consist.errors import DatabaseError

__all__ = ["RUN_COLUMNS", "SCHEMA_VERSION", "TABLES", "ensure_schema"]

SCHEMA_VERSION = 1

RUN_COLUMNS = (
    "id",
    "parent_run_id",
    "status",
    "model_name",
    "description",
    "year",
    "iteration",
    "stage",
    "phase",
    "tags",
    "config_hash",
    "git_hash",
    "input_hash",
    "signature",
    "cache_hit",
    "meta",
    "started_at",
    "ended_at",
    "created_at",
    "updated_at",
)

_TABLES_DDL = """
CREATE TABLE IF NOT EXISTS consist_schema_version (
    version INTEGER NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS run (
    id VARCHAR PRIMARY KEY,
    parent_run_id VARCHAR,
    status VARCHAR NOT NULL,
    model_name VARCHAR NOT NULL,
    description VARCHAR,
    year INTEGER,
    iteration INTEGER,
    stage VARCHAR,
    phase VARCHAR,
    tags VARCHAR[],
    config_hash VARCHAR,
    git_hash VARCHAR,
    input_hash VARCHAR,
    signature VARCHAR,
    cache_hit BOOLEAN DEFAULT FALSE,
    meta JSON,
    started_at TIMESTAMP,
    ended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS artifact (
    id VARCHAR PRIMARY KEY,
    key VARCHAR NOT NULL,
    container_uri VARCHAR NOT NULL,
    table_path VARCHAR,
    array_path VARCHAR,
    driver VARCHAR NOT NULL,
    hash VARCHAR,
    size BIGINT,
    content_id VARCHAR,
    parent_artifact_id VARCHAR,
    run_id VARCHAR,
    meta JSON,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS run_artifact_link (
    run_id VARCHAR NOT NULL,
    artifact_id VARCHAR NOT NULL,
    direction VARCHAR NOT NULL,
    key VARCHAR,
    is_implicit BOOLEAN DEFAULT FALSE,
    PRIMARY KEY (run_id, artifact_id, direction)
);
CREATE TABLE IF NOT EXISTS config_facet (
    id VARCHAR PRIMARY KEY,
    namespace VARCHAR,
    schema_name VARCHAR,
    schema_version VARCHAR,
    json JSON,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS run_config_kv (
    run_id VARCHAR NOT NULL,
    facet_id VARCHAR NOT NULL,
    namespace VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value_type VARCHAR NOT NULL,
    value_str VARCHAR,
    value_num DOUBLE,
    value_bool BOOLEAN,
    value_json JSON,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, facet_id, namespace, key)
);
"""

# Tables created by Consist 0.3 lack these columns; adding them keeps old files loadable.
_ADDITIVE_MIGRATIONS = """
ALTER TABLE run ADD COLUMN IF NOT EXISTS stage VARCHAR;
ALTER TABLE run ADD COLUMN IF NOT EXISTS phase VARCHAR;
ALTER TABLE run ADD COLUMN IF NOT EXISTS cache_hit BOOLEAN DEFAULT FALSE;
ALTER TABLE artifact ADD COLUMN IF NOT EXISTS size BIGINT;
ALTER TABLE artifact ADD COLUMN IF NOT EXISTS content_id VARCHAR;
ALTER TABLE artifact ADD COLUMN IF NOT EXISTS parent_artifact_id VARCHAR;
ALTER TABLE run_artifact_link ADD COLUMN IF NOT EXISTS key VARCHAR;
"""

_INDEXES_DDL = """
CREATE INDEX IF NOT EXISTS idx_run_signature ON run(signature);
CREATE INDEX IF NOT EXISTS idx_run_model_name ON run(model_name);
CREATE INDEX IF NOT EXISTS idx_run_parent_run_id ON run(parent_run_id);
CREATE INDEX IF NOT EXISTS idx_artifact_container_uri ON artifact(container_uri);
CREATE INDEX IF NOT EXISTS idx_artifact_hash ON artifact(hash);
CREATE INDEX IF NOT EXISTS idx_artifact_key ON artifact(key);
CREATE INDEX IF NOT EXISTS idx_link_run_id ON run_artifact_link(run_id);
CREATE INDEX IF NOT EXISTS idx_link_artifact_id ON run_artifact_link(artifact_id);
"""

TABLES = ("run", "artifact", "run_artifact_link", "config_facet", "run_config_kv")


def _current_version(con: Any) -> int | None:
    import duckdb

    try:
        # fetchall, not fetchone: leave no result pending on the shared connection.
        row = con.execute("SELECT max(version) FROM consist_schema_version").fetchall()[0]
    except duckdb.CatalogException:
        return None
    return None if row is None else row[0]


def ensure_schema(con: Any) -> None:
    """Create missing tables and indexes; a no-op (one query) when already current.

    Raises ``DatabaseError`` for a file written by a newer consist.

    Example:
        >>> import duckdb
        >>> con = duckdb.connect()
        >>> ensure_schema(con); ensure_schema(con)  # idempotent
    """
    version = _current_version(con)
    if version == SCHEMA_VERSION:
        return
    if version is not None and version > SCHEMA_VERSION:
        raise DatabaseError(
            f"Database schema version {version} is newer than this consist supports "
            f"({SCHEMA_VERSION}).",
            cause="The file was written by a newer consist release.",
            fix="Upgrade consist, or point db_path at a different file.",
        )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(_TABLES_DDL)
        con.execute(_ADDITIVE_MIGRATIONS)
        con.execute(_INDEXES_DDL)
        con.execute("INSERT INTO consist_schema_version (version) VALUES (?)", [SCHEMA_VERSION])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
