"""create_tracker, the no-op stand-ins, the protocols and require_runtime_kwargs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import consist
from consist import (
    ArtifactLike,
    NoopArtifact,
    NoopRunResult,
    NoopTracker,
    RunIdentifiedResultLike,
    RunResultLike,
    ScenarioLike,
    TrackerLike,
)
from consist.errors import ConfigError, ConsistTypeError


def test_create_tracker_enabled_disabled_and_failing(make_tracker, caplog) -> None:
    assert isinstance(consist.create_tracker(enabled=False), NoopTracker)
    real = consist.create_tracker(tracker_factory=make_tracker)
    assert isinstance(real, consist.Tracker)
    with pytest.raises(ValueError, match="requires tracker_factory"):
        consist.create_tracker()

    def broken():
        raise OSError("shared filesystem not mounted")

    with caplog.at_level(logging.ERROR, logger="consist"):
        fallback = consist.create_tracker(tracker_factory=broken)
    assert isinstance(fallback, NoopTracker)
    assert "shared filesystem not mounted" in caplog.text


def test_the_same_workflow_code_runs_recorded_and_unrecorded(make_tracker, workdir: Path) -> None:
    def workflow(tracker: TrackerLike) -> object:
        out = workdir / "result.csv"
        out.write_text("x\n1\n")
        with tracker.scenario("demo") as sc:
            assert isinstance(sc, ScenarioLike)
            return sc.run(fn=lambda: {"result": out}, name="write", outputs=["result"])

    recorded = workflow(consist.create_tracker(tracker_factory=make_tracker))
    unrecorded = workflow(consist.create_tracker(enabled=False))
    for result in (recorded, unrecorded):
        assert isinstance(result, RunResultLike) and isinstance(result, RunIdentifiedResultLike)
        assert isinstance(result.outputs["result"], ArtifactLike)
        assert result.outputs["result"].path == workdir / "result.csv"
    assert recorded.run is not None and isinstance(unrecorded, NoopRunResult)
    assert isinstance(unrecorded.outputs["result"], NoopArtifact)


def test_protocols_reject_unrelated_objects() -> None:
    assert not isinstance(object(), TrackerLike)
    assert not isinstance("a/path", ArtifactLike)
    assert isinstance(consist.NoopCoupler(), consist.Coupler)


def test_require_runtime_kwargs_is_enforced_by_tracker_run(tracker, workdir: Path) -> None:
    @consist.require_runtime_kwargs("pool")
    def simulate(pool) -> dict[str, Path]:
        out = workdir / "sim.txt"
        out.write_text(pool)
        return {"sim": out}

    with pytest.raises(ValueError, match=r"Missing runtime_kwargs for 'simulate': pool\."):
        tracker.run(fn=simulate, outputs=["sim"])
    options = consist.ExecutionOptions(runtime_kwargs={"pool": "threads"})
    result = tracker.run(fn=simulate, outputs=["sim"], execution_options=options)
    assert result.outputs["sim"].path.read_text() == "threads"


def test_require_runtime_kwargs_validates_names() -> None:
    with pytest.raises(ConsistTypeError, match="expects parameter names"):
        consist.require_runtime_kwargs()
    with pytest.raises(ConsistTypeError, match="expects parameter names"):
        consist.require_runtime_kwargs("not a name")

    @consist.require_runtime_kwargs("b")
    @consist.require_runtime_kwargs("a", "b")
    def step(a, b): ...

    assert step.__consist_runtime_required__ == ("a", "b")
    assert issubclass(ConfigError, ValueError)
