"""define_step defaults (tracker.run, sc.run, consist.run) and no-op scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

import consist
from consist import CacheOptions, ExecutionOptions


@consist.define_step(
    outputs=["cleaned"],
    cache_version=3,
    input_binding="paths",
    tags=["cleaning"],
    description=lambda ctx: f"clean for {ctx.get('year')}",
    name_template="clean_{year}",
)
def clean(raw: Path, year: int) -> dict[str, Path]:
    out = consist.output_path("cleaned", "csv")
    out.write_text(raw.read_text().strip() + f",{year}\n")
    return {"cleaned": out}


@pytest.fixture
def raw(workdir: Path) -> Path:
    path = workdir / "raw.csv"
    path.write_text("r")
    return path


def test_definition_values_are_defaults_and_call_arguments_win(tracker, raw) -> None:
    first = tracker.run(clean, inputs={"raw": raw}, config={"year": 2030})
    assert first.run.model_name == "clean_2030" and first.run.tags == ["cleaning"]
    assert first.run.description == "clean for 2030"
    assert first.run.meta["cache_version"] == 3
    assert first.outputs["cleaned"].path.read_text() == "r,2030\n"
    mine = tracker.run(
        clean,
        name="custom",
        inputs={"raw": raw},
        config={"year": 2031},
        description="mine",
        cache_options=CacheOptions(cache_mode="overwrite"),
    )
    assert mine.run.model_name == "custom" and mine.run.description == "mine"
    assert mine.run.meta["cache_version"] == 3 and mine.run.meta["cache_mode"] == "overwrite"
    with consist.use_tracker(tracker):
        again = consist.run(fn=clean, inputs={"raw": raw}, config={"year": 2030})
    assert again.cache_hit


def test_definitions_apply_inside_scenarios(tracker, raw) -> None:
    with tracker.scenario("defined") as sc:
        result = sc.run(clean, inputs={"raw": raw}, config={"year": 2040})
    assert result.run.model_name == "clean_2040" and result.run.parent_run_id == "defined"
    assert sc.coupler.path("cleaned").read_text() == "r,2040\n"


def test_removed_keywords_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'config_plan'"):
        consist.define_step(config_plan=object())
    with pytest.raises(TypeError, match="unexpected keyword argument 'hash_inputs'"):
        consist.define_step(outputs=["x"], hash_inputs=["a"])
    with pytest.raises(
        TypeError, match="unexpected keyword arguments 'config_plan', 'hash_inputs'"
    ):
        consist.define_step(hash_inputs=["a"], config_plan=object())


def test_noop_scenario_runs_the_code_and_records_nothing(tracker, raw, workdir) -> None:
    with consist.noop_scenario("dry") as sc:
        first = sc.run(clean, inputs={"raw": raw}, config={"year": 1})
        second = sc.run(fn=lambda cleaned: {"copy": cleaned}, inputs={"cleaned": "cleaned"})
        with sc.trace("block") as t:
            logged = t.log_output(workdir / "raw.csv", key="raw_again")
            assert not t.is_cached and consist.current_tracker() is t
        sc.declare_outputs("cleaned", required=True)
    assert first.outputs["cleaned"].path == workdir / "outputs" / "clean" / "cleaned.csv"
    assert first.outputs["cleaned"].path.read_text() == "r,1\n"
    assert second.outputs["copy"].path == first.outputs["cleaned"].path
    assert logged.container_uri == (workdir / "raw.csv").as_posix() and first.run is None
    assert tracker.find_runs() == []
    assert isinstance(sc.coupler, consist.Coupler)


def test_execution_option_defaults_merge(tracker, raw) -> None:
    options = ExecutionOptions(runtime_kwargs={"year": 2050})
    result = tracker.run(clean, inputs={"raw": raw}, execution_options=options)
    assert result.outputs["cleaned"].path.read_text() == "r,2050\n"  # paths binding kept
