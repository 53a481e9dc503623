"""tracker.identity: the troubleshooting guide's debugging recipe and hashing options."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from identity_testlib import git, identity_digest_tag

from consist.errors import ConfigError, HashFileNotFoundError
from consist.identity import IdentityManager


def test_guide_recipe_runs_as_written(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(git_repo)
    Path("input.csv").write_text("a,b\n1,2\n")
    value = 3
    identity = IdentityManager(".")  # what tracker.identity is
    code_hash = identity.get_code_version()
    config_hash = identity.compute_config_hash({"param": value})
    run_config_hash = identity.compute_run_config_hash(
        config={"param": value}, model="my_model", year=2030
    )
    input_hash = identity.compute_file_checksum(Path("input.csv"))
    assert code_hash == git(git_repo, "rev-parse", "HEAD")
    assert config_hash != run_config_hash
    assert input_hash.startswith("blake3:") and len(input_hash) == 7 + 64


def test_file_checksum_algorithms_and_strategies(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc" * 1000)
    sha = IdentityManager(tmp_path, hash_algorithm="sha256").compute_file_checksum(path)
    assert sha == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    fast = IdentityManager(tmp_path, hashing_strategy="fast").compute_file_checksum(path)
    assert fast.startswith("fast:")
    with pytest.raises(FileNotFoundError) as info:
        IdentityManager(tmp_path).compute_file_checksum(tmp_path / "missing.csv")
    assert isinstance(info.value, HashFileNotFoundError)


def test_invalid_hashing_options_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="hashing_strategy must be one of"):
        IdentityManager(tmp_path, hashing_strategy="quick")
    with pytest.raises(ConfigError, match="hash_algorithm must be one of"):
        IdentityManager(tmp_path, hash_algorithm="md5")


def test_compute_run_identity_records_components(git_repo: Path) -> None:
    parts = IdentityManager(git_repo).compute_run_identity(
        config={"p": 1}, model="m", year=2030, inputs=[("x", "blake3:01"), ("x", "blake3:02")]
    )
    assert parts.code_identity_mode == "repo_git"
    assert parts.code_hash == git(git_repo, "rev-parse", "HEAD")
    assert parts.cache_epoch == 1 and parts.model == "m"
    assert parts.inputs == {"x": "content:blake3:01", "x#2": "content:blake3:02"}
    assert parts.signature.startswith(identity_digest_tag())
    assert IdentityManager(git_repo).explain_difference(parts, parts) == []


def test_guide_run_config_hash_reproduces_the_recorded_one(tmp_path: Path) -> None:
    manager = IdentityManager(tmp_path, cache_epoch=4)
    parts = manager.compute_run_identity(
        config={"param": 3}, model="my_model", year=2030, fn=test_guide_recipe_runs_as_written
    )
    assert parts.code_identity_mode == "callable_module"  # no git here: fell back
    recomputed = manager.compute_run_config_hash(config={"param": 3}, model="my_model", year=2030)
    assert recomputed == parts.config_hash
    assert parts.raw_config_hash == manager.compute_config_hash({"param": 3})
