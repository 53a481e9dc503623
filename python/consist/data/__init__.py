"""The Arrow-native data layer: frames in, files and rows out, lazy loaders and views.

Nothing heavy is imported here; each module imports pandas, Polars, pyarrow or
DuckDB inside the functions that need them. Public names are re-exported lazily
from ``consist`` (``consist.log_dataframe``, ``consist.load_df``, ...).

Modules, from the frame to the query:

* ``frames``: pandas / Polars / Arrow / DuckDB -> ``pyarrow.Table``
* ``schemas``, ``column_types``: SQLModel / pydantic / Arrow schema -> ``TableSchema``
* ``validation``: the guide's schema errors, before anything is written
* ``drivers``, ``tabular_formats``, ``writers``: the open format registry; Parquet,
  CSV, JSON readers and atomic writers
* ``ingestion``: Arrow -> ``global_tables.<table>`` in one transaction
* ``dataframe_logging``, ``functional``: ``log_dataframe`` and ``ingest``
* ``artifact_access``, ``loaders``, ``relations``: ``load``, ``load_df``,
  ``load_relation``, ``load_polars``, ``load_arrow``, ``to_df``, the leak warning
* ``views``, ``view_registry``, ``view_models``: hybrid views ``v_<concept>`` and
  ``tracker.views``

All SQL lives in ``consist.store.global_tables`` and ``consist.store.views``.

Example:
    >>> import consist
    >>> consist.active_relation_count() >= 0
    True
"""
