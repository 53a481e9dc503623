"""MountPolicy: portable names for host paths, and the strict_mounts refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from consist.containers import MountPolicy
from consist.errors import ConfigError


def test_paths_are_named_relative_to_the_innermost_mount(tmp_path: Path) -> None:
    policy = MountPolicy.create({"data": tmp_path, "inputs": tmp_path / "in"})
    assert policy.portable(tmp_path / "in" / "zones" / "a.csv") == "inputs://zones/a.csv"
    assert policy.portable(tmp_path / "other.csv") == "data://other.csv"
    assert policy.portable(tmp_path / "in") == "inputs://"


def test_component_boundary_is_respected(tmp_path: Path) -> None:
    policy = MountPolicy.create({"inputs": tmp_path / "in"}, strict=False)
    outside = tmp_path / "input_extra" / "a.csv"
    assert policy.portable(outside) == outside.as_posix()


def test_run_dir_paths_are_dot_relative(tmp_path: Path) -> None:
    policy = MountPolicy.create({}, run_dir=tmp_path)
    assert policy.portable(tmp_path / "outputs" / "r.csv") == "./outputs/r.csv"
    policy.check(tmp_path / "outputs" / "r.csv")


def test_symlinked_path_resolves_to_its_mount(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    policy = MountPolicy.create({"inputs": tmp_path / "real"})
    assert policy.portable(tmp_path / "link" / "f.txt") == "inputs://f.txt"


def test_strict_without_mounts_uses_the_reference_message(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        MountPolicy.create().check(tmp_path)
    assert info.value.problem == (
        "Container host paths require configured tracker mounts when strict_mounts=True."
    )
    assert (
        "either add the mount in your Tracker or pass strict_mounts=False to run_container()"
        in info.value.fix
    )


def test_strict_outside_mounts_names_the_allowed_roots(tmp_path: Path) -> None:
    policy = MountPolicy.create({"inputs": tmp_path / "in"})
    with pytest.raises(ValueError, match="is outside allowed roots") as info:
        policy.check(tmp_path / "elsewhere")
    assert info.value.problem == (
        f"Host path {tmp_path / 'elsewhere'} is outside allowed roots: {tmp_path / 'in'}"
    )


def test_not_strict_allows_paths_outside_mounts(tmp_path: Path) -> None:
    policy = MountPolicy.create({"inputs": tmp_path / "in"}, strict=False)
    policy.check(tmp_path / "elsewhere")
    assert policy.portable(tmp_path / "elsewhere") == (tmp_path / "elsewhere").as_posix()


def test_mount_roots_must_be_absolute() -> None:
    with pytest.raises(ConfigError, match="must be an absolute path"):
        MountPolicy.create({"inputs": "data"})
