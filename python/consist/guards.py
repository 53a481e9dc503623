"""Type guards on artifacts: "what does this artifact load as?", decided by its driver.

Each guard takes anything with a ``driver`` attribute (an ``Artifact``, a
``NoopArtifact``, a loaded row) and never touches the file. They are
``TypeGuard`` functions, so a type checker narrows the argument inside an
``if``.

Example:
    >>> from consist.models import Artifact
    >>> trips = Artifact(key="trips", container_uri="/d/trips.parquet", driver="parquet")
    >>> is_dataframe_artifact(trips), is_spatial_artifact(trips)
    (True, False)
"""

from __future__ import annotations

from typing import Any, TypeGuard

from consist.driver_types import DriverType

__all__ = [
    "is_dataframe_artifact",
    "is_hdf_artifact",
    "is_json_artifact",
    "is_netcdf_artifact",
    "is_openmatrix_artifact",
    "is_spatial_artifact",
    "is_tabular_artifact",
    "is_zarr_artifact",
]


def _driver(artifact: Any) -> str | None:
    driver = getattr(artifact, "driver", None)
    return None if driver is None else str(driver)


def is_dataframe_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for parquet, csv, gtfs and h5_table artifacts (they load as data frames).

    Example:
        >>> from consist.models import Artifact
        >>> is_dataframe_artifact(Artifact(key="a", container_uri="/a.csv", driver="csv"))
        True
    """
    return _driver(artifact) in DriverType.dataframe_drivers()


def is_tabular_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for data-frame drivers and json.

    Example:
        >>> from consist.models import Artifact
        >>> is_tabular_artifact(Artifact(key="a", container_uri="/a.json", driver="json"))
        True
    """
    return _driver(artifact) in DriverType.tabular_drivers()


def is_json_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for json artifacts.

    Example:
        >>> from consist.models import Artifact
        >>> is_json_artifact(Artifact(key="a", container_uri="/a.json", driver="json"))
        True
    """
    return _driver(artifact) == DriverType.JSON.value


def is_zarr_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for zarr stores.

    Example:
        >>> from consist.models import Artifact
        >>> is_zarr_artifact(Artifact(key="z", container_uri="/z.zarr", driver="zarr"))
        True
    """
    return _driver(artifact) in DriverType.zarr_drivers()


def is_hdf_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for HDF5 container files (``h5``/``hdf5``); tables inside them are ``h5_table``.

    Example:
        >>> from consist.models import Artifact
        >>> is_hdf_artifact(Artifact(key="s", container_uri="/s.h5", driver="h5"))
        True
    """
    return _driver(artifact) in DriverType.hdf_drivers()


def is_spatial_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for geojson, geoparquet, shapefile and geopackage artifacts.

    Example:
        >>> from consist.models import Artifact
        >>> is_spatial_artifact(Artifact(key="z", container_uri="/z.gpkg", driver="geopackage"))
        True
    """
    return _driver(artifact) in DriverType.spatial_drivers()


def is_netcdf_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for netcdf files (not exported from ``consist``, as in Consist 0.3).

    Example:
        >>> from consist.models import Artifact
        >>> is_netcdf_artifact(Artifact(key="c", container_uri="/c.nc", driver="netcdf"))
        True
    """
    return _driver(artifact) == DriverType.NETCDF.value


def is_openmatrix_artifact(artifact: Any) -> TypeGuard[Any]:
    """True for OpenMatrix (``.omx``) files (not exported from ``consist``).

    Example:
        >>> from consist.models import Artifact
        >>> is_openmatrix_artifact(Artifact(key="m", container_uri="/m.omx", driver="openmatrix"))
        True
    """
    return _driver(artifact) == DriverType.OPENMATRIX.value
