"""Scenario contexts: inputs by Coupler key, failures, declared outputs, traced steps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import consist
from consist import CacheOptions, ExecutionOptions
from consist.errors import ConfigError, ConsistRuntimeError

PATHS = ExecutionOptions(input_binding="paths")


def copy_upper(src: Path) -> dict[str, Path]:
    out = consist.output_path("upper", "txt")
    out.write_text(src.read_text().upper())
    return {"upper": out}


def fail(src: Path) -> None:
    raise RuntimeError("model crashed")


@pytest.fixture
def raw(workdir: Path) -> Path:
    path = workdir / "raw.txt"
    path.write_text("abc")
    return path


def test_string_inputs_resolve_to_coupler_keys_then_paths(tracker, raw, workdir) -> None:
    with tracker.scenario("keys") as sc:
        first = sc.run(
            fn=copy_upper, inputs={"src": "raw.txt"}, outputs=["upper"], execution_options=PATHS
        )  # an existing path (relative to the cwd)
        assert sc.coupler["upper"].id == first.outputs["upper"].id
        second = sc.run(
            fn=copy_upper,
            name="again",
            inputs={"src": "upper"},
            outputs=["upper"],
            execution_options=PATHS,
        )  # a Coupler key
        assert second.outputs["upper"].path.read_text() == "ABC"
        assert sc.coupler.path("upper") == second.outputs["upper"].path
        with pytest.raises(
            ConfigError,
            match=r"Scenario input string did not resolve: "
            r"'nonexistent_key' \(checked path: ",
        ):
            sc.run(fn=copy_upper, inputs={"src": "nonexistent_key"}, execution_options=PATHS)
        with pytest.raises(ValueError, match="Scenario input path does not exist"):
            sc.run(fn=copy_upper, inputs={"src": workdir / "nope.txt"}, execution_options=PATHS)
        pulled = sc.run(
            fn=copy_upper,
            name="pulled",
            input_keys=["upper"],
            inputs={"src": raw},
            outputs=["upper"],
            execution_options=PATHS,
        )
    inputs = tracker.get_artifacts_for_run(pulled.run.id).inputs
    assert sorted(inputs) == ["src", "upper"]


def test_a_failing_step_fails_the_scenario_and_names_the_step(tracker, raw) -> None:
    with pytest.raises(RuntimeError, match="model crashed"):
        with tracker.scenario("broken") as sc:
            sc.run(fn=copy_upper, inputs={"src": raw}, outputs=["upper"], execution_options=PATHS)
            sc.run(fn=fail, name="boom", inputs={"src": "upper"}, execution_options=PATHS)
    header = tracker.get_run("broken")
    assert header.status == "failed"
    assert header.meta["failed_step"] == "boom" and "model crashed" in header.meta["failed_with"]
    assert [s["status"] for s in header.meta["steps"]] == ["completed", "failed"]
    assert tracker.current_run is None and consist.current_run() is None


def test_required_outputs_are_checked_at_the_end(tracker, raw) -> None:
    with pytest.raises(
        ConsistRuntimeError, match=re.escape("Scenario missing declared outputs: b, c.")
    ):
        with tracker.scenario("promises", require_outputs=["upper", "b"]) as sc:
            sc.declare_outputs("c", required=True)
            sc.declare_outputs("optional_thing")
            sc.run(fn=copy_upper, inputs={"src": raw}, outputs=["upper"], execution_options=PATHS)
    header = tracker.get_run("promises")
    assert header.status == "failed" and header.meta["missing_outputs"] == ["b", "c"]


def test_scenarios_do_not_nest_and_steps_cannot_open_inside_runs(tracker) -> None:
    with tracker.scenario("outer"):
        with pytest.raises(ConsistRuntimeError, match="Nested scenarios are not supported"):
            with tracker.scenario("inner"):
                pass
    with tracker.start_run("plain", model="m"):
        with pytest.raises(ConsistRuntimeError, match="another run or scenario is active"):
            with tracker.scenario("during_run"):
                pass
    assert tracker.get_run("outer").status == "completed"


def test_traced_steps_header_inputs_tags_and_facets(tracker, raw, workdir) -> None:
    with consist.scenario(
        "traced",
        tracker=tracker,
        step_tags=["calib"],
        step_facet={"region": "bay"},
        config={"year": 2030},
        tags=["study"],
    ) as sc:
        assert sc.config["year"] == 2030
        with pytest.raises(TypeError):
            sc.config["year"] = 1  # read-only
        land_use = sc.add_input(raw, key="land_use")
        assert sc.inputs["land_use"].id == land_use.id and "land_use" in sc.coupler
        with sc.trace("tally", inputs={"lu": "land_use"}, facet={"k": 1}) as t:
            assert consist.current_run().parent_run_id == "traced"
            out = t.output_path("tally", "txt")
            out.write_text("3")
            t.log_output(out, key="tally")
        with sc.step("again", inputs={"tally": "tally"}) as t:
            t.log_meta(note="block form")
        assert consist.current_tracker() is tracker  # the scenario's tracker is the default
    step = tracker.find_latest_run(model="tally")
    assert set(step.tags) == {"calib"} and step.parent_run_id == "traced"
    facet = {row["key"]: row["value"] for row in tracker.metadata_store.get_run_config_kv(step.id)}
    assert facet == {"region": "bay", "k": 1}
    header = tracker.get_run("traced")
    assert set(header.tags) == {"study", "scenario_header"}
    assert [s["model"] for s in header.meta["steps"]] == ["tally", "again"]
    assert tracker.get_run(header.meta["steps"][1]["id"]).meta["note"] == "block form"
    assert "land_use" in tracker.get_artifacts_for_run("traced").inputs


def test_step_cache_hydration_and_name_template(tracker, raw) -> None:
    for _ in range(2):
        with tracker.scenario(
            "hydrated",
            step_cache_hydration="outputs-all",
            name_template="{scenario}-{name}-y{year}",
        ) as sc:
            result = sc.run(
                fn=copy_upper,
                inputs={"src": raw},
                outputs=["upper"],
                year=2030,
                execution_options=PATHS,
            )
    assert result.cache_hit and result.run.id.startswith("hydrated-copy_upper-y2030_")
    assert result.outputs["upper"].path.parent == tracker.run_artifact_dir(result.run)
    assert result.outputs["upper"].path.read_text() == "ABC"


def test_guide_errors_on_step_surfaces(tracker, raw) -> None:
    with tracker.scenario("errors") as sc:
        with pytest.raises(TypeError, match="unexpected keyword argument 'hash_inputs'"):
            sc.run(fn=copy_upper, inputs={"src": raw}, hash_inputs=[raw])
        with pytest.raises(TypeError, match="unexpected keyword argument 'config_plan'"):
            with sc.trace("t", config_plan=object()):
                pass
        with pytest.raises(TypeError, match="legacy policy"):
            consist.run(fn=copy_upper, inputs={"src": raw}, cache_mode="overwrite")
    # Scenario headers still accept the legacy hash_inputs (they route through begin_run).
    with tracker.scenario("legacy_header", hash_inputs=[raw]):
        pass
    assert tracker.get_run("legacy_header").meta["consist_hash_inputs"]


def test_single_step_and_disabled_scenarios(tracker, raw) -> None:
    with consist.single_step_scenario("one_shot", tracker=tracker) as sc:
        out = tracker.output_path("x", "txt")
        out.write_text("x")
        tracker.log_output(out, key="x")
    assert sc.run_id == "one_shot"
    step = tracker.find_latest_run(model="one_shot", parent_id="one_shot")
    assert sorted(tracker.get_run_outputs(step.id)) == ["x"]
    with consist.scenario("off", tracker=tracker, enabled=False) as noop:
        result = noop.run(fn=copy_upper, inputs={"src": raw}, outputs=["upper"])
    assert isinstance(noop, consist.NoopScenarioContext)
    assert result.outputs["upper"].path.read_text() == "ABC" and not result.cache_hit
    assert tracker.get_run("off") is None


def test_the_scenario_cache_options_merge_with_the_step_ones(tracker, raw) -> None:
    with tracker.scenario("merge", cache_epoch=7) as sc:
        result = sc.run(
            fn=copy_upper,
            inputs={"src": raw},
            outputs=["upper"],
            execution_options=PATHS,
            cache_options=CacheOptions(cache_mode="overwrite"),
        )
    assert result.run.meta["cache_epoch"] == 7 and result.run.meta["cache_mode"] == "overwrite"
