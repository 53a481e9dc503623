"""Load artifacts lazily: DuckDB relations, pandas, Polars LazyFrames, Arrow tables.

Files are read in place; nothing is copied up front.

* ``load(artifact)`` -> a lazy ``duckdb.DuckDBPyRelation`` for tabular drivers
  (the object the driver's ``open`` returns for other formats). The relation
  keeps a connection open until ``to_df(rel)`` (``close=True``), the end of a
  ``load_relation`` block, or garbage collection; see
  :mod:`consist.data.relations` for the leak warning.
* ``load_relation(artifact)`` -> context manager yielding a relation, closed on exit.
* ``load_df(artifact)`` -> pandas DataFrame (connection closed afterwards).
* ``load_polars(artifact)`` -> Polars ``LazyFrame`` (``scan_parquet``/``scan_csv``:
  projections and filters are pushed into the scan).
* ``load_arrow(artifact, dataset=False)`` -> ``pyarrow.Table`` (memory-mapped for
  Parquet), or a ``pyarrow.dataset.Dataset`` with ``dataset=True``.

Artifacts whose file is gone but whose rows were ingested load from the database
per ``db_fallback`` (see :mod:`consist.data.artifact_access`).

Example:
    >>> import pandas as pd, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> pd.DataFrame({"a": [1, 2]}).to_parquet(path)
    >>> with load_relation(path) as rel:
    ...     rel.aggregate("sum(a)").fetchall()
    [(3,)]
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from consist.data import relations
from consist.data.artifact_access import Located, locate
from consist.data.drivers import Driver, get_driver
from consist.errors import ConfigError, ConsistTypeError

__all__ = ["load", "load_arrow", "load_df", "load_polars", "load_relation", "to_df"]


def load(
    artifact: Any, tracker: Any = None, *, db_fallback: str = "inputs-only", **options: Any
) -> Any:
    """Open an artifact (or a path) lazily; tabular formats give a DuckDB relation.

    Options per driver: ``columns``, ``nrows`` everywhere; CSV ``delimiter``/``sep``,
    ``header``; JSON ``lines``.

    Example:
        >>> import pandas as pd, tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_csv(path, index=False)
        >>> rel = load(path, columns=["b"])
        >>> to_df(rel)["b"].tolist()
        ['x', 'y']
    """
    located = locate(artifact, tracker, db_fallback=db_fallback)
    driver = get_driver(located.driver)
    driver.check_load_options(options)
    if located.rows is not None:
        rows = located.rows
        return relations.track_relation(
            relations.new_cursor(), lambda con: _rows_relation(con, rows, options)
        )
    if driver.relation is not None:
        path = located.path
        return relations.track_relation(
            relations.new_cursor(), lambda con: driver.relation(con, path, options)
        )
    if driver.open is not None:
        return driver.open(located.path, options)
    raise _no_reader(driver, "load")


@contextlib.contextmanager
def load_relation(
    artifact: Any, tracker: Any = None, *, db_fallback: str = "inputs-only", **options: Any
) -> Iterator[Any]:
    """Yield ``load(...)``'s relation and close its connection when the block ends.

    Example:
        >>> import pandas as pd, tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
        >>> pd.DataFrame({"a": [1, 2]}).to_parquet(path)
        >>> with load_relation(path) as rel:
        ...     n = len(rel.fetchall())
        >>> n
        2
    """
    relation = load(artifact, tracker, db_fallback=db_fallback, **options)
    try:
        yield relation
    finally:
        relations.close_relation(relation)


def load_df(
    artifact: Any,
    tracker: Any = None,
    *,
    db_fallback: str = "inputs-only",
    close: bool = True,
    **options: Any,
) -> Any:
    """Read a tabular artifact into a pandas DataFrame (no tracker needed for a resolvable artifact).

    Example:
        >>> import pandas as pd, tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
        >>> pd.DataFrame({"a": [1, 2]}).to_parquet(path)
        >>> load_df(path)["a"].tolist()
        [1, 2]
    """
    relation = load(artifact, tracker, db_fallback=db_fallback, **options)
    return to_df(relation, close=close)


def to_df(relation: Any, *, close: bool = True) -> Any:
    """Materialise a relation as a pandas DataFrame; ``close`` releases its connection.

    Example:
        >>> to_df([1, 2])
        Traceback (most recent call last):
        ...
        consist.errors.ConsistTypeError: Problem: to_df expects a DuckDB Relation.
        Cause: Got a list.
        Fix: Pass the object consist.load(...) returned, or use consist.load_df(artifact).
    """
    if not hasattr(relation, "df"):
        raise ConsistTypeError(
            "to_df expects a DuckDB Relation.",
            cause=f"Got a {type(relation).__name__}.",
            fix="Pass the object consist.load(...) returned, or use consist.load_df(artifact).",
        )
    try:
        return relation.df()
    finally:
        if close:
            relations.close_relation(relation)


def load_polars(
    artifact: Any, tracker: Any = None, *, db_fallback: str = "inputs-only", **options: Any
) -> Any:
    """A Polars ``LazyFrame`` scanning the artifact's file (or its ingested rows).

    Example:
        >>> import polars as pl, tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
        >>> pl.DataFrame({"a": [1, 2], "b": [3, 4]}).write_parquet(path)
        >>> load_polars(path).filter(pl.col("a") > 1).select("b").collect()["b"].to_list()
        [4]
    """
    located = locate(artifact, tracker, db_fallback=db_fallback)
    driver = get_driver(located.driver)
    driver.check_load_options(options)
    if located.rows is not None:
        import polars as pl

        return pl.from_arrow(_rows_table(located, options)).lazy()
    if driver.polars is None:
        raise _no_reader(driver, "load_polars")
    return driver.polars(located.path, options)


def load_arrow(
    artifact: Any,
    tracker: Any = None,
    *,
    db_fallback: str = "inputs-only",
    dataset: bool = False,
    **options: Any,
) -> Any:
    """A ``pyarrow.Table`` of the artifact, or a lazy ``pyarrow.dataset.Dataset`` with ``dataset=True``.

    Example:
        >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
        >>> pq.write_table(pa.table({"a": [1, 2]}), path)
        >>> load_arrow(path).num_rows, load_arrow(path, dataset=True).count_rows()
        (2, 2)
    """
    located = locate(artifact, tracker, db_fallback=db_fallback)
    driver = get_driver(located.driver)
    driver.check_load_options(options)
    if located.rows is not None:
        table = _rows_table(located, options)
        if dataset:
            import pyarrow.dataset as ds

            return ds.dataset(table)
        return table
    if driver.arrow is None:
        raise _no_reader(driver, "load_arrow")
    return driver.arrow(located.path, options, dataset)


def _rows_relation(con: Any, rows: Any, options: Any) -> Any:
    from consist.data.tabular_formats import finish_relation

    return finish_relation(con.from_arrow(rows), options)


def _rows_table(located: Located, options: Any) -> Any:
    table = located.rows
    if options.get("columns"):
        table = table.select(list(options["columns"]))
    if options.get("nrows") is not None:
        table = table.slice(0, int(options["nrows"]))
    return table


def _no_reader(driver: Driver, function: str) -> ConfigError:
    return ConfigError(
        f"Unsupported driver for disk load: {driver.name}",
        cause=f"The {driver.name!r} driver has no reader for {function}().",
        fix="Use consist.load(...) or read the file from artifact.path with its own library.",
    )
