"""ContainerSpec refuses bad values before anything runs (pure validation, no engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from consist.containers import ContainerSpec, Volume, get_backend
from consist.errors import ConfigError


def test_command_string_is_shell_split_and_list_kept(tmp_path: Path) -> None:
    assert ContainerSpec.create(image="i", command="sh -c 'echo a b'").command == (
        "sh",
        "-c",
        "echo a b",
    )
    assert ContainerSpec.create(image="i", command=["ls", "/"]).command == ("ls", "/")


@pytest.mark.parametrize("command", ["", [], ["ls", ""], ["a\x00b"], "x" * 10_001, "'open"])
def test_bad_commands_are_refused(command) -> None:
    with pytest.raises(ConfigError, match="ommand"):
        ContainerSpec.create(image="i", command=command)


def test_environment_is_sorted_and_scalars_become_strings() -> None:
    spec = ContainerSpec.create(image="i", command="true", environment={"B": 2, "A": True})
    assert spec.environment == (("A", "1"), ("B", "2"))


@pytest.mark.parametrize("env", [{"A=B": "x"}, {"": "x"}, {"A": ["list"]}, ["A=1"]])
def test_bad_environment_is_refused(env) -> None:
    with pytest.raises(ConfigError, match="environment"):
        ContainerSpec.create(image="i", command="true", environment=env)


def test_relative_volume_host_path_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigError) as info:
        ContainerSpec.create(image="i", command="true", volumes={"./data": "/inputs"})
    assert info.value.problem == "Container volume host path must be absolute: ./data"
    assert "resolve()" in info.value.fix


def test_missing_volume_host_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist") as info:
        ContainerSpec.create(image="i", command="true", volumes={tmp_path / "nope": "/in"})
    assert "exists()" in info.value.fix


def test_volume_forms_and_normalisation(tmp_path: Path) -> None:
    spec = ContainerSpec.create(
        image="i",
        command="true",
        volumes={
            str(tmp_path / "a" / ".."): "/data/",
            tmp_path: {"bind": "/ro", "mode": "ro"},
        },
    )
    assert spec.volumes == (Volume(tmp_path, "/data"), Volume(tmp_path, "/ro", read_only=True))


@pytest.mark.parametrize("target", ["inputs", None, {"mode": "ro"}])
def test_volume_container_path_must_be_absolute(tmp_path: Path, target) -> None:
    with pytest.raises(ConfigError, match="mount point must be an absolute path"):
        ContainerSpec.create(image="i", command="true", volumes={tmp_path: target})


def test_same_container_path_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    with pytest.raises(ConfigError, match="mounted twice"):
        ContainerSpec.create(
            image="i", command="true", volumes={tmp_path: "/x", tmp_path / "b": "/x/"}
        )


def test_working_dir_must_be_absolute() -> None:
    with pytest.raises(ConfigError, match="working_dir"):
        ContainerSpec.create(image="i", command="true", working_dir="work")
    assert ContainerSpec.create(image="i", command="true", working_dir="/w/").working_dir == "/w"


def test_unknown_backend_gets_the_reference_message() -> None:
    with pytest.raises(ValueError, match="Unknown backend type: podman"):
        ContainerSpec.create(image="i", command="true", backend="podman")
    with pytest.raises(ValueError, match="Unknown backend type: kubernetes"):
        get_backend("kubernetes")


def test_from_options_accepts_consist_03_keys() -> None:
    spec = ContainerSpec.from_options(
        {
            "image": "img:1",
            "command": ["true"],
            "backend_type": "singularity",
            "environment": {"A": "1"},
            "working_dir": "/w",
            "volumes": None,
            "pull_latest": True,
            "lineage_mode": "none",
        }
    )
    assert (spec.backend, spec.pull_latest, spec.lineage_mode) == ("singularity", True, "none")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"image": "i", "command": "true", "gpus": 1},
            r"Unknown container options were provided: \['gpus'\]",
        ),
        ({"image": "i"}, "container spec must include image and command."),
        ({"command": "true"}, "container spec must include image and command."),
        ({"image": " ", "command": "true"}, "container spec must include image and command."),
        ({"image": "i", "command": "true", "lineage_mode": "some"}, "lineage_mode"),
        ({"image": "i", "command": "true", "pull_latest": "yes"}, "pull_latest"),
        ({"image": "i", "command": "t", "backend": "docker", "backend_type": "apptainer"}, "both"),
    ],
)
def test_from_options_refusals(options, message) -> None:
    with pytest.raises(ConfigError, match=message):
        ContainerSpec.from_options(options)


def test_container_spec_requires_a_mapping() -> None:
    with pytest.raises(ConfigError, match=r"executor='container' requires a container spec\."):
        ContainerSpec.from_options(["image"])
