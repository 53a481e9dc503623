"""Artifact keys and drivers: validation of keys, driver inference from file names."""

from __future__ import annotations

import re
from pathlib import Path

from consist.errors import ConfigError

__all__ = ["MAX_KEY_LENGTH", "infer_driver", "validate_key"]

MAX_KEY_LENGTH = 256
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,255}$")

# Longest suffix first, so ".parquet.gz" wins over ".gz".
_DRIVER_BY_SUFFIX = {
    ".parquet.gz": "parquet",
    ".parquet": "parquet",
    ".csv.gz": "csv",
    ".csv": "csv",
    ".json.gz": "json",
    ".json": "json",
    ".zarr": "zarr",
    ".nc": "netcdf",
    ".nc4": "netcdf",
    ".netcdf": "netcdf",
    ".omx": "openmatrix",
    ".geojson": "geojson",
    ".shp": "shapefile",
    ".gpkg": "geopackage",
    ".h5": "h5",
    ".hdf5": "h5",
}


def validate_key(key: str) -> str:
    """Return ``key`` if it is a valid artifact key, else raise ``ConfigError``.

    Example:
        >>> validate_key("persons/2030")
        'persons/2030'
    """
    if not isinstance(key, str) or not key:
        raise ConfigError(
            "Artifact key cannot be empty.",
            cause=f"Received key={key!r}.",
            fix="Pass key='name' when logging an artifact.",
        )
    if len(key) > MAX_KEY_LENGTH:
        raise ConfigError(
            f"Artifact key exceeds max length {MAX_KEY_LENGTH}: {key[:40]}...",
            cause=f"The key is {len(key)} characters long.",
            fix="Use a shorter key; put long descriptions in metadata instead.",
        )
    if ".." in key or "//" in key or not _KEY_PATTERN.match(key):
        raise ConfigError(
            f"Invalid artifact key '{key}'. Keys cannot contain '..' or '//'.",
            cause="Keys start with a letter, digit or '_' and use only letters, digits and "
            "'_ . : / -'.",
            fix="Rename the key, e.g. 'trips_2030' or 'persons/2030'.",
        )
    return key


def infer_driver(path: Path) -> str:
    """The driver name for a file path, from its suffix (directories: ``directory``).

    Example:
        >>> infer_driver(Path("trips.parquet.gz"))
        'parquet'
    """
    name = path.name.lower()
    for suffix, driver in _DRIVER_BY_SUFFIX.items():
        if name.endswith(suffix):
            return driver
    if path.is_dir():
        return "directory"
    return path.suffix.lstrip(".").lower() or "unknown"
