"""The driver registry: how each artifact format is read and written.

A :class:`Driver` names a format (``parquet``, ``csv``, ``json`` built in) and
provides whichever capabilities the format has: a DuckDB relation builder
(tabular formats; what ``consist.load`` returns), an ``open`` function (formats
that load as something else, e.g. an xarray Dataset for zarr or netcdf),
Arrow and Polars readers, and a writer. The registry is open: register a new
format with :func:`register_driver` and every loader picks it up.

Example:
    >>> get_driver("parquet").extensions
    ('.parquet',)
    >>> infer_driver("trips.csv.gz")
    'csv'
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, ConsistTypeError

__all__ = ["Driver", "driver_names", "get_driver", "infer_driver", "register_driver"]

Options = Mapping[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class Driver:
    """One artifact format and what consist can do with it.

    ``relation(con, path, options)`` builds a lazy DuckDB relation on ``con``;
    ``open(path, options)`` returns any other object (for non-tabular formats);
    ``arrow(path, options, dataset)`` returns a ``pyarrow.Table`` (or a
    ``pyarrow.dataset.Dataset`` when ``dataset`` is true);
    ``polars(path, options)`` returns a Polars ``LazyFrame``;
    ``write(table, path, options)`` writes an Arrow table to ``path``.
    ``load_options`` lists the keyword options the readers accept.
    """

    name: str
    extensions: tuple[str, ...] = ()
    relation: Callable[[Any, Path, Options], Any] | None = None
    open: Callable[[Path, Options], Any] | None = None
    arrow: Callable[[Path, Options, bool], Any] | None = None
    polars: Callable[[Path, Options], Any] | None = None
    write: Callable[[Any, Path, Options], None] | None = None
    load_options: frozenset[str] = frozenset()
    write_options: frozenset[str] | None = None  # None: the writer checks its own options

    @property
    def is_tabular(self) -> bool:
        """True when the format loads as a DuckDB relation."""
        return self.relation is not None

    def check_load_options(self, options: Options) -> None:
        """Reject options the readers do not understand, naming them."""
        unknown = sorted(set(options) - self.load_options)
        if unknown:
            accepted = ", ".join(sorted(self.load_options)) or "none"
            raise ConsistTypeError(
                f"Unsupported load option(s) for driver {self.name!r}: {', '.join(unknown)}",
                cause=f"The {self.name} reader accepts: {accepted}.",
                fix="Remove the option, or load the file with the library that needs it.",
            )


_registry: dict[str, Driver] = {}
_registry_lock = threading.Lock()


def register_driver(driver: Driver, *, replace: bool = False) -> Driver:
    """Add a format to the registry (``replace=True`` overrides a built-in).

    Example:
        >>> text = Driver("text", (".txt",), open=lambda path, options: path.read_text())
        >>> register_driver(text, replace=True) is get_driver("text")
        True
    """
    _ensure_builtins()  # built-ins first, so a user's replace=True wins over them
    with _registry_lock:
        if driver.name in _registry and not replace:
            raise ConfigError(
                f"Driver {driver.name!r} is already registered.",
                cause="Two formats cannot share one driver name.",
                fix="Pick another name, or pass replace=True to override it.",
            )
        _registry[driver.name] = driver
    return driver


def get_driver(name: str) -> Driver:
    """The registered driver called ``name``.

    Example:
        >>> get_driver("zip")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        consist.errors.ConfigError: Problem: Unsupported driver for disk load: zip
        ...
    """
    _ensure_builtins()
    with _registry_lock:
        driver = _registry.get(name)
        known = ", ".join(sorted(_registry))
    if driver is None:
        raise ConfigError(
            f"Unsupported driver for disk load: {name}",
            cause=f"Registered drivers: {known}.",
            fix="Use one of the registered drivers, or register one with "
            "consist.data.drivers.register_driver(...).",
        )
    return driver


def driver_names() -> tuple[str, ...]:
    """Names of every registered driver, sorted.

    Example:
        >>> {"csv", "json", "parquet"} <= set(driver_names())
        True
    """
    _ensure_builtins()
    with _registry_lock:
        return tuple(sorted(_registry))


def infer_driver(path: str | Path) -> str:
    """Guess the driver from the file name (compression suffixes such as ``.gz`` skipped).

    Unknown extensions give the last suffix without its dot (or ``unknown``), as 0.3 did.

    Example:
        >>> infer_driver("a/b.parquet"), infer_driver("notes.xyz")
        ('parquet', 'xyz')
    """
    _ensure_builtins()
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] in (".gz", ".zst", ".bz2", ".xz") and len(suffixes) > 1:
        suffixes = suffixes[:-1]
    if not suffixes:
        return "unknown"
    with _registry_lock:
        for driver in _registry.values():
            if suffixes[-1] in driver.extensions:
                return driver.name
    return suffixes[-1].lstrip(".") or "unknown"


def _ensure_builtins() -> None:
    # Importing the module registers parquet, csv and json exactly once.
    import consist.data.tabular_formats  # noqa: F401
