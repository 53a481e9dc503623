"""ApptainerBackend: command line, environment, exit codes and Ctrl-C cleanup.

Apptainer is not installed on this machine. The real-engine test below skips with that
reason; the others use a small stand-in ``apptainer`` script (a MOCK of the binary only:
it runs the command on the host instead of in a container) so the backend's process
handling, environment passing and cleanup run for real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consist.containers import ContainerSpec, MountPolicy, container_identity
from consist.containers.backends.apptainer import (
    ApptainerBackend,
    build_exec_argv,
    find_apptainer,
)
from consist.errors import ContainerError

SHIM = """#!/bin/sh
# Stand-in for `apptainer exec`: parse the flags consist passes, run the command on the host.
echo $$ > "$(dirname "$0")/shim.pid"
[ "$1" = exec ] || { echo "unexpected verb $1" >&2; exit 90; }
shift
workdir=.
while [ $# -gt 0 ]; do
  case "$1" in
    --cleanenv|--writable-tmpfs) shift ;;
    --bind) shift 2 ;;
    --pwd) workdir="$2"; shift 2 ;;
    *) break ;;
  esac
done
shift  # the image
cd "$workdir" || exit 91
exec env -i PATH="$PATH" GREETING="$APPTAINERENV_GREETING" "$@"
"""


@pytest.fixture
def shim(tmp_path: Path) -> str:
    path = tmp_path / "bin" / "apptainer"
    path.parent.mkdir()
    path.write_text(SHIM)
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def sif(tmp_path: Path) -> Path:
    image = tmp_path / "model.sif"
    image.write_bytes(b"not a real SIF, only hashed")
    return image


def test_exec_argv_binds_volumes_and_sets_pwd(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    spec = ContainerSpec.create(
        image="m.sif",
        command=["python", "run.py"],
        working_dir="/work",
        volumes={tmp_path / "in": {"bind": "/inputs", "mode": "ro"}},
        backend="apptainer",
    )
    assert build_exec_argv("apptainer", spec, "/img/m.sif") == [
        "apptainer", "exec", "--cleanenv", "--writable-tmpfs",
        "--bind", f"{tmp_path / 'in'}:/inputs:ro",
        "--pwd", "/work", "/img/m.sif", "python", "run.py",
    ]  # fmt: skip


def test_local_image_is_pinned_by_content(shim, sif) -> None:
    backend = ApptainerBackend(shim)
    image = backend.resolve_image(str(sif), pull_latest=False)
    assert image.pinned and image.digest.startswith(("blake3:", "sha256:"))
    spec = ContainerSpec.create(image=str(sif), command="run", backend="apptainer")
    before = container_identity(spec, image, MountPolicy.create()).signature
    sif.write_bytes(b"rebuilt image")
    changed = backend.resolve_image(str(sif), pull_latest=False)
    assert container_identity(spec, changed, MountPolicy.create()).signature != before


def test_remote_uri_is_named_by_the_uri(shim) -> None:
    image = ApptainerBackend(shim).resolve_image("docker://busybox:1.36", pull_latest=True)
    assert (image.digest, image.pinned) == ("uri:docker://busybox:1.36", False)


def test_missing_image_file_fails_fast(shim, tmp_path: Path) -> None:
    with pytest.raises(ContainerError, match="Container image not found locally"):
        ApptainerBackend(shim).resolve_image(str(tmp_path / "nope.sif"), pull_latest=False)


def test_missing_binary_is_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ContainerError, match="Apptainer/Singularity is not installed"):
        ApptainerBackend().resolve_image("x.sif", pull_latest=False)


def test_run_passes_environment_intact_and_reports_exit_code(shim, sif, tmp_path) -> None:
    backend = ApptainerBackend(shim)
    spec = ContainerSpec.create(
        image=str(sif),
        command=["sh", "-c", 'echo "$GREETING"; pwd; exit 4'],
        environment={"GREETING": "hi there, a=b"},
        working_dir=str(tmp_path),
        backend="apptainer",
    )
    outcome = backend.run(spec, backend.resolve_image(str(sif), pull_latest=False), labels={})
    assert outcome.exit_code == 4
    assert outcome.log_tail == ("hi there, a=b", str(tmp_path))


CHILD = """
import sys
from consist.containers import ContainerSpec
from consist.containers.backends.apptainer import ApptainerBackend
backend = ApptainerBackend(sys.argv[1])
spec = ContainerSpec.create(image=sys.argv[2], command=["sleep", "60"], backend="apptainer")
backend.run(spec, backend.resolve_image(sys.argv[2], pull_latest=False), labels={})
"""


def test_ctrl_c_stops_the_container_process(shim, sif) -> None:
    pid_file = Path(shim).parent / "shim.pid"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, shim, str(sif)], stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while not (pid_file.exists() and pid_file.read_text().strip()):
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        shim_pid = int(pid_file.read_text())
        time.sleep(0.2)  # let the shim exec into `sleep`
        child.send_signal(signal.SIGINT)
        child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode != 0
    with pytest.raises(ProcessLookupError):
        os.kill(shim_pid, 0)


@pytest.mark.skipif(find_apptainer() is None, reason="Apptainer/Singularity is not installed")
def test_real_apptainer_runs_a_sif_built_from_the_docker_test_image(
    busybox_image, tmp_path: Path
) -> None:
    sif_path = tmp_path / "busybox.sif"
    subprocess.run(
        [find_apptainer(), "build", str(sif_path), f"docker-daemon://{busybox_image}"],
        check=True,
        capture_output=True,
    )
    (tmp_path / "data").mkdir()
    spec = ContainerSpec.create(
        image=str(sif_path),
        command=["sh", "-c", 'echo "$GREETING" > /data/out.txt'],
        environment={"GREETING": "hello"},
        volumes={tmp_path / "data": "/data"},
        backend="apptainer",
    )
    backend = ApptainerBackend()
    outcome = backend.run(spec, backend.resolve_image(str(sif_path), pull_latest=False), labels={})
    assert outcome.ok
    assert (tmp_path / "data" / "out.txt").read_text() == "hello\n"
