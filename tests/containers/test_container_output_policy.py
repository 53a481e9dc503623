"""The run's output policy reaches the container step: "ignore" logs nothing, "warn" logs once.

Real Docker engine (the busybox image from conftest), real DuckDB file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from consist import ExecutionOptions, OutputPolicyOptions

pytestmark = pytest.mark.docker


def _no_output_step(tracker, root: Path, image: str, policy: OutputPolicyOptions):
    (root / "outputs").mkdir(parents=True, exist_ok=True)
    return tracker.run(
        name="forgetful",
        output_paths={"summary": root / "outputs" / "summary.txt"},
        output_policy=policy,
        execution_options=ExecutionOptions(
            executor="container",
            container={
                "image": image,
                "command": ["sh", "-c", "echo ran > /outputs/ran.log"],
                "volumes": {str(root / "outputs"): "/outputs"},
            },
        ),
    )


def test_ignore_policy_logs_no_missing_output(make_tracker, busybox_image, tmp_path, caplog):
    root = tmp_path / "mnt"
    tracker = make_tracker(mounts={"data": root})
    with caplog.at_level(logging.WARNING):
        result = _no_output_step(
            tracker, root, busybox_image, OutputPolicyOptions(output_missing="ignore")
        )
    assert "Expected output not found" not in caplog.text
    assert result.run.status == "completed" and result.outputs == {}
    assert (root / "outputs" / "ran.log").exists()


def test_warn_policy_logs_the_missing_output(make_tracker, busybox_image, tmp_path, caplog):
    root = tmp_path / "mnt"
    tracker = make_tracker(mounts={"data": root})
    with caplog.at_level(logging.WARNING):
        result = _no_output_step(
            tracker, root, busybox_image, OutputPolicyOptions(output_missing="warn")
        )
    expected = f"Expected output not found: {root / 'outputs' / 'summary.txt'}"
    assert caplog.text.count(expected) == 1
    assert result.run.status == "completed"
