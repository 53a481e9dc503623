"""Container steps through ``tracker.run``: cached, traced, portable across mount roots.

Real Docker engine, real DuckDB file, real files. ``ran.log`` in the mounted output
folder counts how often the container really started.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from consist import ExecutionOptions, OutputPolicyOptions
from consist.errors import ConfigError, ContainerError, ContainerExecutionError

pytestmark = pytest.mark.docker

SUMMARIZE = 'wc -l < /inputs/trips.csv > /outputs/summary.txt; echo "scale=$SCALE" >> /outputs/summary.txt; echo ran >> /outputs/ran.log'


def _layout(root: Path) -> Path:
    (root / "inputs").mkdir(parents=True)
    (root / "outputs").mkdir()
    (root / "inputs" / "trips.csv").write_text("id,mode\n1,car\n2,bike\n")
    return root


def _step(tracker, root: Path, image: str, *, command=SUMMARIZE, env=None, policy=None, **extra):
    return tracker.run(
        name="summarize",
        inputs={"trips": root / "inputs" / "trips.csv"},
        output_paths={"summary": root / "outputs" / "summary.txt"},
        output_policy=policy,
        execution_options=ExecutionOptions(
            executor="container",
            container={
                "image": image,
                "command": ["sh", "-c", command],
                "environment": {"SCALE": "1"} if env is None else env,
                "volumes": {str(root / "inputs"): "/inputs", str(root / "outputs"): "/outputs"},
                **extra,
            },
        ),
    )


def _starts(root: Path) -> int:
    log = root / "outputs" / "ran.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_runs_once_then_hits_the_cache_without_starting_a_container(
    make_tracker, busybox_image, tmp_path
) -> None:
    root = _layout(tmp_path / "mnt")
    tracker = make_tracker(mounts={"data": root})
    first = _step(tracker, root, busybox_image)
    assert (first.cache_hit, _starts(root)) == (False, 1)
    assert (root / "outputs" / "summary.txt").read_text() == "3\nscale=1\n"
    assert first.outputs["summary"].path == root / "outputs" / "summary.txt"
    meta = first.run.meta["container"]
    assert meta["image_digest"].startswith("sha256:") and meta["image"] == busybox_image
    assert meta["volumes"] == [
        ["data://inputs", "/inputs", "rw"],
        ["data://outputs", "/outputs", "rw"],
    ]
    second = _step(tracker, root, busybox_image)
    assert (second.cache_hit, _starts(root)) == (True, 1)
    assert second.run.meta["cache_source"] == first.run.id
    assert second.outputs["summary"].hash == first.outputs["summary"].hash


def test_changed_input_command_or_environment_reruns(make_tracker, busybox_image, tmp_path) -> None:
    root = _layout(tmp_path / "mnt")
    tracker = make_tracker(mounts={"data": root})
    _step(tracker, root, busybox_image)
    assert _step(tracker, root, busybox_image, env={"SCALE": "2"}).cache_hit is False
    assert (root / "outputs" / "summary.txt").read_text() == "3\nscale=2\n"
    assert _step(tracker, root, busybox_image, command=SUMMARIZE + "; true").cache_hit is False
    (root / "inputs" / "trips.csv").write_text("id,mode\n1,car\n")
    assert _step(tracker, root, busybox_image).cache_hit is False
    assert (root / "outputs" / "summary.txt").read_text() == "2\nscale=1\n"
    assert _starts(root) == 4


def test_other_mount_root_with_the_same_layout_hits_the_cache(
    make_tracker, busybox_image, tmp_path
) -> None:
    here = _layout(tmp_path / "machine_a" / "data")
    first = make_tracker(mounts={"data": here})
    assert _step(first, here, busybox_image).cache_hit is False
    first.close()
    there = tmp_path / "machine_b" / "scratch" / "data"
    shutil.copytree(here, there)
    (there / "outputs" / "ran.log").unlink()
    second = make_tracker(mounts={"data": there})
    result = _step(second, there, busybox_image)
    assert result.cache_hit is True
    assert _starts(there) == 0


def test_failing_command_records_a_failed_run_and_leaves_no_container(
    make_tracker, busybox_image, tmp_path, docker_client
) -> None:
    root = _layout(tmp_path / "mnt")
    tracker = make_tracker(mounts={"data": root})
    with pytest.raises(RuntimeError, match="Container execution failed") as info:
        _step(tracker, root, busybox_image, command="echo 'solver diverged' >&2; exit 2")
    assert isinstance(info.value, ContainerExecutionError)
    assert info.value.exit_code == 2 and "solver diverged" in info.value.cause
    runs = tracker.find_runs(model="summarize")
    assert [r.status for r in runs] == ["failed"]
    left = docker_client.containers.list(
        all=True, filters={"label": f"consist.run_id={runs[0].id}"}
    )
    assert left == []
    assert not (root / "outputs" / "summary.txt").exists()
    assert _step(tracker, root, busybox_image).cache_hit is False


def test_missing_output_logs_and_fails_under_the_error_policy(
    make_tracker, busybox_image, tmp_path, caplog
) -> None:
    root = _layout(tmp_path / "mnt")
    tracker = make_tracker(mounts={"data": root})
    with (
        caplog.at_level(logging.WARNING),
        pytest.raises(ContainerError, match="Expected output not found"),
    ):
        _step(
            tracker,
            root,
            busybox_image,
            command="echo ran >> /outputs/ran.log",
            policy=OutputPolicyOptions(output_missing="error"),
        )
    assert f"Expected output not found: {root / 'outputs' / 'summary.txt'}" in caplog.text
    assert [r.status for r in tracker.find_runs(model="summarize")] == ["failed"]


@pytest.mark.parametrize(
    ("mutate", "error", "message"),
    [
        (
            lambda opts, root: opts.update(image="consist-no-such-image:1"),
            ContainerError,
            "not found locally",
        ),
        (
            lambda opts, root: opts.update(volumes={"mnt/inputs": "/inputs"}),
            ConfigError,
            "must be absolute",
        ),
        (
            lambda opts, root: opts.update(volumes={str(root.parent): "/x"}),
            ConfigError,
            "outside allowed roots",
        ),
        (
            lambda opts, root: opts.update(volumes={str(root / "nope"): "/x"}),
            ConfigError,
            "does not exist",
        ),
        (
            lambda opts, root: opts.update(backend="podman"),
            ConfigError,
            "Unknown backend type: podman",
        ),
    ],
    ids=[
        "missing-image",
        "relative-volume",
        "out-of-mount",
        "missing-host-path",
        "unknown-backend",
    ],
)
def test_bad_specs_are_refused_before_anything_is_recorded(
    make_tracker, busybox_image, tmp_path, mutate, error, message
) -> None:
    root = _layout(tmp_path / "mnt")
    tracker = make_tracker(mounts={"data": root})
    options = {
        "image": busybox_image,
        "command": ["true"],
        "volumes": {str(root / "outputs"): "/outputs"},
    }
    mutate(options, root)
    with pytest.raises(error, match=message):
        tracker.run(
            name="bad",
            output_paths={"out": root / "outputs" / "out.txt"},
            execution_options=ExecutionOptions(executor="container", container=options),
        )
    assert tracker.find_runs() == []
    assert list((tmp_path / "runs").rglob("*.json")) == []


def test_lineage_mode_none_runs_without_recording(make_tracker, busybox_image, tmp_path) -> None:
    root = _layout(tmp_path / "mnt")
    tracker = make_tracker(mounts={"data": root})
    result = _step(tracker, root, busybox_image, lineage_mode="none")
    assert (result.cache_hit, result.run.meta["lineage_mode"], _starts(root)) == (False, "none", 1)
    assert tracker.find_runs() == []
