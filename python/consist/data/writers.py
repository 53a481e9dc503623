"""Write an Arrow table to a file atomically: a temp file next to the target, then rename.

A reader (or a crash) never sees a half-written file at the final path: either
the previous file is there, or the complete new one. The temp file lives in the
same directory so the rename stays on one filesystem, and is removed when
writing fails.

Example:
    >>> import pyarrow as pa, tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out" / "t.parquet"
    >>> write_table_atomic(pa.table({"a": [1]}), target).name
    't.parquet'
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from consist.data.drivers import get_driver
from consist.errors import ConfigError

__all__ = ["temp_path_for", "writable_driver", "write_table_atomic"]


def writable_driver(name: str) -> Any:
    """The registered driver ``name`` if it can write tables, else the 0.3 error.

    Example:
        >>> writable_driver("csv").name
        'csv'
    """
    try:
        driver = get_driver(name)
    except ConfigError:
        driver = None
    if driver is None or driver.write is None:
        raise ConfigError(
            f"Unsupported driver for log_dataframe: {name}",
            cause="log_dataframe writes tables as parquet (default), csv or json.",
            fix="Pass driver='parquet', 'csv' or 'json', or write the file yourself and log it "
            "with log_artifact.",
        )
    return driver


def temp_path_for(path: Path) -> Path:
    """A unique hidden sibling of ``path`` to write into before the rename.

    Example:
        >>> temp_path_for(Path("/d/t.parquet")).name.startswith(".t.parquet.")
        True
    """
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")


def write_table_atomic(
    table: Any,
    path: str | os.PathLike[str],
    *,
    driver: str = "parquet",
    options: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``table`` to ``path`` with ``driver``'s writer; return the final path.

    ``options`` go to the writer (for Parquet: ``pyarrow.parquet.write_table``
    options such as ``compression``). Parent folders are created.

    Example:
        >>> import pyarrow as pa, tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> write_table_atomic(pa.table({"a": [1]}), out, driver="csv").read_text()
        '"a"\\n1\\n'
    """
    writer = writable_driver(driver)
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_for(final)
    try:
        writer.write(table, temp, dict(options or {}))
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return final
