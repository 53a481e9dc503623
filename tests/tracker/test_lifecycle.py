"""Low-level lifecycle: begin_run/end_run/start_run, artifact logging, context helpers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import consist
from consist.errors import ConfigError, ConsistRuntimeError, UriResolutionError
from consist.tracker import Tracker


@pytest.fixture
def data(workdir: Path) -> Path:
    path = workdir / "data" / "input.csv"
    path.parent.mkdir()
    path.write_text("a,b\n1,2\n")
    return path


def test_start_run_records_inputs_outputs_and_meta(tracker: Tracker, data: Path) -> None:
    with tracker.start_run("r1", model="example", year=2030, tags=["t"], note="hello") as t:
        assert t is tracker and tracker.current_run.id == "r1"
        inp = tracker.log_artifact(data, key="input", direction="input")
        out_path = tracker.output_path("result", ext=".CSV")
        out_path.write_text("x\n")
        out = tracker.log_output(out_path, key="result")
        tracker.log_meta(rows=1)

    run = tracker.get_run("r1")
    assert run.status == "completed" and run.year == 2030 and run.tags == ["t"]
    assert run.meta["note"] == "hello" and run.meta["rows"] == 1
    assert out_path == tracker.run_dir / "outputs" / "example" / "r1" / "result.csv"
    assert out.container_uri == "./outputs/example/r1/result.csv"
    assert inp.hash.startswith("blake3:") and inp.run_id is None and out.run_id == "r1"
    recorded = tracker.get_artifacts_for_run("r1")
    assert recorded.inputs["input"].path == data
    assert recorded.outputs["result"].path == out_path
    snapshot = json.loads((tracker.run_dir / "consist_runs" / "r1.json").read_text())
    assert snapshot["run"]["status"] == "completed" and len(snapshot["outputs"]) == 1


def test_begin_and_end_run(tracker: Tracker, data: Path) -> None:
    run = tracker.begin_run("r2", "example", inputs={"input": data}, config={"k": 1})
    assert run.status == "running"
    assert tracker.get_run("r2").status == "running"  # recorded before the body runs
    ended = tracker.end_run()
    assert ended.status == "completed" and tracker.get_run("r2").status == "completed"
    assert tracker.last_run is ended


def test_guards(tracker: Tracker, data: Path) -> None:
    with pytest.raises(RuntimeError, match=r"No active run to end\. Call begin_run\(\) first\."):
        tracker.end_run()
    with pytest.raises(RuntimeError, match=re.escape("Cannot log artifact: no active run.")):
        tracker.log_artifact(data, key="input")
    tracker.begin_run("r3", "example")
    with pytest.raises(RuntimeError, match=r"Cannot begin_run: A run is already active \(id=r3\)"):
        tracker.begin_run("r4", "example")
    with pytest.raises(ConfigError, match="Argument 'key' required"):
        tracker.log_artifact(data)
    with pytest.raises(ConfigError, match=re.escape("Keys cannot contain '..' or '//'")):
        tracker.log_artifact(data, key="a/../b")
    tracker.end_run()


def test_start_run_cache_hit_exposes_cached_outputs(tracker: Tracker, data: Path) -> None:
    def body(run_id: str) -> bool:
        with tracker.start_run(run_id, model="example", inputs={"input": data}, config={"k": 1}):
            if tracker.is_cached:
                return True
            out = tracker.output_path("result", ext="txt")
            out.write_text("r")
            tracker.log_output(out, key="result")
            return False

    assert body("first") is False
    assert body("second") is True
    second = tracker.get_run("second")
    assert second.cache_hit and second.meta["cache_source"] == "first"
    assert tracker.get_artifacts_for_run("second").outputs["result"].run_id == "first"


def test_logging_a_new_output_during_a_hit_replaces_that_cached_output(
    tracker: Tracker, data: Path
) -> None:
    for run_id, text in (("a", "old"), ("b", "new")):
        with tracker.start_run(run_id, model="example", inputs={"input": data}):
            out = tracker.output_path("result", ext="txt")
            out.write_text(text)
            tracker.log_output(out, key="result")
    outputs = tracker.get_artifacts_for_run("b").outputs
    assert outputs["result"].run_id == "b" and outputs["result"].path.read_text() == "new"


def test_hash_inputs_on_begin_run_enter_the_identity(tracker: Tracker, workdir: Path) -> None:
    config = workdir / "settings.yaml"
    config.write_text("x: 1")
    with tracker.start_run("h1", model="example", hash_inputs=[config]):
        pass
    with tracker.start_run("h2", model="example", hash_inputs=[config]):
        assert tracker.is_cached
    config.write_text("x: 2")
    with tracker.start_run("h3", model="example", hash_inputs=[config]):
        assert not tracker.is_cached


def test_mount_uris_and_resolution(make_tracker, workdir: Path) -> None:
    inputs_root = workdir / "mnt" / "inputs"
    inputs_root.mkdir(parents=True)
    source = inputs_root / "zones" / "taz.csv"
    source.parent.mkdir()
    source.write_text("id\n1\n")
    tracker = make_tracker(mounts={"inputs": inputs_root})
    with tracker.start_run("m1", model="example"):
        artifact = tracker.log_input(source, key="taz")
    assert artifact.container_uri == "inputs://zones/taz.csv"
    assert artifact.meta["mount_scheme"] == "inputs"
    assert tracker.resolve_uri("inputs://zones/taz.csv") == str(source)
    assert tracker.get_artifact("taz").path == source
    with pytest.raises(
        UriResolutionError, match=re.escape("Cannot resolve URI: outputs://key/result.csv")
    ):
        tracker.resolve_uri("outputs://key/result.csv")
    with pytest.raises(UriResolutionError, match="Path traversal detected"):
        tracker.resolve_uri("inputs://../../etc/passwd")


def test_artifact_dir_must_stay_inside_run_dir(make_tracker, workdir: Path) -> None:
    tracker = make_tracker()
    with pytest.raises(ConfigError, match="artifact_dir must remain within"):
        tracker.begin_run("x1", "example", artifact_dir=workdir / "elsewhere")
    assert tracker.current_run is None
    relaxed = make_tracker(allow_external_paths=True, run_dir=workdir / "runs2")
    with relaxed.start_run("x2", "example", artifact_dir=workdir / "elsewhere"):
        assert relaxed.output_dir() == workdir / "elsewhere"


def test_output_dir_namespace_must_be_relative(tracker: Tracker) -> None:
    with tracker.start_run("n1", model="example"):
        assert tracker.output_dir("tables").name == "tables"
        with pytest.raises(ConfigError, match="namespace must be a relative path"):
            tracker.output_dir("../escape")


def test_run_subdir_fn(make_tracker) -> None:
    tracker = make_tracker(run_subdir_fn=lambda run: f"custom/{run.year}")
    with tracker.start_run("s1", model="example", year=2030):
        assert tracker.output_dir() == tracker.run_dir / "outputs" / "custom" / "2030"


def test_log_meta_rejects_unstorable_values(tracker: Tracker) -> None:
    with tracker.start_run("meta", model="example"):
        with pytest.raises(ConfigError, match="Cannot store a object"):
            tracker.log_meta(bad=object())
        tracker.log_meta(fine=[1, 2])
    assert tracker.get_run("meta").meta["fine"] == [1, 2]


def test_log_artifacts_batch(tracker: Tracker, workdir: Path) -> None:
    files = {name: workdir / f"{name}.csv" for name in ("a", "b")}
    for path in files.values():
        path.write_text("x\n")
    with tracker.start_run("batch", model="example"):
        logged = tracker.log_artifacts(files, metadata_by_key={"a": {"rows": 1}}, source="test")
    assert logged["a"].meta == {"rows": 1, "source": "test"}
    assert set(tracker.get_artifacts_for_run("batch").outputs) == {"a", "b"}


def test_context_helpers_and_functional_logging(tracker: Tracker, data: Path) -> None:
    assert consist.current_run() is None
    with pytest.raises(RuntimeError, match="No active Consist run found"):
        consist.current_tracker()
    with consist.use_tracker(tracker):
        assert consist.current_tracker() is tracker
        with tracker.start_run("ctx", model="example"):
            assert consist.current_run().id == "ctx"
            consist.log_input(data, key="input")
            path = consist.output_path("out", ext="txt")
            path.write_text("o")
            consist.log_output(path, key="out")
            consist.log_meta(step="one")
            record = consist.current_consist()
            assert [a.key for a in record.inputs] == ["input"]
    assert consist.current_run() is None
    previous = consist.set_current_tracker(tracker)
    assert previous is None and consist.current_tracker() is tracker
    consist.set_current_tracker(None)
    assert tracker.get_run("ctx").meta["step"] == "one"


def test_consist_start_run_warns_like_0_3(tracker: Tracker) -> None:
    with (
        pytest.warns(DeprecationWarning, match=re.escape("consist.start_run")),
        consist.start_run("legacy", model="example", tracker=tracker),
    ):
        pass
    assert tracker.get_run("legacy").status == "completed"


def test_read_only_access_mode_refuses_new_runs(make_tracker) -> None:
    make_tracker().run(fn=lambda: None, name="seed")
    reader = make_tracker(access_mode="read_only")
    assert reader.find_runs(model="seed")
    with pytest.raises(ConsistRuntimeError, match="Operation forbidden in 'read_only' mode"):
        reader.begin_run("nope", "example")


def test_constructor_validation(workdir: Path) -> None:
    with pytest.raises(ValueError, match="access_mode must be one of"):
        Tracker(workdir / "runs", access_mode="write")
    with pytest.raises(ValueError, match="Unknown builtin_schemas: osm"):
        Tracker(workdir / "runs", builtin_schemas=["osm"])
    with pytest.raises(ValueError, match="hashing_strategy must be one of"):
        Tracker(workdir / "runs", hashing_strategy="quick")


def test_reusing_a_run_id_replaces_the_earlier_record(tracker: Tracker, data: Path) -> None:
    # Consist 0.3 scripts with fixed run ids can be run again.
    with tracker.start_run("fixed", model="example", inputs={"input": data}, note="first"):
        pass
    with tracker.start_run("fixed", model="example", inputs={"input": data}, note="2") as again:
        assert again.is_cached  # same signature: the earlier run is its cache source
    run = tracker.get_run("fixed")
    assert run.meta["note"] == "2" and run.status == "completed"
    assert len(tracker.find_runs(model="example")) == 1
    assert list(tracker.get_artifacts_for_run("fixed").inputs) == ["input"]
    data.write_text("a,b\n3,4\n")
    result = tracker.run(fn=lambda: None, name="step", run_id="fixed", inputs=[data])
    assert not result.cache_hit
    assert tracker.get_run("fixed").model_name == "step"
