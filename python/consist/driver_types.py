"""``DriverType``: the artifact driver names of Consist 0.3 as a string enum.

An artifact's ``driver`` is a plain string (``"parquet"``, ``"zarr"``, ...);
``DriverType`` names the ones Consist 0.3 knew and groups them by what they
load as. Members compare equal to their strings, so
``artifact.driver == DriverType.PARQUET`` works with stored values.

Example:
    >>> DriverType.PARQUET == "parquet"
    True
    >>> sorted(DriverType.array_drivers())
    ['netcdf', 'openmatrix', 'zarr']
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DriverType"]


class DriverType(StrEnum):
    """Known artifact drivers; ``*_drivers()`` return frozensets of their string values.

    Example:
        >>> "h5_table" in DriverType.table_path_drivers()
        True
    """

    PARQUET = "parquet"
    CSV = "csv"
    GTFS = "gtfs"
    ZARR = "zarr"
    NETCDF = "netcdf"
    OPENMATRIX = "openmatrix"
    GEOJSON = "geojson"
    GEOPARQUET = "geoparquet"
    SHAPEFILE = "shapefile"
    GEOPACKAGE = "geopackage"
    JSON = "json"
    H5_TABLE = "h5_table"
    H5 = "h5"
    HDF5 = "hdf5"
    OTHER = "other"

    @classmethod
    def dataframe_drivers(cls) -> frozenset[str]:
        """Drivers that load as a data frame: parquet, csv, gtfs, h5_table."""
        return frozenset({"parquet", "csv", "gtfs", "h5_table"})

    @classmethod
    def tabular_drivers(cls) -> frozenset[str]:
        """Data-frame drivers plus json."""
        return cls.dataframe_drivers() | {"json"}

    @classmethod
    def table_path_drivers(cls) -> frozenset[str]:
        """Drivers whose artifacts name a table inside a container file (``table_path``)."""
        return frozenset({"gtfs", "h5_table"})

    @classmethod
    def zarr_drivers(cls) -> frozenset[str]:
        """Zarr stores."""
        return frozenset({"zarr"})

    @classmethod
    def array_drivers(cls) -> frozenset[str]:
        """Drivers that load as arrays (an xarray Dataset): zarr, netcdf, openmatrix."""
        return frozenset({"zarr", "netcdf", "openmatrix"})

    @classmethod
    def spatial_drivers(cls) -> frozenset[str]:
        """Vector geodata: geojson, geoparquet, shapefile, geopackage."""
        return frozenset({"geojson", "geoparquet", "shapefile", "geopackage"})

    @classmethod
    def hdf_drivers(cls) -> frozenset[str]:
        """HDF5 container files: h5, hdf5."""
        return frozenset({"h5", "hdf5"})
