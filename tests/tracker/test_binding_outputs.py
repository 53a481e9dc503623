"""Units: binding parameters from inputs/config/runtime kwargs, collecting returns."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

import consist
from consist import ExecutionOptions
from consist.errors import ConsistTypeError, ConsistValueError
from consist.tracker import RunContext, Tracker
from consist.tracker.binding import bind_arguments
from consist.tracker.outputs import collect_outputs


def test_binding_precedence_and_filtering() -> None:
    def step(raw, threshold=0.5, *, mode="a"):
        return raw

    kwargs = bind_arguments(
        step,
        step_name="step",
        inputs={"raw": "in.csv", "unused_input": 1},
        config={"threshold": 0.9, "mode": "b", "not_a_param": 2},
        runtime_kwargs={"mode": "c"},
    )
    assert kwargs == {"threshold": 0.9, "mode": "c", "raw": "in.csv"}


def test_var_keyword_functions_receive_all_inputs_but_only_named_config() -> None:
    def step(**kwargs):
        return kwargs

    kwargs = bind_arguments(
        step, step_name="s", inputs={"a": 1, "b": 2}, config={"c": 3}, runtime_kwargs={}
    )
    assert kwargs == {"a": 1, "b": 2}


def test_missing_parameters_and_context_injection() -> None:
    def step(raw, _consist_ctx):
        return raw

    with pytest.raises(ConsistTypeError, match="could not bind arguments for 's'"):
        bind_arguments(step, step_name="s", inputs={}, config={}, runtime_kwargs={})
    kwargs = bind_arguments(
        step,
        step_name="s",
        inputs={"raw": 1},
        config={},
        runtime_kwargs={},
        inject_context=True,
        context="CTX",
    )
    assert kwargs["_consist_ctx"] == "CTX"
    with pytest.raises(ConsistTypeError, match="inject_context requested 'ctx'"):
        bind_arguments(
            step,
            step_name="s",
            inputs={"raw": 1},
            config={},
            runtime_kwargs={},
            inject_context="ctx",
        )


def test_required_runtime_kwargs() -> None:
    def step(raw, client):
        return raw

    step.__consist_runtime_required__ = ("client",)
    with pytest.raises(ConsistValueError, match=r"Missing runtime_kwargs for 's': client\."):
        bind_arguments(step, step_name="s", inputs={"raw": 1}, config={}, runtime_kwargs={})


def test_collect_outputs_shapes(tmp_path: Path, caplog) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    b.write_text("b")
    common = dict(label="s", output_mismatch=None, output_missing=None)
    assert collect_outputs({"x": a}, declared=[], output_paths={}, **common) == {"x": a}
    assert collect_outputs(a, declared=["x"], output_paths={}, **common) == {"x": a}
    assert collect_outputs((a, b), declared=["x", "y"], output_paths={}, **common) == {
        "x": a,
        "y": b,
    }
    # None: files written at declared output_paths are picked up.
    assert collect_outputs(None, declared=[], output_paths={"y": b}, **common) == {"y": b}
    with caplog.at_level(logging.WARNING, logger="consist"):
        assert collect_outputs(None, declared=[], output_paths={"x": a}, **common) == {}
    assert "s missing outputs: ['x']" in caplog.text


def test_loaded_binding_passes_dataframes(tracker: Tracker, workdir: Path) -> None:
    pd.DataFrame({"v": [1, 2, 3]}).to_parquet(workdir / "raw.parquet")

    def total(raw) -> None:
        assert isinstance(raw, pd.DataFrame)
        consist.log_meta(total=int(raw["v"].sum()))

    result = tracker.run(fn=total, inputs={"raw": workdir / "raw.parquet"})
    assert result.run.meta["total"] == 6


def test_context_injection_in_a_run(tracker: Tracker) -> None:
    def step(_consist_ctx: RunContext) -> dict[str, Path]:
        out = _consist_ctx.output_path("report", ext="txt")
        out.write_text(_consist_ctx.run_id)
        _consist_ctx.log_meta(via="ctx")
        return {"report": out}

    result = tracker.run(fn=step, execution_options=ExecutionOptions(inject_context=True))
    assert result.outputs["report"].path.read_text() == result.run.id
    assert result.run.meta["via"] == "ctx"


def test_runtime_kwargs_are_not_identity(tracker: Tracker) -> None:
    seen = []

    def step(client) -> None:
        seen.append(client)

    first = tracker.run(fn=step, execution_options=ExecutionOptions(runtime_kwargs={"client": 1}))
    second = tracker.run(fn=step, runtime_kwargs={"client": 2})
    assert not first.cache_hit and second.cache_hit and seen == [1]
    with pytest.raises(ValueError, match="runtime_kwargs was given twice"):
        tracker.run(
            fn=step,
            runtime_kwargs={"client": 3},
            execution_options=ExecutionOptions(runtime_kwargs={"client": 3}),
        )


def test_returned_dataframes_are_written_and_logged(tracker: Tracker) -> None:
    def make() -> dict:
        return {"table": pd.DataFrame({"a": [1, 2]})}

    result = tracker.run(fn=make)
    table = result.outputs["table"]
    assert table.driver == "parquet" and table.path.exists()
    assert consist.load_df(table)["a"].tolist() == [1, 2]


def test_capture_dir_logs_new_files(tracker: Tracker, workdir: Path) -> None:
    folder = workdir / "captured"

    def write_files() -> None:
        (folder / "one.csv").write_text("1")
        (folder / "two.csv").write_text("2")

    result = tracker.run(fn=write_files, capture_dir=folder, capture_pattern="*.csv")
    assert set(result.outputs) == {"one", "two"}


def test_config_as_pydantic_model(tracker: Tracker) -> None:
    pydantic = pytest.importorskip("pydantic")

    class Settings(pydantic.BaseModel):
        threshold: float = 0.5

    def step(threshold: float) -> None:
        consist.log_meta(threshold_seen=threshold)

    result = tracker.run(fn=step, config=Settings(threshold=0.7))
    assert result.run.meta["threshold_seen"] == 0.7


def test_adapter_identity_is_folded_into_the_config_hash(tracker: Tracker) -> None:
    class Adapter:
        model_name = "toy"
        adapter_version = "1"

        def __init__(self, digest: str) -> None:
            self.digest = digest

        def config_identity(self, config) -> str:
            return self.digest

    first = tracker.run(fn=lambda: None, name="adapted", adapter=Adapter("v1"))
    same = tracker.run(fn=lambda: None, name="adapted", adapter=Adapter("v1"))
    changed = tracker.run(fn=lambda: None, name="adapted", adapter=Adapter("v2"))
    assert [first.cache_hit, same.cache_hit, changed.cache_hit] == [False, True, False]
    assert first.run.meta["config_adapter"] == "toy"
    with pytest.raises(TypeError, match="adapter must provide config_identity"):
        tracker.run(fn=lambda: None, name="adapted", adapter=object())


def test_consist_run_uses_the_current_tracker(tracker: Tracker) -> None:
    with pytest.raises(RuntimeError, match="No active Consist run found"):
        consist.run(fn=lambda: None, name="orphan")
    with consist.use_tracker(tracker):
        result = consist.run(fn=lambda: None, name="adopted")
    assert tracker.get_run(result.run.id).status == "completed"
    assert consist.find_runs(tracker=tracker, model="adopted")[0].id == result.run.id
    assert consist.find_latest_run(tracker=tracker, model="adopted").id == result.run.id


def test_loaded_binding_loads_only_what_the_function_takes(tracker: Tracker, workdir: Path) -> None:
    pd.DataFrame({"v": [1]}).to_parquet(workdir / "raw.parquet")
    (workdir / "not_really.parquet").write_bytes(b"garbage: loading it would fail")

    def uses_raw_only(raw) -> None:
        consist.log_meta(rows=len(raw))

    result = tracker.run(
        fn=uses_raw_only,
        inputs={"raw": workdir / "raw.parquet", "extra": workdir / "not_really.parquet"},
    )
    assert result.run.meta["rows"] == 1
    assert set(tracker.get_artifacts_for_run(result.run.id).inputs) == {"raw", "extra"}
