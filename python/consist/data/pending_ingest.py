"""Insert a frame's rows in the background while its file is being written.

Writing Parquet (pyarrow, one core) and inserting into DuckDB (all cores) are
independent, so ``log_dataframe`` runs them at the same time: on two cores this
cuts about a tenth of the wall time of logging a large frame. The rows are
stamped with an artifact id chosen up front; the caller adopts that id for the
artifact it logs, or calls ``discard()`` to delete the rows again when the file
or the artifact could not be recorded. The insert itself is one transaction, so
a failed insert leaves no rows either way.

Example:
    >>> import pyarrow as pa, tempfile, pathlib
    >>> from consist.store import open_database
    >>> db = open_database(pathlib.Path(tempfile.mkdtemp()) / "provenance.duckdb")
    >>> pending = PendingIngest.start(db, pa.table({"x": [1, 2]}), "t", run=None)
    >>> pending.wait()
    2
    >>> pending.discard(); db.close()
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from consist.data.ingestion import ingest_table
from consist.store import global_tables as gt

__all__ = ["PendingIngest"]


class PendingIngest:
    """One background insert into ``global_tables.<table_name>`` (see the module docstring)."""

    def __init__(self, db: Any, table: Any, table_name: str, run: Any) -> None:
        self.db = db
        self.table_name = table_name
        self.artifact_id = str(uuid.uuid4())
        self._table = table
        self._run = run
        self._rows: int | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._insert, name="consist-ingest", daemon=True)

    @classmethod
    def start(cls, db: Any, table: Any, table_name: str, *, run: Any) -> PendingIngest:
        """Start inserting ``table`` now; returns at once."""
        pending = cls(db, table, table_name, run)
        pending._thread.start()
        return pending

    def _insert(self) -> None:
        try:
            self._rows = ingest_table(
                self.db,
                self._table,
                table_name=self.table_name,
                artifact_id=self.artifact_id,
                run_id=getattr(self._run, "id", None),
                year=getattr(self._run, "year", None),
                iteration=getattr(self._run, "iteration", None),
                replace=False,  # a fresh uuid: no earlier rows to delete (no scan of the table)
            )
        except BaseException as exc:  # re-raised in the caller's thread by wait()
            self._error = exc

    def wait(self) -> int:
        """Block until the insert is done; return the row count or raise its error."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return int(self._rows or 0)

    def discard(self) -> None:
        """Wait for the insert, then delete whatever rows it committed."""
        self._thread.join()
        if self._error is None:
            with self.db.transaction() as con:
                gt.delete_artifact_rows(con, self.table_name, self.artifact_id)
