"""Environment settings, read at the moment they are used.

Every value comes from an environment variable with the default the
troubleshooting guide documents. Nothing is cached at import time, so a test
(or a long-lived process) that changes ``os.environ`` sees the new value on
the next database operation.

Example:
    >>> import os
    >>> os.environ["CONSIST_DB_LOCK_RETRIES"] = "40"
    >>> db_lock_retry().retries
    40
    >>> del os.environ["CONSIST_DB_LOCK_RETRIES"]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from consist.errors import ConfigError

__all__ = [
    "DEFAULT_DB_FILENAME",
    "ConsistSettings",
    "LockRetry",
    "allow_external_paths",
    "db_idle_release_seconds",
    "db_lock_retry",
    "default_db_path",
    "dlt_lock_retry",
    "env_flag",
    "max_metadata_limits",
    "relation_warn_threshold",
    "schema_sample_rows",
    "validate_batch_size",
]

DEFAULT_DB_FILENAME = "provenance.duckdb"
_TRUTHY = frozenset({"1", "true", "yes", "y", "on"})
_FALSY = frozenset({"0", "false", "no", "n", "off", ""})


@dataclass(frozen=True, slots=True)
class LockRetry:
    """Backoff policy for a locked database file.

    Attempt ``i`` (0-based) sleeps ``min(base * 1.5**i + jitter, max)`` where
    jitter is uniform in [0.05, 0.2) seconds, so processes that collided once
    do not collide again in lockstep.

    Example:
        >>> LockRetry(retries=3, base_sleep_seconds=0.1, max_sleep_seconds=2.0).delay(0, jitter=0.0)
        0.1
    """

    retries: int
    base_sleep_seconds: float
    max_sleep_seconds: float
    prefix: str = "CONSIST_DB_LOCK"

    def delay(self, attempt: int, *, jitter: float) -> float:
        """Seconds to sleep after failed attempt ``attempt`` (0-based)."""
        return min(self.base_sleep_seconds * 1.5**attempt + jitter, self.max_sleep_seconds)


def _read_number(name: str, default: float, *, kind: type, minimum: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        noun = "an integer" if kind is int else "a number"
        raise ConfigError(
            f"{name} must be {noun} >= {minimum:g}; got {raw!r}.",
            cause="The environment variable could not be parsed.",
            fix=f"Set {name} to {noun} (or unset it to use the default {default:g}).",
        )
    return value


def _lock_retry(prefix: str) -> LockRetry:
    return LockRetry(
        retries=int(_read_number(f"{prefix}_RETRIES", 20, kind=int, minimum=0)),
        base_sleep_seconds=_read_number(
            f"{prefix}_BASE_SLEEP_SECONDS", 0.1, kind=float, minimum=0.0
        ),
        max_sleep_seconds=_read_number(f"{prefix}_MAX_SLEEP_SECONDS", 2.0, kind=float, minimum=0.0),
        prefix=prefix,
    )


def db_lock_retry() -> LockRetry:
    """Retry policy for run/artifact/config writes (``CONSIST_DB_LOCK_*``).

    Example:
        >>> db_lock_retry().prefix
        'CONSIST_DB_LOCK'
    """
    return _lock_retry("CONSIST_DB_LOCK")


def dlt_lock_retry() -> LockRetry:
    """Retry policy for ingestion writes (``CONSIST_DLT_LOCK_*``, same defaults).

    Example:
        >>> dlt_lock_retry().max_sleep_seconds
        2.0
    """
    return _lock_retry("CONSIST_DLT_LOCK")


def db_idle_release_seconds() -> float:
    """Seconds without DB work before the database file is released (default 0.25).

    ``CONSIST_DB_IDLE_RELEASE_SECONDS=0`` releases the file after every operation.

    Example:
        >>> db_idle_release_seconds()
        0.25
    """
    return _read_number("CONSIST_DB_IDLE_RELEASE_SECONDS", 0.25, kind=float, minimum=0.0)


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean variable: 1/true/yes/y/on are true, 0/false/no/n/off are false.

    Example:
        >>> env_flag("CONSIST_SURELY_UNSET_FLAG", default=True)
        True
    """
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUTHY:
        return True
    if value in _FALSY:
        return False
    raise ConfigError(
        f"{name} must be a boolean; got {raw!r}.",
        cause="The environment variable is not one of 1/true/yes/on or 0/false/no/off.",
        fix=f"Set {name}=1 or {name}=0.",
    )


