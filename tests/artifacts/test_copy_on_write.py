"""Hydration is copy-on-write: a reflink on XFS (O(1) space), an in-kernel copy on ext4.

The XFS case needs root and loop devices (a real ``mkfs.xfs`` image mounted
with ``mount -o loop``); where that is not permitted the test is skipped with
the reason. Space is checked with ``statvfs`` (free blocks before and after),
never with timings.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SIZE = 64 * 1024 * 1024


def _free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bfree * stats.f_frsize


def _big_output(tracker) -> Path:
    with tracker.start_run("big", model="m"):
        path = tracker.output_path("big", "bin")
        with open(path, "wb") as handle:
            for _ in range(SIZE // (1 << 20)):
                handle.write(os.urandom(1 << 20))
        tracker.log_output(path, key="big")
    return path


def test_large_hydration_on_xfs_is_a_reflink_taking_no_space(make_tracker, xfs_mount) -> None:
    tracker = make_tracker(run_dir=xfs_mount / "runs")
    original = _big_output(tracker)
    os.sync()
    before = _free_bytes(xfs_mount)
    result = tracker.hydrate_run_outputs("big", target_root="restored")
    os.sync()
    used = before - _free_bytes(xfs_mount)
    outcome = result["big"]
    assert outcome.method == "reflink"
    assert outcome.path.stat().st_size == SIZE
    assert used < SIZE // 20, f"{used} bytes used for a {SIZE}-byte clone"
    # Copy-on-write: writing to the clone leaves the recorded original intact.
    with open(outcome.path, "r+b") as handle:
        handle.write(b"changed")
    verified = tracker.hydrate_run_outputs(
        "big", target_root="again", validate_content_hash="always"
    )
    assert verified["big"].verified and original.stat().st_size == SIZE


def test_on_ext4_hydration_falls_back_to_an_in_kernel_copy(tracker, workdir) -> None:
    from consist.placement import place_file

    (workdir / "probe").write_bytes(b"p")
    if place_file(workdir / "probe", workdir / "probe2") != "copy":
        pytest.skip("the test folder's filesystem supports reflinks (not ext4)")
    original = _big_output(tracker)
    result = tracker.hydrate_run_outputs("big", target_root="restored")
    assert result["big"].method == "copy"
    assert result["big"].path.stat().st_ino != original.stat().st_ino
    assert result["big"].path.stat().st_size == SIZE
