"""A failing step is recorded as failed and re-raised; hooks observe without interfering."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from consist import OutputPolicyOptions
from consist.errors import ConsistRuntimeError
from consist.tracker import Tracker


def boom() -> None:
    raise ValueError("bad input row 7")


def test_failing_function_marks_the_run_failed_and_reraises(tracker: Tracker) -> None:
    with pytest.raises(ValueError, match="bad input row 7"):
        tracker.run(fn=boom)

    (run,) = tracker.find_runs(model="boom")
    assert run.status == "failed"
    assert run.meta["error"] == "ValueError: bad input row 7"
    assert run.ended_at is not None
    assert tracker.current_run is None  # the tracker is ready for the next run
    snapshot = json.loads((tracker.run_dir / "consist_runs" / f"{run.id}.json").read_text())
    assert snapshot["run"]["status"] == "failed"


def test_failure_inside_start_run_is_recorded(tracker: Tracker) -> None:
    with pytest.raises(KeyError), tracker.start_run("manual", model="demo"):
        raise KeyError("missing column")
    assert tracker.get_run("manual").status == "failed"


def test_hooks_fire_with_run_and_outputs(make_tracker, workdir: Path) -> None:
    events: list[tuple] = []
    tracker = make_tracker(on_run_complete=lambda run, outputs: events.append(("ctor", run.id)))
    tracker.on_run_start(lambda run: events.append(("start", run.id)))

    @tracker.on_run_complete
    def completed(run, outputs):
        events.append(("complete", run.id, [a.key for a in outputs], run.status))

    @tracker.on_run_failed
    def failed(run, error):
        events.append(("failed", run.id, type(error).__name__))

    def write() -> dict[str, Path]:
        out = workdir / "out.txt"
        out.write_text("x")
        return {"out": out}

    ok = tracker.run(fn=write, outputs=["out"])
    with pytest.raises(ValueError):
        tracker.run(fn=boom, run_id="boom_1")

    assert events == [
        ("start", ok.run.id),
        ("ctor", ok.run.id),
        ("complete", ok.run.id, ["out"], "completed"),
        ("start", "boom_1"),
        ("failed", "boom_1", "ValueError"),
    ]


def test_a_failing_hook_is_logged_and_never_fatal(
    tracker: Tracker, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(run, outputs):
        raise RuntimeError("hook exploded")

    tracker.on_run_complete(broken)
    with caplog.at_level(logging.WARNING, logger="consist"):
        result = tracker.run(fn=lambda: None, name="quiet")
    assert result.run.status == "completed"
    assert tracker.get_run(result.run.id).status == "completed"
    assert "on_run_complete hook failed: hook exploded" in caplog.text


def test_hooks_must_be_callable(tracker: Tracker) -> None:
    with pytest.raises(TypeError, match="on_run_start expects a callable"):
        tracker.on_run_start("not a function")


def test_output_missing_policy_error_fails_the_run(tracker: Tracker) -> None:
    with pytest.raises(ConsistRuntimeError, match=r"quiet missing outputs: \['result'\]"):
        tracker.run(
            fn=lambda: None,
            name="quiet",
            outputs=["result"],
            output_policy=OutputPolicyOptions(output_missing="error"),
        )
    assert tracker.find_runs(model="quiet")[0].status == "failed"


def test_output_missing_policy_warn_logs(tracker: Tracker, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="consist"):
        result = tracker.run(fn=lambda: None, name="quiet", outputs=["result"])
    assert result.run.status == "completed" and result.outputs == {}
    assert "quiet missing outputs: ['result']" in caplog.text


def test_output_mismatch_policy(tracker: Tracker, workdir: Path) -> None:
    a, b = workdir / "a.txt", workdir / "b.txt"
    a.write_text("a")
    b.write_text("b")
    pair = tracker.run(fn=lambda: [a, b], name="pair", outputs=["a", "b"])
    assert {k: v.path for k, v in pair.outputs.items()} == {"a": a, "b": b}
    with pytest.raises(ConsistRuntimeError, match="Output list length does not match"):
        tracker.run(
            fn=lambda: [a],
            name="short",
            outputs=["a", "b"],
            output_policy=OutputPolicyOptions(output_mismatch="error"),
        )
    with pytest.raises(ConsistRuntimeError, match="Single return value does not match"):
        tracker.run(
            fn=lambda: a,
            name="single",
            outputs=["a", "b"],
            output_policy=OutputPolicyOptions(output_mismatch="error"),
        )


def test_unsupported_return_type(tracker: Tracker) -> None:
    with pytest.raises(TypeError, match="Run returned unsupported type <class 'int'>"):
        tracker.run(fn=lambda: 42, name="answer")
    assert tracker.find_runs(model="answer")[0].status == "failed"
