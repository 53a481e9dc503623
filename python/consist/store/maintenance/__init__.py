"""SQL for database maintenance (``consist db ...``): health checks, purge, merge/export, compact.

Split by concern; every function takes an open connection from a
``Database`` session whose catalog is selected (``USE``), and never commits:
the caller in ``consist.maintenance`` decides the transaction.

- ``health``: counts, sizes, schema version, invariant checks, global-table classes.
- ``queries``: lineage links, search, scenarios, summary figures.
- ``purge``: descendants, what a purge removes, the deletes themselves.
- ``transfer``: attach another file, compare schemas, copy rows (merge, export).
- ``files``: checkpoint and rewrite the file compactly.

Example:
    >>> import duckdb
    >>> from consist.store.schema import ensure_schema
    >>> con = duckdb.connect(); ensure_schema(con)
    >>> from consist.store.maintenance.health import table_row_counts
    >>> table_row_counts(con)["run"]
    0
"""
