"""Persistence: every SQL statement consist runs lives under this package.

``open_database(path)`` gives the process-wide ``Database`` (shared DuckDB
instance, idle release, lock retries); ``MetadataStore(db)`` reads and
writes runs, artifacts, links and facets; ``snapshots`` writes the per-run
JSON files the database can be rebuilt from.

Example:
    >>> import tempfile, pathlib
    >>> from consist.store import open_database
    >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb")
    >>> db.close()
"""

from consist.store.connection import Database
from consist.store.metadata import MetadataStore
from consist.store.registry import open_database, release_all

__all__ = ["Database", "MetadataStore", "open_database", "release_all"]
