"""Find an artifact's bytes: its file on disk, or its ingested rows in the database.

Loaders call :func:`locate` and get either a path that exists or the Arrow rows
of an ingested copy ("ghost mode", when the file is gone). The tracker is
optional: an artifact fetched through a tracker resolves its own path, and the
current tracker (if any) is used for database access.

``db_fallback`` decides when ingested rows may stand in for a missing file:
``"inputs-only"`` (default: only inside an active run, for artifacts that run
did not produce, i.e. its inputs), ``"always"``, or ``"never"``.

Example:
    >>> import pyarrow as pa, tempfile, pathlib
    >>> from consist.models import Artifact
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("a\\n1\\n")
    >>> located = locate(Artifact(key="t", container_uri=str(path), driver="csv"), None)
    >>> located.path == path, located.driver
    (True, 'csv')
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from consist.context import active_tracker, current_tracker
from consist.data.drivers import infer_driver
from consist.errors import ArtifactFileMissingError, ConfigError, ConsistRuntimeError

__all__ = ["DB_FALLBACK_MODES", "Located", "database_of", "implicit_tracker", "locate"]

DB_FALLBACK_MODES = ("inputs-only", "always", "never")


@dataclasses.dataclass(frozen=True, slots=True)
class Located:
    """Where to read from: ``path`` (exists) or ``rows`` (an Arrow table from the database)."""

    key: str
    driver: str
    path: Path | None = None
    rows: Any = None


def implicit_tracker() -> Any:
    """The tracker in scope (active run, else default), or None.

    The functional API (``consist.load(artifact)``) works without a tracker
    argument, as in Consist 0.3; ``consist.context`` knows the tracker in scope
    without importing the tracker package.
    """
    tracker = active_tracker()
    if tracker is not None:
        return tracker
    try:
        return current_tracker()
    except ConsistRuntimeError:
        return None


def database_of(tracker: Any) -> Any:
    """The ``consist.store.Database`` behind a tracker, or None when it has no database."""
    if tracker is None:
        return None
    from consist.store import Database, open_database

    for name in ("database", "db"):
        candidate = getattr(tracker, name, None)
        if isinstance(candidate, Database):
            return candidate
    db_path = getattr(tracker, "db_path", None)
    return open_database(db_path) if db_path else None


def locate(artifact: Any, tracker: Any, *, db_fallback: str = "inputs-only") -> Located:
    """Resolve an artifact (or a plain path) to an existing file or to ingested rows."""
    if db_fallback not in DB_FALLBACK_MODES:
        raise ConfigError(
            f"db_fallback must be one of {', '.join(map(repr, DB_FALLBACK_MODES))}; "
            f"got {db_fallback!r}.",
            cause="db_fallback decides when ingested rows may replace a missing file.",
            fix="Use 'inputs-only' (default), 'always' or 'never'.",
        )
    if isinstance(artifact, str | os.PathLike):
        path = Path(artifact)
        if not path.exists():
            raise ArtifactFileMissingError(
                f"File not found: {path}",
                cause="The path does not exist.",
                fix="Check the path, or load the artifact object to allow a database fallback.",
            )
        return Located(key=path.name, driver=infer_driver(path), path=path)
    path = _artifact_path(artifact, tracker)
    driver = artifact.driver if artifact.driver not in (None, "", "unknown") else None
    driver = driver or infer_driver(path or artifact.container_uri)
    if path is not None and path.exists():
        return Located(key=artifact.key, driver=driver, path=path)
    tracker = tracker if tracker is not None else implicit_tracker()
    rows = None
    if db_fallback != "never":
        if tracker is None:
            raise ConsistRuntimeError(
                "consist.load() requires a Tracker instance to resolve paths or access the "
                "database. Pass it explicitly: consist.load(art, tracker=my_tracker)",
                cause=f"The file of artifact {artifact.key!r} is not at {path}.",
                fix="Pass tracker=..., or call inside `with consist.use_tracker(tracker):`.",
            )
        if db_fallback == "always" or _is_current_input(tracker, artifact):
            rows = _ingested_rows(tracker, artifact)
    if rows is None:
        raise _missing(artifact, path, tracker, db_fallback)
    return Located(key=artifact.key, driver=driver, rows=rows)


def _artifact_path(artifact: Any, tracker: Any) -> Path | None:
    if tracker is not None and getattr(artifact, "resolver", None) is None:
        try:
            return Path(tracker.resolve_uri(artifact.container_uri))
        except (ValueError, AttributeError):
            pass
    try:
        return artifact.path
    except ValueError:  # UriResolutionError: relative URI without a resolver
        scoped = implicit_tracker() if tracker is None else None
        if scoped is not None:
            return Path(scoped.resolve_uri(artifact.container_uri))
        if tracker is None:
            return None
        raise


def _is_current_input(tracker: Any, artifact: Any) -> bool:
    # Inside a run, anything the run did not produce itself is read as an input
    # (upstream outputs, exogenous files): that is what "inputs-only" allows.
    run = getattr(tracker, "current_run", None)
    return run is not None and artifact.run_id != run.id


def _ingested_rows(tracker: Any, artifact: Any) -> Any:
    db = database_of(tracker)
    if db is None:
        return None
    from consist.store import global_tables as gt

    with db.session() as con:
        tables = gt.list_tables(con)
        preferred = [
            t
            for t in (artifact.meta.get("table_name"), artifact.meta.get("dlt_table_name"))
            if t in tables
        ]
        candidates = preferred or gt.tables_with_artifact(con, artifact.id)
        for table in candidates:
            if gt.artifact_row_count(con, table, artifact.id):
                return gt.fetch_artifact_rows(con, table, artifact.id)
    return None


def _missing(artifact: Any, path: Path | None, tracker: Any, db_fallback: str) -> Exception:
    lines = [f" - Disk Path: {path if path is not None else artifact.container_uri} (Missing)"]
    if db_fallback == "never":
        lines.append(" - Database: not consulted (db_fallback='never')")
    elif tracker is not None and db_fallback == "inputs-only":
        lines.append(" - Database: not consulted (not an input of the active run)")
    else:
        lines.append(" - Database: Not Ingested")
    return ArtifactFileMissingError(
        f"Artifact '{artifact.key}' (ID: {artifact.id}) not found.",
        cause="\n".join(lines),
        fix="The run that produced this output may need to be re-run. If the rows were "
        "ingested, load with db_fallback='always'; cached outputs can be restored with "
        "tracker.materialize_run_outputs(...).",
    )
