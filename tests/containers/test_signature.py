"""The container signature: portable across mount roots, sensitive to what matters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from consist.containers import ContainerSpec, MountPolicy, ResolvedImage, container_identity

IMAGE = ResolvedImage(name="model:1", digest="sha256:" + "a" * 64, run_ref="sha256:" + "a" * 64)


def _layout(root: Path) -> Path:
    (root / "inputs").mkdir(parents=True)
    (root / "outputs").mkdir()
    (root / "inputs" / "zones.csv").write_text("id,pop\n1,10\n")
    return root


def _identity(root: Path, *, command="run", env=None, image=IMAGE, inputs=None):
    spec = ContainerSpec.create(
        image=image.name,
        command=command,
        environment=env,
        volumes={root / "inputs": "/inputs", root / "outputs": "/outputs"},
    )
    policy = MountPolicy.create({"data": root})
    return container_identity(spec, image, policy, inputs or [root / "inputs" / "zones.csv"])


def test_same_layout_under_another_mount_root_has_the_same_signature(tmp_path: Path) -> None:
    first = _identity(_layout(tmp_path / "machine_a" / "mnt"))
    second = _identity(_layout(tmp_path / "elsewhere" / "scratch"))
    assert first.signature == second.signature
    assert first.config["volumes"] == [
        ["data://inputs", "/inputs", "rw"],
        ["data://outputs", "/outputs", "rw"],
    ]
    assert list(first.inputs) == ["data://inputs/zones.csv"]


def test_stored_config_has_no_host_paths_and_no_environment_values(tmp_path: Path) -> None:
    root = _layout(tmp_path / "mnt")
    ident = _identity(root, env={"API_TOKEN": "s3cret-value"})
    text = json.dumps([ident.config, ident.inputs])
    assert str(tmp_path) not in text
    assert "s3cret-value" not in text
    assert ident.config["environment_hash"].startswith(("blake3:", "sha256:"))


def test_input_content_command_environment_and_image_each_change_it(tmp_path: Path) -> None:
    root = _layout(tmp_path / "mnt")
    base = _identity(root).signature
    assert _identity(root, command="run --fast").signature != base
    assert _identity(root, env={"SEED": "1"}).signature != base
    assert (
        _identity(root, env={"SEED": "2"}).signature != _identity(root, env={"SEED": "1"}).signature
    )
    other_image = ResolvedImage("model:1", "sha256:" + "b" * 64, "sha256:" + "b" * 64)
    assert _identity(root, image=other_image).signature != base
    (root / "inputs" / "zones.csv").write_text("id,pop\n1,11\n")
    assert _identity(root).signature != base


def test_tag_is_not_part_of_the_signature(tmp_path: Path) -> None:
    root = _layout(tmp_path / "mnt")
    retagged = ResolvedImage("model:latest", IMAGE.digest, IMAGE.run_ref)
    assert _identity(root, image=retagged).signature == _identity(root).signature


def test_directory_inputs_see_names_and_structure(tmp_path: Path) -> None:
    root = _layout(tmp_path / "mnt")
    folder = root / "inputs"
    base = _identity(root, inputs=[folder]).signature
    shutil.move(folder / "zones.csv", folder / "zones_renamed.csv")
    assert _identity(root, inputs=[folder]).signature != base


def test_named_inputs_and_known_digests_are_keyed_as_given(tmp_path: Path) -> None:
    root = _layout(tmp_path / "mnt")
    spec = ContainerSpec.create(image="m", command="run")
    ident = container_identity(
        spec,
        IMAGE,
        MountPolicy.create({"data": root}),
        {"zones": root / "inputs" / "zones.csv"},
        input_digests={"upstream": "run:blake3:" + "c" * 64},
    )
    assert sorted(ident.inputs) == ["upstream", "zones"]


def test_singularity_and_apptainer_share_a_signature(tmp_path: Path) -> None:
    policy = MountPolicy.create()
    a = ContainerSpec.create(image="m.sif", command="run", backend="apptainer")
    s = ContainerSpec.create(image="m.sif", command="run", backend="singularity")
    assert container_identity(a, IMAGE, policy).signature == (
        container_identity(s, IMAGE, policy).signature
    )
