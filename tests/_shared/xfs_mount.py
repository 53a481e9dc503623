"""A loop-mounted XFS image with reflink support, for the real copy-on-write path.

Needs root, loop devices and ``mkfs.xfs`` (xfsprogs; ``.ci/run`` installs it); the
fixture skips with the reason where any of them is missing. Shared by
tests/hashing and tests/artifacts (``pythonpath`` puts tests/_shared on sys.path).
"""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest

__all__ = ["xfs_mount"]


@pytest.fixture
def xfs_mount(tmp_path_factory: pytest.TempPathFactory):
    """A loop-mounted XFS image with reflink support (needs root and loop devices)."""
    if shutil.which("mkfs.xfs") is None:
        pytest.skip("mkfs.xfs not installed (xfsprogs; .ci/run installs it)")
    base = tmp_path_factory.mktemp("xfs")
    image, mount_dir = base / f"img-{uuid.uuid4().hex[:8]}", base / "mnt"
    mount_dir.mkdir()
    subprocess.run(["truncate", "-s", "512M", str(image)], check=True)
    made = subprocess.run(
        ["mkfs.xfs", "-q", "-m", "reflink=1", str(image)], capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"mkfs.xfs failed: {made.stderr.strip()}")
    mounted = subprocess.run(
        ["mount", "-o", "loop", str(image), str(mount_dir)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        image.unlink()
        pytest.skip(f"loop mount not permitted here: {mounted.stderr.strip()}")
    try:
        yield mount_dir
    finally:
        subprocess.run(["umount", str(mount_dir)], check=False)
        image.unlink(missing_ok=True)
