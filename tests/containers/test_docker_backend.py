"""DockerBackend against the real local engine (no registry: pulls always fail here)."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consist.containers import ContainerSpec
from consist.containers.backends.docker import CLEANUP_LABEL, DockerBackend, _remove
from consist.errors import ContainerError

pytestmark = pytest.mark.docker


@pytest.fixture
def backend(docker_client) -> DockerBackend:
    return DockerBackend(docker_client)


def test_image_is_pinned_to_its_id_not_its_tag(backend, busybox_image, docker_client) -> None:
    image = backend.resolve_image(busybox_image, pull_latest=False)
    local = docker_client.images.get(busybox_image)
    assert image.digest == local.id
    assert image.run_ref == local.id
    assert image.digest.startswith("sha256:")
    assert image.name == busybox_image


def test_run_reads_inputs_writes_outputs_and_sees_environment(
    backend, busybox_image, run_id, tmp_path: Path
) -> None:
    (tmp_path / "in.txt").write_text("hello\n")
    spec = ContainerSpec.create(
        image=busybox_image,
        command=["sh", "-c", 'cat /data/in.txt > /data/out.txt; echo "$GREETING" >> /data/out.txt'],
        environment={"GREETING": "hi there, world"},
        working_dir="/data",
        volumes={tmp_path: "/data"},
    )
    outcome = backend.run(
        spec,
        backend.resolve_image(busybox_image, pull_latest=False),
        labels={"consist.run_id": run_id},
    )
    assert outcome.ok
    assert (tmp_path / "out.txt").read_text() == "hello\nhi there, world\n"


def test_failure_returns_exit_code_and_last_log_lines(backend, busybox_image, run_id) -> None:
    spec = ContainerSpec.create(
        image=busybox_image,
        command=[
            "sh",
            "-c",
            "echo to-stderr >&2; sleep 0.2; for i in $(seq 1 40); do echo line$i; done; exit 7",
        ],
    )
    image = backend.resolve_image(busybox_image, pull_latest=False)
    outcome = backend.run(spec, image, labels={"consist.run_id": run_id})
    assert outcome.exit_code == 7
    assert outcome.log_tail == tuple(f"line{i}" for i in range(21, 41))


def test_log_tail_includes_stderr(backend, busybox_image, run_id) -> None:
    spec = ContainerSpec.create(image=busybox_image, command=["sh", "-c", "echo oops >&2; exit 1"])
    image = backend.resolve_image(busybox_image, pull_latest=False)
    outcome = backend.run(spec, image, labels={"consist.run_id": run_id})
    assert (outcome.exit_code, outcome.log_tail) == (1, ("oops",))


def test_missing_command_in_image_is_a_container_error(backend, busybox_image, run_id) -> None:
    spec = ContainerSpec.create(image=busybox_image, command=["/no/such/binary"])
    image = backend.resolve_image(busybox_image, pull_latest=False)
    with pytest.raises(ContainerError, match="Docker could not run the container"):
        backend.run(spec, image, labels={"consist.run_id": run_id})


def test_missing_image_without_pull_fails_fast(backend) -> None:
    with pytest.raises(
        RuntimeError, match="Container image not found locally: no-such-image:1"
    ) as info:
        backend.resolve_image("no-such-image:1", pull_latest=False)
    assert "pull_latest=True" in info.value.fix


def test_failed_pull_without_local_image_says_error_pulling(backend) -> None:
    with pytest.raises(ContainerError, match="Error pulling image: ") as info:
        backend.resolve_image("no-such-image:1", pull_latest=True)
    assert "docker login" in info.value.fix


def test_failed_pull_falls_back_to_local_image_and_says_so(backend, busybox_image, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="consist.containers"):
        image = backend.resolve_image(busybox_image, pull_latest=True)
    assert image.digest.startswith("sha256:")
    messages = [r.getMessage() for r in caplog.records]
    assert any("Could not pull latest docker image" in m for m in messages)
    assert any("falling back to local image" in m for m in messages)


CHILD = """
import sys
from consist.containers import ContainerSpec
from consist.containers.backends.docker import CLEANUP_LABEL, DockerBackend, _remove
backend = DockerBackend()
spec = ContainerSpec.create(image=sys.argv[1], command=["sleep", "60"])
image = backend.resolve_image(sys.argv[1], pull_latest=False)
backend.run(spec, image, labels={"consist.run_id": sys.argv[2]})
"""


def test_ctrl_c_while_running_removes_the_container(docker_client, busybox_image, run_id) -> None:
    label = {"label": f"consist.run_id={run_id}"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, busybox_image, run_id],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not docker_client.containers.list(filters={**label, "status": "running"}):
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline, "container never started"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert "KeyboardInterrupt" in stderr
    assert docker_client.containers.list(all=True, filters=label) == []


def test_container_created_but_not_handed_back_is_found_by_its_token(
    docker_client, busybox_image, run_id
) -> None:
    # Simulates Ctrl-C between the engine creating the container and the SDK returning it.
    token = f"token-{run_id}"
    docker_client.containers.create(
        busybox_image, ["true"], labels={CLEANUP_LABEL: token, "consist.run_id": run_id}
    )
    _remove(docker_client, None, token)
    assert (
        docker_client.containers.list(all=True, filters={"label": f"{CLEANUP_LABEL}={token}"}) == []
    )
