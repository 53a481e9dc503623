"""cached_output / cached_artifacts / get_run_result / get_artifact, and capture_outputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import consist
from consist.errors import ArtifactFileMissingError, ConfigError, ConsistRuntimeError


def _summarize(tracker, out: Path) -> tuple[bool, object, dict]:
    with tracker.trace("summarize", config={"year": 2030}) as t:
        hit = consist.cached_output("summary")
        cached = consist.cached_artifacts()
        out.write_text("total\n3\n")
        t.log_output(out, key="summary")
    return t.is_cached, hit, cached


def test_cached_output_and_artifacts_on_a_trace_hit(tracker, workdir: Path) -> None:
    out = workdir / "summary.csv"
    _, first_hit, first_cached = _summarize(tracker, out)
    assert first_hit is None and first_cached == {}
    _, hit, cached = _summarize(tracker, out)
    assert hit is not None and hit.key == "summary"
    assert list(cached) == ["summary"] and cached["summary"].id == hit.id
    with pytest.raises(ConfigError, match="direction must be one of"):
        consist.cached_artifacts("sideways", tracker=tracker)


@pytest.fixture
def recorded(any_tracker, workdir: Path):
    raw = workdir / "raw.csv"
    raw.write_text("a\n1\n")

    def prepare(raw: Path) -> dict[str, Path]:
        persons, households = workdir / "persons.csv", workdir / "households.csv"
        persons.write_text(raw.read_text())
        households.write_text("h\n1\n")
        return {"persons": persons, "households": households}

    result = any_tracker.run(
        fn=prepare,
        inputs={"raw": raw},
        outputs=["persons", "households"],
        execution_options=consist.ExecutionOptions(input_binding="paths"),
    )
    return any_tracker, result.run.id


def test_get_run_result_validation_modes(recorded) -> None:
    tracker, run_id = recorded
    result = consist.get_run_result(run_id, keys=["persons"], tracker=tracker)
    assert list(result.outputs) == ["persons"] and not result.cache_hit
    assert result.run.id == run_id
    with pytest.raises(KeyError, match="Available keys: households, persons"):
        consist.get_run_result(run_id, keys=["trips"], tracker=tracker)
    assert (
        consist.get_run_result(run_id, keys=["trips"], validate="none", tracker=tracker).outputs
        == {}
    )
    assert len(consist.get_run_result(run_id, validate="strict", tracker=tracker).outputs) == 2
    os.remove(result.outputs["persons"].path)
    with pytest.raises(ArtifactFileMissingError, match="missing on disk"):
        consist.get_run_result(run_id, validate="strict", tracker=tracker)
    with pytest.raises(ConfigError, match="validate must be one of"):
        consist.get_run_result(run_id, validate="eager", tracker=tracker)


def test_get_artifact_by_key_substring_and_direction(recorded) -> None:
    tracker, run_id = recorded
    with consist.use_tracker(tracker):
        assert consist.get_artifact(run_id, key="persons").key == "persons"
        assert consist.get_artifact(run_id, key="missing") is None
        assert consist.get_artifact(run_id, key_contains="house").key == "households"
        assert consist.get_artifact(run_id, key_contains="zzz") is None
        assert consist.get_artifact(run_id, direction="input").key == "raw"
        with pytest.raises(ConfigError, match="several outputs matching: households, persons"):
            consist.get_artifact(run_id)


def test_capture_outputs_logs_new_and_changed_files(tracker, workdir: Path) -> None:
    folder = workdir / "model_out"
    folder.mkdir()
    (folder / "unchanged.csv").write_text("u\n")
    (folder / "rewritten.csv").write_text("old\n")
    with tracker.start_run("model_1", model="model"):
        with consist.capture_outputs(folder, pattern="*.csv") as capture:
            (folder / "trips.csv").write_text("t\n")
            (folder / "rewritten.csv").write_text("new content\n")
            (folder / "notes.txt").write_text("not matched\n")
    assert sorted(capture.artifacts) == ["rewritten", "trips"]
    assert sorted(tracker.get_run_outputs("model_1")) == ["rewritten", "trips"]


def test_capture_outputs_recursive_keys_and_failures(tracker, workdir: Path) -> None:
    folder = workdir / "deep"
    with tracker.start_run("deep_1", model="deep"):
        with consist.capture_outputs(folder, recursive=True) as capture:
            (folder / "daily").mkdir()
            (folder / "daily" / "trips.parquet").write_bytes(b"x")
        with pytest.raises(RuntimeError, match="model crashed"):
            with consist.capture_outputs(folder) as failed:
                (folder / "partial.csv").write_text("p\n")
                raise RuntimeError("model crashed")
        with pytest.raises(ConfigError, match="two files for key 'a'"):
            with consist.capture_outputs(folder):
                (folder / "a.csv").write_text("1\n")
                (folder / "a.json").write_text("{}")
    assert list(capture.artifacts) == ["daily/trips"]
    assert failed.artifacts == {}
    assert sorted(tracker.get_run_outputs("deep_1")) == ["daily/trips"]
    with pytest.raises(ConsistRuntimeError, match="no active run"):
        with consist.capture_outputs(folder, tracker=tracker):
            pass
