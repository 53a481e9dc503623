"""Environment settings: the guide's defaults, read at use time, clear errors."""

from __future__ import annotations

import pytest

from consist import settings
from consist.errors import ConfigError


def test_lock_defaults_match_the_guide() -> None:
    for policy in (settings.db_lock_retry(), settings.dlt_lock_retry()):
        assert (policy.retries, policy.base_sleep_seconds, policy.max_sleep_seconds) == (
            20,
            0.1,
            2.0,
        )


def test_env_is_read_at_use_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSIST_DB_LOCK_RETRIES", "40")
    monkeypatch.setenv("CONSIST_DB_LOCK_BASE_SLEEP_SECONDS", "0.2")
    monkeypatch.setenv("CONSIST_DB_LOCK_MAX_SLEEP_SECONDS", "5.0")
    monkeypatch.setenv("CONSIST_DLT_LOCK_RETRIES", "7")
    db, dlt = settings.db_lock_retry(), settings.dlt_lock_retry()
    assert (db.retries, db.base_sleep_seconds, db.max_sleep_seconds) == (40, 0.2, 5.0)
    assert dlt.retries == 7 and dlt.prefix == "CONSIST_DLT_LOCK"


def test_backoff_grows_and_is_capped() -> None:
    policy = settings.LockRetry(retries=20, base_sleep_seconds=0.1, max_sleep_seconds=2.0)
    delays = [policy.delay(i, jitter=0.0) for i in range(12)]
    assert delays == sorted(delays) and delays[0] == pytest.approx(0.1)
    assert max(delays) == 2.0


@pytest.mark.parametrize("value", ["many", "-1", "1.5"])
def test_invalid_retries_name_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CONSIST_DB_LOCK_RETRIES", value)
    with pytest.raises(ConfigError, match="CONSIST_DB_LOCK_RETRIES must be an integer"):
        settings.db_lock_retry()


def test_other_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.relation_warn_threshold() == 100
    monkeypatch.setenv("CONSIST_RELATION_WARN_THRESHOLD", "junk")
    assert settings.relation_warn_threshold() == 100
    monkeypatch.setenv("CONSIST_RELATION_WARN_THRESHOLD", "500")
    assert settings.relation_warn_threshold() == 500
    assert settings.allow_external_paths() is False
    monkeypatch.setenv("CONSIST_ALLOW_EXTERNAL_PATHS", "yes")
    assert settings.allow_external_paths() is True
    monkeypatch.setenv("CONSIST_ALLOW_EXTERNAL_PATHS", "maybe")
    with pytest.raises(ConfigError, match="CONSIST_ALLOW_EXTERNAL_PATHS must be a boolean"):
        settings.allow_external_paths()
    monkeypatch.delenv("CONSIST_ALLOW_EXTERNAL_PATHS")
    monkeypatch.setenv("CONSIST_DB", "/data/x.duckdb")
    assert str(settings.default_db_path()) == "/data/x.duckdb"
    monkeypatch.setenv("CONSIST_SCHEMA_SAMPLE_ROWS", "none")
    assert settings.schema_sample_rows() is None
    assert settings.db_idle_release_seconds() == 0.25
    snapshot = settings.ConsistSettings.from_env()
    assert snapshot.allow_external_paths is False and snapshot.db_lock.retries == 20
