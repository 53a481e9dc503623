"""Find the provenance database a command should use.

Order (the same as Consist 0.3): an explicit path, then ``$CONSIST_DB``, then
``./provenance.duckdb``, then ``provenance.duckdb`` inside ``./data/``, ``./db/``
and ``./.consist/``. The first candidate that exists wins; an explicit path or
``$CONSIST_DB`` is returned even when the file is missing, so that commands
which create a database (``db rebuild``, ``db merge``) can use it.

Example:
    >>> from pathlib import Path
    >>> find_db_path(Path("/tmp/x.duckdb"), must_exist=False)
    PosixPath('/tmp/x.duckdb')
"""

from __future__ import annotations

import os
from pathlib import Path

from consist.errors import DatabaseError

DB_FILENAME = "provenance.duckdb"
SEARCH_DIRS = (".", "data", "db", ".consist")

__all__ = ["DB_FILENAME", "SEARCH_DIRS", "DatabaseNotFoundError", "candidate_paths", "find_db_path"]


class DatabaseNotFoundError(DatabaseError):
    """No provenance database exists where the command looked."""

    code = "consist.database_not_found"


def candidate_paths(
    explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None
) -> list[Path]:
    """Every place searched, in order.

    Example:
        >>> [p.as_posix() for p in candidate_paths(cwd=Path("/w"))][-1]
        '/w/.consist/provenance.duckdb'
    """
    base = cwd or Path.cwd()
    if explicit is not None:
        return [Path(explicit).expanduser()]
    env = os.environ.get("CONSIST_DB", "").strip()
    if env:
        return [Path(env).expanduser()]
    return [(base / d / DB_FILENAME) if d != "." else base / DB_FILENAME for d in SEARCH_DIRS]


def find_db_path(
    explicit: str | os.PathLike[str] | None = None,
    *,
    must_exist: bool = True,
    cwd: Path | None = None,
) -> Path:
    """Return the database path to use, or raise ``DatabaseNotFoundError``.

    With ``must_exist=False`` the first candidate is returned when none exists
    (the place a new database would be created).

    Example:
        >>> find_db_path("/tmp/new.duckdb", must_exist=False).name
        'new.duckdb'
    """
    candidates = candidate_paths(explicit, cwd)
    for path in candidates:
        if path.is_file():
            return path
    if not must_exist:
        return candidates[0]
    where = ", ".join(str(p) for p in candidates)
    raise DatabaseNotFoundError(
        f"Database not found at {candidates[0]}",
        cause=f"no provenance database exists at: {where}",
        fix="pass --db-path PATH, or set CONSIST_DB=PATH, or run the command from the folder "
        "that holds provenance.duckdb",
    )
