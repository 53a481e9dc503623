"""The maintenance audit log: one line per mutating command.

Every command that changes a database (purge, merge, rebuild, compact,
fix-status, snapshot) appends ``<UTC ISO time>\\t<operation>\\t<summary>`` to
``.consist_audit.log`` in the run directory, or next to the database file
when no run directory is known. The format matches Consist 0.3, so existing
log readers keep working. Lines are appended with one ``write`` call on a file
opened in append mode, so concurrent writers never interleave within a line.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> path = append_audit(d, "purge", "deleted run r1")
    >>> read_audit(d)[0].operation
    'purge'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

AUDIT_FILENAME = ".consist_audit.log"

__all__ = ["AUDIT_FILENAME", "AuditEntry", "append_audit", "audit_dir_for", "read_audit"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One parsed line of the audit log."""

    timestamp: str
    operation: str
    summary: str


def audit_dir_for(db_path: str | os.PathLike[str], run_dir: str | os.PathLike[str] | None) -> Path:
    """The folder whose audit log records work on ``db_path``.

    Example:
        >>> audit_dir_for("/data/provenance.duckdb", None).as_posix()
        '/data'
    """
    if run_dir is not None:
        return Path(run_dir)
    return Path(db_path).expanduser().resolve().parent


def _one_line(text: str) -> str:
    # Tabs and newlines would break the three-column format.
    return " ".join(text.replace("\t", " ").split())


def append_audit(folder: str | os.PathLike[str], operation: str, summary: str) -> Path:
    """Append one entry to ``<folder>/.consist_audit.log`` and return the log path.

    Example:
        >>> import tempfile
        >>> append_audit(tempfile.mkdtemp(), "compact", "1.0 MB -> 0.5 MB").name
        '.consist_audit.log'
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    line = f"{stamp}\t{_one_line(operation)}\t{_one_line(summary)}\n"
    path = folder / AUDIT_FILENAME
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return path


def read_audit(folder: str | os.PathLike[str]) -> list[AuditEntry]:
    """All entries of the audit log in ``folder`` (oldest first; empty if none).

    Example:
        >>> import tempfile
        >>> read_audit(tempfile.mkdtemp())
        []
    """
    path = Path(folder) / AUDIT_FILENAME
    if not path.exists():
        return []
    entries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        parts = raw.split("\t", 2)
        if len(parts) == 3:
            entries.append(AuditEntry(*parts))
    return entries
