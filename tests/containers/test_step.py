"""prepare/run a container step without a tracker, on the real Docker engine."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from consist.containers import (
    ContainerSpec,
    MountPolicy,
    prepare_container_step,
    run_container_step,
)
from consist.errors import ConfigError, ContainerError, ContainerExecutionError

pytestmark = pytest.mark.docker


def _spec(image: str, root: Path, command: str, **extra) -> ContainerSpec:
    return ContainerSpec.create(
        image=image,
        command=["sh", "-c", command],
        volumes={root / "inputs": "/inputs", root / "outputs": "/outputs"},
        **extra,
    )


def _containers(docker_client, run_id: str) -> list:
    return docker_client.containers.list(all=True, filters={"label": f"consist.run_id={run_id}"})


def test_step_runs_and_reports_produced_outputs(busybox_image, run_id, mount_root) -> None:
    (mount_root / "inputs" / "n.txt").write_text("3\n")
    spec = _spec(busybox_image, mount_root, "cat /inputs/n.txt > /outputs/r.txt")
    step = prepare_container_step(
        spec,
        policy=MountPolicy.create({"data": mount_root}),
        inputs=[mount_root / "inputs" / "n.txt"],
        outputs={"result": mount_root / "outputs" / "r.txt"},
    )
    assert list(step.identity.inputs) == ["data://inputs/n.txt"]
    done = run_container_step(step, run_id=run_id)
    assert done.produced == {"result": mount_root / "outputs" / "r.txt"}
    assert done.missing == {}
    assert (mount_root / "outputs" / "r.txt").read_text() == "3\n"


def test_non_zero_exit_raises_container_execution_failed(
    busybox_image, run_id, mount_root, docker_client
) -> None:
    spec = _spec(busybox_image, mount_root, "echo 'model diverged'; exit 3")
    step = prepare_container_step(spec, policy=MountPolicy.create({"data": mount_root}))
    with pytest.raises(RuntimeError, match="Container execution failed") as info:
        run_container_step(step, run_id=run_id)
    err = info.value
    assert isinstance(err, ContainerExecutionError)
    assert err.problem == f"Container execution failed for run_id: {run_id}"
    assert (err.exit_code, err.log_tail) == (3, ("model diverged",))
    assert "code 3" in err.cause and "model diverged" in err.cause
    assert _containers(docker_client, run_id) == []


def test_missing_output_warns_by_default_and_raises_with_error_policy(
    busybox_image, run_id, mount_root, caplog
) -> None:
    spec = _spec(busybox_image, mount_root, "true")
    out = mount_root / "outputs" / "result.csv"
    step = prepare_container_step(
        spec, policy=MountPolicy.create({"data": mount_root}), outputs={"result": out}
    )
    with caplog.at_level(logging.WARNING, logger="consist.containers"):
        done = run_container_step(step, run_id=run_id)
    assert done.missing == {"result": out}
    assert f"Expected output not found: {out}" in caplog.text
    with pytest.raises(ContainerError, match=f"Expected output not found: {out}"):
        run_container_step(step, run_id=run_id, output_missing="error")


def test_output_left_over_from_before_the_run_does_not_count(
    busybox_image, run_id, mount_root, caplog
) -> None:
    out = mount_root / "outputs" / "result.csv"
    out.write_text("stale\n")
    spec = _spec(busybox_image, mount_root, "true")
    step = prepare_container_step(
        spec, policy=MountPolicy.create({"data": mount_root}), outputs={"result": out}
    )
    with caplog.at_level(logging.WARNING, logger="consist.containers"):
        done = run_container_step(step, run_id=run_id)
    assert done.missing == {"result": out}
    assert f"Expected output not found: {out}" in caplog.text
    assert not out.exists()
    assert list((mount_root / "outputs").iterdir()) == []


def test_failed_run_removes_partial_outputs_and_restores_previous_ones(
    busybox_image, run_id, mount_root
) -> None:
    previous = mount_root / "outputs" / "a.csv"
    previous.write_text("from the last good run\n")
    fresh = mount_root / "outputs" / "b.csv"
    spec = _spec(
        busybox_image, mount_root, "echo half > /outputs/a.csv; echo half > /outputs/b.csv; exit 1"
    )
    step = prepare_container_step(
        spec,
        policy=MountPolicy.create({"data": mount_root}),
        outputs={"a": previous, "b": fresh},
    )
    with pytest.raises(ContainerExecutionError):
        run_container_step(step, run_id=run_id)
    assert previous.read_text() == "from the last good run\n"
    assert not fresh.exists()
    assert sorted(p.name for p in (mount_root / "outputs").iterdir()) == ["a.csv"]


def test_missing_output_under_error_policy_also_restores(busybox_image, run_id, mount_root) -> None:
    kept = mount_root / "outputs" / "kept.csv"
    kept.write_text("old\n")
    spec = _spec(busybox_image, mount_root, "echo new > /outputs/kept.csv")
    step = prepare_container_step(
        spec,
        policy=MountPolicy.create({"data": mount_root}),
        outputs={"kept": kept, "never": mount_root / "outputs" / "never.csv"},
    )
    with pytest.raises(ContainerError, match="Expected output not found"):
        run_container_step(step, run_id=run_id, output_missing="error")
    assert kept.read_text() == "old\n"


def test_mounted_folder_declared_as_output_is_left_in_place(
    busybox_image, run_id, mount_root
) -> None:
    (mount_root / "outputs" / "old.txt").write_text("x")
    spec = _spec(busybox_image, mount_root, "echo y > /outputs/new.txt")
    step = prepare_container_step(
        spec,
        policy=MountPolicy.create({"data": mount_root}),
        outputs={"folder": mount_root / "outputs"},
    )
    done = run_container_step(step, run_id=run_id)
    assert done.produced == {"folder": mount_root / "outputs"}
    assert sorted(p.name for p in (mount_root / "outputs").iterdir()) == ["new.txt", "old.txt"]


def test_rewritten_output_counts(busybox_image, run_id, mount_root) -> None:
    out = mount_root / "outputs" / "result.csv"
    out.write_text("stale\n")
    spec = _spec(busybox_image, mount_root, "echo fresh > /outputs/result.csv")
    step = prepare_container_step(
        spec, policy=MountPolicy.create({"data": mount_root}), outputs={"result": out}
    )
    assert run_container_step(step, run_id=run_id).produced == {"result": out}
    assert out.read_text() == "fresh\n"


def test_out_of_mount_volume_is_refused_before_anything_starts(
    busybox_image, tmp_path, mount_root
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    spec = ContainerSpec.create(image=busybox_image, command="true", volumes={elsewhere: "/x"})
    with pytest.raises(ValueError, match="is outside allowed roots") as info:
        prepare_container_step(spec, policy=MountPolicy.create({"data": mount_root}))
    assert "strict_mounts=False" in info.value.fix
    step = prepare_container_step(
        spec, policy=MountPolicy.create({"data": mount_root}, strict=False)
    )
    assert step.identity.config["volumes"] == [[elsewhere.as_posix(), "/x", "rw"]]


def test_outputs_must_be_inside_a_writable_volume(busybox_image, mount_root) -> None:
    spec = ContainerSpec.create(
        image=busybox_image,
        command="true",
        volumes={mount_root / "outputs": {"bind": "/outputs", "mode": "ro"}},
    )
    policy = MountPolicy.create({"data": mount_root})
    with pytest.raises(ConfigError, match="not inside a writable volume"):
        prepare_container_step(spec, policy=policy, outputs={"r": mount_root / "outputs" / "r"})
    with pytest.raises(ConfigError, match="must be absolute"):
        prepare_container_step(spec, policy=policy, outputs={"r": "outputs/r"})


def test_inputs_must_exist_and_be_absolute(busybox_image, mount_root) -> None:
    spec = ContainerSpec.create(image=busybox_image, command="true")
    policy = MountPolicy.create({"data": mount_root})
    with pytest.raises(ConfigError, match="input path does not exist"):
        prepare_container_step(spec, policy=policy, inputs=[mount_root / "inputs" / "nope"])
    with pytest.raises(ConfigError, match="input path must be absolute"):
        prepare_container_step(spec, policy=policy, inputs=["inputs/x"])


def test_debug_stream_forwards_container_log(
    busybox_image, run_id, mount_root, caplog, monkeypatch
) -> None:
    monkeypatch.setenv("CONSIST_CONTAINER_DEBUG_STREAM", "1")
    spec = _spec(busybox_image, mount_root, "echo step-one; echo step-two")
    step = prepare_container_step(spec, policy=MountPolicy.create({"data": mount_root}))
    with caplog.at_level(logging.INFO, logger="consist.containers"):
        run_container_step(step, run_id=run_id)
    assert "[container] step-one" in caplog.text
    assert "[container] step-two" in caplog.text


def test_unknown_output_policy_is_refused(busybox_image, mount_root) -> None:
    step = prepare_container_step(
        ContainerSpec.create(image=busybox_image, command="true"),
        policy=MountPolicy.create({"data": mount_root}),
    )
    with pytest.raises(ConfigError, match="output_missing"):
        run_container_step(step, run_id="never-runs", output_missing="explode")
