"""The functional data API: ``consist.log_dataframe`` and ``consist.ingest``.

Both act on the tracker in scope (the one with an active run, else the default
set by ``consist.use_tracker``) unless ``tracker=`` is given, as in Consist 0.3.

Example:
    >>> with tracker.start_run("ingest_data", model="example"):  # doctest: +SKIP
    ...     consist.log_dataframe(df, key="persons", schema=Person)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consist.context import NO_ACTIVE_RUN
from consist.data import dataframe_logging
from consist.data.artifact_access import implicit_tracker
from consist.errors import ConsistRuntimeError

__all__ = ["ingest", "log_dataframe"]


def _tracker(tracker: Any) -> Any:
    found = tracker if tracker is not None else implicit_tracker()
    if found is None:
        raise ConsistRuntimeError(
            NO_ACTIVE_RUN,
            cause="No tracker was passed and none is active or set as default.",
            fix="Pass tracker=..., or call inside `with tracker.start_run(...)`.",
        )
    return found


def log_dataframe(
    df: Any,
    key: str,
    schema: Any = None,
    direction: str = "output",
    tracker: Any = None,
    path: str | Path | None = None,
    driver: str | None = None,
    meta: dict[str, Any] | None = None,
    parent_artifact_id: str | None = None,
    **to_file_kwargs: Any,
) -> Any:
    """Write a pandas/Polars/Arrow frame as an artifact of the active run; ingest it with a schema.

    Parquet by default (``driver="csv"`` or ``"json"`` otherwise); see
    :func:`consist.data.dataframe_logging.log_dataframe` for the options.

    Example:
        >>> with tracker.start_run("ingest_data", model="example"):  # doctest: +SKIP
        ...     art = consist.log_dataframe(df, key="data", schema=MySchema)
    """
    return dataframe_logging.log_dataframe(
        _tracker(tracker),
        df,
        key,
        schema=schema,
        direction=direction,
        path=path,
        driver=driver,
        meta=meta,
        parent_artifact_id=parent_artifact_id,
        **to_file_kwargs,
    )


def ingest(
    artifact: Any, data: Any = None, schema: Any = None, run: Any = None, tracker: Any = None
) -> int:
    """Ingest an artifact's rows (``data`` or its file) into ``global_tables``; return the count.

    Example:
        >>> consist.ingest(artifact, data=df, schema=Person)  # doctest: +SKIP
        1000
    """
    return dataframe_logging.ingest(_tracker(tracker), artifact, data=data, schema=schema, run=run)
