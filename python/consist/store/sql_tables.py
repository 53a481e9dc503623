"""SQLAlchemy Core descriptions of the provenance tables, for users' own queries.

``consist.db_session`` / ``consist.run_query`` run SQLAlchemy statements on
the tracker's database; these ``Table`` objects let you build them without
writing SQL text. They mirror ``consist.store.schema`` (the DDL stays the
single place that creates tables); a test keeps the two in step. Importing
this module imports SQLAlchemy (~0.4 s): only query helpers do.

Example:
    >>> from sqlalchemy import select
    >>> stmt = select(run.c.id).where(run.c.model_name == "clean")
    >>> print(stmt.compile(compile_kwargs={"literal_binds": True}))
    SELECT run.id
    FROM run
    WHERE run.model_name = 'clean'
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.types import ARRAY

__all__ = ["artifact", "config_facet", "metadata", "run", "run_artifact_link", "run_config_kv"]

metadata = MetaData()

run = Table(
    "run",
    metadata,
    Column("id", String, primary_key=True),
    Column("parent_run_id", String),
    Column("status", String, nullable=False),
    Column("model_name", String, nullable=False),
    Column("description", String),
    Column("year", Integer),
    Column("iteration", Integer),
    Column("stage", String),
    Column("phase", String),
    Column("tags", ARRAY(String)),
    Column("config_hash", String),
    Column("git_hash", String),
    Column("input_hash", String),
    Column("signature", String),
    Column("cache_hit", Boolean),
    Column("meta", JSON),
    Column("started_at", DateTime),
    Column("ended_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime),
)

artifact = Table(
    "artifact",
    metadata,
    Column("id", String, primary_key=True),
    Column("key", String, nullable=False),
    Column("container_uri", String, nullable=False),
    Column("table_path", String),
    Column("array_path", String),
    Column("driver", String, nullable=False),
    Column("hash", String),
    Column("size", BigInteger),
    Column("content_id", String),
    Column("parent_artifact_id", String),
    Column("run_id", String),
    Column("meta", JSON),
    Column("created_at", DateTime, nullable=False),
)

run_artifact_link = Table(
    "run_artifact_link",
    metadata,
    Column("run_id", String, primary_key=True),
    Column("artifact_id", String, primary_key=True),
    Column("direction", String, primary_key=True),
    Column("key", String),
    Column("is_implicit", Boolean),
)

config_facet = Table(
    "config_facet",
    metadata,
    Column("id", String, primary_key=True),
    Column("namespace", String),
    Column("schema_name", String),
    Column("schema_version", String),
    Column("json", JSON),
    Column("created_at", DateTime, nullable=False),
)

# Consist 0.3 calls this model RunConfigKV: one row per flattened facet value.
run_config_kv = Table(
    "run_config_kv",
    metadata,
    Column("run_id", String, primary_key=True),
    Column("facet_id", String, primary_key=True),
    Column("namespace", String, primary_key=True),
    Column("key", String, primary_key=True),
    Column("value_type", String, nullable=False),
    Column("value_str", String),
    Column("value_num", Float),
    Column("value_bool", Boolean),
    Column("value_json", JSON),
    Column("created_at", DateTime, nullable=False),
)
