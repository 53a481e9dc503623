"""tracker.trace / consist.trace: the body always runs; hits keep or demote as documented."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import consist
from consist.errors import ConfigError, ConsistRuntimeError, ConsistTypeError


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_body_always_runs_and_a_same_output_keeps_the_hit(tracker, workdir, caplog) -> None:
    calls = []
    out = workdir / "summary.csv"
    with tracker.trace("summarize", config={"year": 2030}) as t:
        calls.append(t.is_cached)
        first = t.log_output(_write(out, "total\n3\n"), key="summary")
    with caplog.at_level(logging.WARNING, logger="consist"):
        with consist.trace("summarize", tracker=tracker, config={"year": 2030}) as t:
            calls.append(t.is_cached)
            assert t.cached_output("summary").id == first.id
            again = t.log_output(_write(out, "total\n3\n"), key="summary")
    assert calls == [False, True]  # the body ran both times
    assert again.id == first.id  # the cached artifact comes back
    hit = tracker.last_run
    assert hit.cache_hit and hit.meta["cache_source"] == first.run_id
    assert tracker.get_run_outputs(hit.id)["summary"].id == first.id
    assert not [r for r in caplog.records if "differs" in r.getMessage()]


def test_same_bytes_in_a_new_place_keep_the_hit(tracker) -> None:
    with tracker.trace("per_run_folder") as t:
        t.log_output(_write(t.output_path("table", "csv"), "a\n1\n"), key="table")
    with tracker.trace("per_run_folder") as t:
        logged = t.log_output(_write(t.output_path("table", "csv"), "a\n1\n"), key="table")
    assert tracker.last_run.cache_hit
    assert logged.path == tracker.run_artifact_dir(tracker.last_run) / "table.csv"


def test_a_different_output_demotes_the_hit_with_one_warning(tracker, workdir, caplog) -> None:
    out = workdir / "summary.csv"
    with tracker.trace("summarize") as t:
        t.log_output(_write(out, "v1\n"), key="summary")
    with caplog.at_level(logging.WARNING, logger="consist"):
        with tracker.trace("summarize") as t:
            assert t.is_cached
            changed = t.log_output(_write(out, "v2\n"), key="summary")
            assert not t.is_cached
            t.log_output(_write(workdir / "extra.csv", "e\n"), key="extra")
    warnings = [r for r in caplog.records if "logged during the cache hit" in r.getMessage()]
    assert len(warnings) == 1
    run = tracker.last_run
    assert not run.cache_hit and "cache_source" not in run.meta
    assert changed.run_id == run.id
    assert sorted(tracker.get_run_outputs(run.id)) == ["extra", "summary"]


def test_hit_without_logging_records_the_cached_outputs(tracker, workdir) -> None:
    with tracker.trace("expensive") as t:
        t.log_output(_write(workdir / "e.csv", "e\n"), key="e")
    with tracker.trace("expensive") as t:
        if not t.is_cached:  # pragma: no cover - the second block is a hit
            raise AssertionError("expected a cache hit")
    assert sorted(tracker.get_run_outputs(tracker.last_run.id)) == ["e"]


def test_output_paths_capture_dir_and_declared_outputs(tracker, workdir, caplog) -> None:
    capture = workdir / "captured"
    with tracker.trace(
        "collect",
        output_paths={"fixed": "fixed.txt"},
        capture_dir=capture,
        outputs=["fixed", "never_written"],
    ) as t:
        _write(t.run_artifact_dir() / "fixed.txt", "f")
        _write(capture / "new_file.csv", "n")
    outputs = tracker.get_run_outputs(tracker.last_run.id)
    assert sorted(outputs) == ["fixed", "new_file"]
    assert any("missing outputs: ['never_written']" in r.getMessage() for r in caplog.records)
    with pytest.raises(ConsistRuntimeError, match="missing outputs"):
        with tracker.trace("strict", outputs=["x"], output_missing="error"):
            pass
    assert tracker.last_run.status == "failed"


def test_an_exception_marks_the_run_failed(tracker) -> None:
    with pytest.raises(KeyError):
        with tracker.trace("boom", config={"v": 1}):
            raise KeyError("inside")
    run = tracker.last_run
    assert run.status == "failed" and "KeyError" in run.meta["error"]
    assert tracker.current_run is None
    with tracker.trace("boom", config={"v": 1}) as t:  # a failed run is never a cache hit
        assert not t.is_cached


def test_guide_errors_on_trace(tracker) -> None:
    with pytest.raises(ConsistTypeError, match="unexpected keyword argument 'hash_inputs'"):
        with tracker.trace("t", hash_inputs=["x"]):
            pass
    with pytest.raises(TypeError, match="unexpected keyword argument 'config_plan'"):
        with consist.trace("t", tracker=tracker, config_plan=object()):
            pass
    with pytest.raises(ConfigError, match="requires output_paths"):
        with tracker.trace("t", cache_hydration="outputs-requested"):
            pass
    assert tracker.current_run is None and tracker.last_run is None  # nothing was recorded


def test_trace_inputs_link_producers(tracker, workdir) -> None:
    raw = _write(workdir / "raw.csv", "r\n")
    with tracker.trace("make", inputs={"raw": raw}) as t:
        made = t.log_output(_write(t.output_path("made", "csv"), "m\n"), key="made")
    with tracker.trace("use", inputs={"made": made.path}) as t:
        assert t.current_run.meta["upstream_run_ids"] == [made.run_id]
    recorded = tracker.get_artifacts_for_run(tracker.last_run.id).inputs["made"]
    assert recorded.id == made.id
