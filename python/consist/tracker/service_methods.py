"""The services half of the ``Tracker`` facade (a mixin): identity, stat cache, database.

Each service is built on first use, so creating a ``Tracker`` opens no
database and imports neither the identity layer nor the store.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from consist.errors import ConsistRuntimeError

__all__ = ["STAT_CACHE_RELPATH", "TrackerServices"]

STAT_CACHE_RELPATH = Path(".consist") / "statcache"


class TrackerServices:
    """``tracker.identity``, ``.stat_cache``, ``.engine``, ``.db``, ``.views``, ``.close()``."""

    @property
    def identity(self) -> Any:
        """Code, config and input identity helpers (``consist.identity.IdentityManager``).

        Example:
            >>> tracker.identity.compute_config_hash({"param": 1})  # doctest: +SKIP
        """
        if self._identity is None:
            from consist.identity import IdentityManager

            self._identity = IdentityManager(
                self.project_root,
                hashing_strategy=self.hashing_strategy,
                hash_algorithm=self.hash_algorithm,
                cache_epoch=self.cache_epoch,
                stat_cache=self._stat_cache,
            )
        return self._identity

    @property
    def stat_cache(self) -> Any:
        """The tracker's persistent stat cache (``<run_dir>/.consist/statcache``)."""
        if self._stat_cache is None:
            from consist.hashing import StatCache

            path = self.run_dir / STAT_CACHE_RELPATH
            path.parent.mkdir(parents=True, exist_ok=True)
            self._stat_cache = StatCache(path)
            if self._identity is not None:
                self._identity.stat_cache = self._stat_cache
        return self._stat_cache

    @property
    def metadata_store(self) -> Any:
        """The ``consist.store.MetadataStore`` (None without a database)."""
        return self._store_or_none()

    @property
    def engine(self) -> Any:
        """SQLAlchemy engine on the provenance database (shared DuckDB instance).

        Example:
            >>> with tracker.engine.begin() as conn:  # doctest: +SKIP
            ...     conn.exec_driver_sql("VACUUM")
        """
        store = self._store_or_none()
        if store is None:
            raise ConsistRuntimeError(
                "This tracker has no database.",
                cause="Tracker(db_path=None) records JSON snapshots only.",
                fix="Pass db_path='./provenance.duckdb' to the Tracker.",
            )
        return store.db.engine

    @property
    def views(self) -> Any:
        """Hybrid views of the registered schemas: ``tracker.views.Person`` (data layer).

        Example:
            >>> tracker = Tracker("./runs", db_path="./provenance.duckdb", schemas=[Person])
            ... # doctest: +SKIP
            >>> tracker.views.Person  # doctest: +SKIP
        """
        from consist.data.view_registry import registry_for

        return registry_for(self)

    @property
    def db(self) -> Any:
        """The shared ``consist.store.Database`` (None without a database)."""
        store = self._store_or_none()
        return store.db if store is not None else None

    def _store_or_none(self) -> Any:
        if self._store is None and self.db_path is not None:
            from consist.store import MetadataStore

            self._store = MetadataStore.open(
                self.db_path, read_only=self.access_mode == "read_only"
            )
        return self._store

    def close(self) -> None:
        """Rebuild views left stale by recent runs, release the database, flush the stat cache."""
        if self._store is not None:
            if "consist.data.view_freshness" in sys.modules:
                from consist.data.view_freshness import refresh_stale

                refresh_stale(self)
            self._store.db.release()
        if self._stat_cache is not None:
            self._stat_cache.flush()
        if "consist.store.deferred_sync" in sys.modules:  # batched snapshot fsyncs, now
            from consist.store.deferred_sync import flush_deferred_syncs

            flush_deferred_syncs()