def allow_external_paths() -> bool:
    """``CONSIST_ALLOW_EXTERNAL_PATHS`` (default false).

    Example:
        >>> allow_external_paths()
        False
    """
    return env_flag("CONSIST_ALLOW_EXTERNAL_PATHS", default=False)


def default_db_path() -> Path:
    """Database path for CLI commands: ``$CONSIST_DB`` or ``./provenance.duckdb``.

    Example:
        >>> default_db_path().name
        'provenance.duckdb'
    """
    return Path(os.environ.get("CONSIST_DB") or DEFAULT_DB_FILENAME)


def relation_warn_threshold() -> int:
    """``CONSIST_RELATION_WARN_THRESHOLD`` (default 100; invalid values mean 100; minimum 1).

    Example:
        >>> relation_warn_threshold()
        100
    """
    try:
        return max(1, int(os.environ.get("CONSIST_RELATION_WARN_THRESHOLD", "100")))
    except ValueError:
        return 100


def schema_sample_rows() -> int | None:
    """``CONSIST_SCHEMA_SAMPLE_ROWS`` (default 1000; ``none`` means every row).

    Example:
        >>> schema_sample_rows()
        1000
    """
    raw = os.environ.get("CONSIST_SCHEMA_SAMPLE_ROWS", "1000").strip().lower()
    if raw in ("none", "all", ""):
        return None
    return int(_read_number("CONSIST_SCHEMA_SAMPLE_ROWS", 1000, kind=int, minimum=1))


def validate_batch_size() -> int:
    """``CONSIST_VALIDATE_BATCH_SIZE`` for ``consist validate`` (default 1000).

    Example:
        >>> validate_batch_size()
        1000
    """
    return int(_read_number("CONSIST_VALIDATE_BATCH_SIZE", 1000, kind=int, minimum=1))


def max_metadata_limits() -> tuple[int, int, int]:
    """(items, key length, value length) limits for run meta (200, 256, 65536).

    Example:
        >>> max_metadata_limits()
        (200, 256, 65536)
    """
    return (
        int(_read_number("CONSIST_MAX_METADATA_ITEMS", 200, kind=int, minimum=1)),
        int(_read_number("CONSIST_MAX_METADATA_KEY_LENGTH", 256, kind=int, minimum=1)),
        int(_read_number("CONSIST_MAX_METADATA_VALUE_LENGTH", 65536, kind=int, minimum=1)),
    )


@dataclass(frozen=True, slots=True)
class ConsistSettings:
    """A snapshot of every setting, for code that wants one consistent view.

    Example:
        >>> ConsistSettings.from_env().db_lock.retries
        20
    """

    db_lock: LockRetry
    dlt_lock: LockRetry
    db_idle_release_seconds: float
    allow_external_paths: bool
    relation_warn_threshold: int
    schema_sample_rows: int | None
    schema_profile_enabled: bool
    cache_debug: bool
    cache_timing: bool
    container_debug_stream: bool

    @classmethod
    def from_env(cls) -> ConsistSettings:
        """Read all settings from the environment now."""
        return cls(
            db_lock=db_lock_retry(),
            dlt_lock=dlt_lock_retry(),
            db_idle_release_seconds=db_idle_release_seconds(),
            allow_external_paths=allow_external_paths(),
            relation_warn_threshold=relation_warn_threshold(),
            schema_sample_rows=schema_sample_rows(),
            schema_profile_enabled=env_flag("CONSIST_SCHEMA_PROFILE_ENABLED"),
            cache_debug=env_flag("CONSIST_CACHE_DEBUG"),
            cache_timing=env_flag("CONSIST_CACHE_TIMING"),
            container_debug_stream=env_flag("CONSIST_CONTAINER_DEBUG_STREAM"),
        )
