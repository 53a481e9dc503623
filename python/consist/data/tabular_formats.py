"""The built-in tabular drivers: Parquet, CSV and JSON (read in place, written from Arrow).

Readers never copy a file into memory up front: DuckDB relations, Polars
LazyFrames and pyarrow datasets all scan the file where it is, pushing column
selections and filters down. Writers take a ``pyarrow.Table``; Parquet and CSV
go through pyarrow, JSON through pandas (records array, or JSON Lines with
``lines=True``).

Load options per driver (others raise ``TypeError`` naming them):

* parquet: ``columns``, ``nrows``
* csv: ``columns``, ``nrows``, ``delimiter`` (alias ``sep``), ``header``
* json: ``columns``, ``nrows``, ``lines``; the pandas ``read_json`` options
  (``orient``, ``dtype``, ...) switch to a pandas reader for compatibility.

Example:
    >>> from consist.data.drivers import get_driver
    >>> sorted(get_driver("csv").load_options)
    ['columns', 'delimiter', 'header', 'nrows', 'sep']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consist.data.drivers import Driver, Options, register_driver
from consist.errors import ConsistTypeError

__all__ = ["dictionary_columns", "finish_relation"]

_COMMON = frozenset({"columns", "nrows"})
_PANDAS_JSON = frozenset(
    {
        "orient",
        "dtype",
        "convert_axes",
        "convert_dates",
        "precise_float",
        "date_unit",
        "encoding",
        "compression",
        "typ",
    }
)


def finish_relation(relation: Any, options: Options) -> Any:
    """Apply the common ``columns`` projection and ``nrows`` limit to a relation."""
    columns = options.get("columns")
    if columns:
        import duckdb

        relation = relation.select(*(duckdb.ColumnExpression(c) for c in columns))
    nrows = options.get("nrows")
    if nrows is not None:
        relation = relation.limit(int(nrows))
    return relation


def _check_write_options(driver: str, options: Options, accepted: frozenset[str]) -> None:
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise ConsistTypeError(
            f"Unsupported write option(s) for driver {driver!r}: {', '.join(unknown)}",
            cause=f"The {driver} writer accepts: {', '.join(sorted(accepted)) or 'none'}.",
            fix="Remove the option.",
        )


# --- Parquet -----------------------------------------------------------------------------------


def _parquet_relation(con: Any, path: Path, options: Options) -> Any:
    return finish_relation(con.read_parquet(str(path)), options)


def _parquet_arrow(path: Path, options: Options, dataset: bool) -> Any:
    if dataset:
        import pyarrow.dataset as ds

        return ds.dataset(str(path), format="parquet")
    import pyarrow.parquet as pq

    table = pq.read_table(str(path), columns=options.get("columns"), memory_map=True)
    return _head(table, options)


def _parquet_polars(path: Path, options: Options) -> Any:
    import polars as pl

    return _lazy_finish(pl.scan_parquet(path), options)


def _parquet_write(table: Any, path: Path, options: Options) -> None:
    import pyarrow.parquet as pq

    options = dict(options)
    options.setdefault("use_dictionary", dictionary_columns(table))
    try:
        pq.write_table(table, str(path), **options)
    except TypeError as exc:
        raise ConsistTypeError(
            f"Unsupported write option(s) for driver 'parquet': {', '.join(sorted(options))}",
            cause=str(exc),
            fix="Pass only pyarrow.parquet.write_table options (compression, row_group_size, ...).",
        ) from exc


def dictionary_columns(table: Any, *, unique: Iterable[str] = ()) -> list[str] | bool:
    """Columns worth dictionary-encoding in Parquet (``use_dictionary``), or False for none.

    Everything but floating-point, decimal and nested columns, and the ``unique``
    ones (a validated primary key). Measured floats almost never repeat, so
    pyarrow's default attempt to dictionary-encode them costs ~20% of the write
    and then falls back, as it does on a unique key; strings, integers and
    categories keep the encoding (and the smaller files).

    Example:
        >>> import pyarrow as pa
        >>> dictionary_columns(pa.table({"id": [1], "x": [0.5], "s": ["a"]}), unique=["id"])
        ['s']
    """
    import pyarrow as pa

    t = pa.types
    skip = set(unique)
    names = [
        f.name
        for f in table.schema
        if f.name not in skip
        and not (t.is_floating(f.type) or t.is_nested(f.type) or t.is_decimal(f.type))
    ]
    return names if names else False


# --- CSV ---------------------------------------------------------------------------------------


def _csv_delimiter(options: Options) -> str | None:
    return options.get("delimiter", options.get("sep"))


def _csv_relation(con: Any, path: Path, options: Options) -> Any:
    kwargs: dict[str, Any] = {}
    if _csv_delimiter(options) is not None:
        kwargs["sep"] = _csv_delimiter(options)
    if options.get("header") is not None:
        kwargs["header"] = bool(options["header"])
    return finish_relation(con.read_csv(str(path), **kwargs), options)


def _csv_arrow(path: Path, options: Options, dataset: bool) -> Any:
    import pyarrow.csv as pcsv

    parse = pcsv.ParseOptions(delimiter=_csv_delimiter(options) or ",")
    if dataset:
        import pyarrow.dataset as ds

        return ds.dataset(str(path), format=ds.CsvFileFormat(parse_options=parse))
    convert = pcsv.ConvertOptions(include_columns=options.get("columns"))
    read = pcsv.ReadOptions(autogenerate_column_names=options.get("header") is False)
    table = pcsv.read_csv(
        str(path), parse_options=parse, convert_options=convert, read_options=read
    )
    return _head(table, options)


def _csv_polars(path: Path, options: Options) -> Any:
    import polars as pl

    frame = pl.scan_csv(
        path,
        separator=_csv_delimiter(options) or ",",
        has_header=options.get("header") is not False,
    )
    return _lazy_finish(frame, options)


def _csv_write(table: Any, path: Path, options: Options) -> None:
    import pyarrow.csv as pcsv

    # ``index`` is accepted for pandas compatibility (0.3 wrote index=False): frames
    # arrive here as Arrow tables, which have no index.
    _check_write_options("csv", options, frozenset({"delimiter", "sep", "header", "index"}))
    write = pcsv.WriteOptions(
        include_header=options.get("header", True) is not False,
        delimiter=_csv_delimiter(options) or ",",
    )
    pcsv.write_csv(table, str(path), write_options=write)


# --- JSON --------------------------------------------------------------------------------------


def _json_relation(con: Any, path: Path, options: Options) -> Any:
    pandas_options = {k: v for k, v in options.items() if k in _PANDAS_JSON}
    if pandas_options:
        import pandas as pd

        frame = pd.read_json(path, lines=bool(options.get("lines", False)), **pandas_options)
        return finish_relation(con.from_df(frame), options)
    json_format = "newline_delimited" if options.get("lines") else "auto"
    return finish_relation(con.read_json(str(path), format=json_format), options)


def _json_arrow(path: Path, options: Options, dataset: bool) -> Any:
    from consist.data.relations import new_cursor

    con = new_cursor()
    try:
        table = _json_relation(con, path, options).to_arrow_table()
    finally:
        con.close()
    if dataset:
        import pyarrow.dataset as ds

        return ds.dataset(table)
    return table


def _json_polars(path: Path, options: Options) -> Any:
    import polars as pl

    if options.get("lines"):
        return _lazy_finish(pl.scan_ndjson(path), options)
    return _lazy_finish(pl.from_arrow(_json_arrow(path, {}, False)).lazy(), options)


def _json_write(table: Any, path: Path, options: Options) -> None:
    _check_write_options("json", options, frozenset({"lines", "orient", "index"}))
    orient = options.get("orient", "records")
    if orient != "records":
        raise ConsistTypeError(
            f"Unsupported JSON orient {orient!r}",
            cause="consist writes JSON as one object per row (orient='records').",
            fix="Drop orient=..., or write the file yourself and log it with log_artifact.",
        )
    frame = table.to_pandas()
    frame.to_json(path, orient="records", lines=bool(options.get("lines")), date_format="iso")


# --- shared helpers ----------------------------------------------------------------------------


def _head(table: Any, options: Options) -> Any:
    nrows = options.get("nrows")
    return table if nrows is None else table.slice(0, int(nrows))


def _lazy_finish(frame: Any, options: Options) -> Any:
    columns = options.get("columns")
    if columns:
        frame = frame.select(list(columns))
    nrows = options.get("nrows")
    return frame if nrows is None else frame.head(int(nrows))


register_driver(
    Driver(
        "parquet",
        (".parquet",),
        relation=_parquet_relation,
        arrow=_parquet_arrow,
        polars=_parquet_polars,
        write=_parquet_write,
        load_options=_COMMON,
    ),
    replace=True,
)
register_driver(
    Driver(
        "csv",
        (".csv",),
        relation=_csv_relation,
        arrow=_csv_arrow,
        polars=_csv_polars,
        write=_csv_write,
        load_options=_COMMON | {"delimiter", "sep", "header"},
    ),
    replace=True,
)
register_driver(
    Driver(
        "json",
        (".json", ".jsonl", ".ndjson"),
        relation=_json_relation,
        arrow=_json_arrow,
        polars=_json_polars,
        write=_json_write,
        load_options=_COMMON | {"lines"} | _PANDAS_JSON,
    ),
    replace=True,
)
