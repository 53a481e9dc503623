"""Fixtures for container tests: a real Docker engine and a tiny local busybox image.

There is no registry here, so the image is built from Debian's static busybox
(``apt-get install busybox-static``) into a ``FROM scratch`` image, once per session.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

TEST_IMAGE = "consist-test-busybox:latest"
BUSYBOX = Path("/bin/busybox")
DOCKERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
"""


def _docker_client():
    try:
        import docker

        client = docker.from_env()
        client.ping()
    except Exception as exc:  # any failure means: no usable engine here
        return None, f"Docker engine unreachable: {exc}"
    return client, ""


@pytest.fixture(scope="session")
def docker_client():
    client, reason = _docker_client()
    if client is None:
        pytest.skip(reason)
    yield client
    client.close()


@pytest.fixture(scope="session")
def busybox_image(docker_client, tmp_path_factory) -> str:
    """Tag of a local busybox image; built on first use, reused if already present."""
    import docker

    try:
        docker_client.images.get(TEST_IMAGE)
        return TEST_IMAGE
    except docker.errors.ImageNotFound:
        pass
    if not BUSYBOX.exists():
        pytest.skip("busybox-static is not installed (apt-get install busybox-static)")
    context = tmp_path_factory.mktemp("busybox-image")
    shutil.copy2(BUSYBOX, context / "busybox")
    (context / "Dockerfile").write_text(DOCKERFILE)
    docker_client.images.build(path=str(context), tag=TEST_IMAGE, rm=True)
    return TEST_IMAGE


@pytest.fixture
def run_id(docker_client):
    """A unique run id; after the test, no container labelled with it may remain."""
    value = f"test-{uuid.uuid4().hex[:12]}"
    yield value
    left = docker_client.containers.list(all=True, filters={"label": f"consist.run_id={value}"})
    for container in left:
        container.remove(force=True)
    assert not left, f"containers left behind for {value}: {[c.id for c in left]}"


@pytest.fixture
def mount_root(tmp_path) -> Path:
    """A mount root with ``inputs/`` and ``outputs/`` folders, writable by the container."""
    root = tmp_path / "mnt"
    (root / "inputs").mkdir(parents=True)
    (root / "outputs").mkdir()
    return root


_GIT = ["git", "-c", "user.name=consist-tests", "-c", "user.email=tests@example.invalid"]


@pytest.fixture(scope="session")
def git_project(tmp_path_factory) -> Path:
    """A tiny committed repository as project root: a stable ``repo_git`` code identity
    (never the consist checkout, which others edit while tests run)."""
    import subprocess

    root = tmp_path_factory.mktemp("project")
    (root / "workflow.py").write_text("STEP = 1\n")
    subprocess.run([*_GIT, "init", "-q", str(root)], check=True)
    subprocess.run([*_GIT, "-C", str(root), "add", "workflow.py"], check=True)
    subprocess.run([*_GIT, "-C", str(root), "commit", "-q", "-m", "init"], check=True)
    return root


@pytest.fixture
def make_tracker(tmp_path, git_project):
    """Factory for trackers sharing ``<tmp>/provenance.duckdb``; all closed afterwards."""
    from consist import Tracker

    created = []

    def factory(**kwargs):
        kwargs.setdefault("run_dir", tmp_path / "runs")
        kwargs.setdefault("db_path", tmp_path / "provenance.duckdb")
        kwargs.setdefault("project_root", git_project)
        tracker = Tracker(**kwargs)
        created.append(tracker)
        return tracker

    yield factory
    for tracker in created:
        tracker.close()
