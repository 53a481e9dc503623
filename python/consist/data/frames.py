"""Turn the frames users hold into one ``pyarrow.Table``.

Accepted: pandas DataFrames, Polars DataFrames and LazyFrames (collected), pyarrow
Tables, RecordBatches and RecordBatchReaders, DuckDB relations, and anything that
speaks the Arrow PyCapsule stream protocol (``__arrow_c_stream__``). Libraries are
recognised by their module name, so none of them is imported unless the caller
already uses it.

Example:
    >>> import pandas as pd
    >>> to_arrow(pd.DataFrame({"a": [1, 2]})).num_rows
    2
"""

from __future__ import annotations

from typing import Any

from consist.errors import ConsistTypeError, SchemaValidationError

__all__ = ["FrameConversionError", "frame_kind", "to_arrow"]


class FrameConversionError(SchemaValidationError):
    """A column holds values Arrow cannot store as one type; ``got`` names what was found."""

    def __init__(self, column: str, got: tuple[str, ...], detail: str) -> None:
        self.column = column
        self.got = got
        super().__init__(
            f"Column {column!r} holds mixed types: {', '.join(got)}",
            cause=f"Arrow stores one type per column ({detail}).",
            fix=f"Convert the column first, e.g. df[{column!r}] = pd.to_numeric(df[{column!r}]).",
        )


def frame_kind(frame: Any) -> str:
    """Name the kind of frame: pandas, polars, polars-lazy, arrow, duckdb or arrow-stream.

    Example:
        >>> import pyarrow as pa
        >>> frame_kind(pa.table({"a": [1]}))
        'arrow'
    """
    module = type(frame).__module__.split(".")[0]
    name = type(frame).__name__
    if module == "pandas" and name == "DataFrame":
        return "pandas"
    if module == "polars" and name == "DataFrame":
        return "polars"
    if module == "polars" and name == "LazyFrame":
        return "polars-lazy"
    if module == "pyarrow" and name in ("Table", "RecordBatch", "RecordBatchReader"):
        return "arrow"
    if module in ("duckdb", "_duckdb") and "Relation" in name:
        return "duckdb"
    if hasattr(frame, "__arrow_c_stream__"):
        return "arrow-stream"
    raise ConsistTypeError(
        f"Cannot log a {type(frame).__module__}.{name} as a table",
        cause="log_dataframe accepts pandas, Polars (eager or lazy), pyarrow and DuckDB tables.",
        fix="Convert the object to a pandas or Polars DataFrame, or a pyarrow.Table, first.",
    )


def to_arrow(frame: Any, *, preserve_index: bool = False) -> Any:
    """Convert a supported frame to a ``pyarrow.Table`` (zero-copy where the source allows).

    ``preserve_index`` keeps a pandas index as a column (off by default: a filtered
    frame's index is row bookkeeping, not data).

    Example:
        >>> import polars as pl
        >>> to_arrow(pl.DataFrame({"a": [1]}).lazy()).column_names
        ['a']
    """
    import pyarrow as pa

    kind = frame_kind(frame)
    if kind == "pandas":
        return _from_pandas(frame, preserve_index)
    if kind == "polars":
        return frame.to_arrow()
    if kind == "polars-lazy":
        return frame.collect().to_arrow()
    if kind == "duckdb":
        return frame.to_arrow_table()
    if isinstance(frame, pa.Table):
        return frame
    if isinstance(frame, pa.RecordBatch):
        return pa.Table.from_batches([frame])
    if isinstance(frame, pa.RecordBatchReader):
        return frame.read_all()
    return pa.table(frame)


def _from_pandas(frame: Any, preserve_index: bool) -> Any:
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=preserve_index)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        column = _failing_column(frame)
        if column is None:
            raise
        values = frame[column].dropna()
        got = tuple(sorted({type(v).__name__ for v in values}))
        raise FrameConversionError(str(column), got, str(exc)) from exc


def _failing_column(frame: Any) -> Any:
    """Find the first column pyarrow cannot convert on its own (only on the error path)."""
    import pyarrow as pa

    for column in frame.columns:
        try:
            pa.array(frame[column], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return column
    return None
