"""Every run validation error the troubleshooting guide lists: text, type, structure.

Each rejected call must leave nothing behind: no run row, no snapshot.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import consist
from consist import CacheOptions, ExecutionOptions
from consist.errors import ConsistError
from consist.tracker import Tracker

CONTAINER = {"image": "busybox:latest", "command": ["true"]}


def step(data=None) -> None:
    return None


@pytest.fixture
def data(workdir: Path) -> Path:
    path = workdir / "data.csv"
    path.write_text("a\n1\n")
    return path


def assert_structured(error: BaseException, problem: str) -> None:
    assert isinstance(error, ConsistError)
    text = str(error)
    assert text.startswith(f"Problem: {problem}")
    assert "\nCause: " in text and "\nFix: " in text


def assert_nothing_recorded(tracker: Tracker) -> None:
    assert tracker.find_runs(limit=None) == []
    assert not (tracker.run_dir / "consist_runs").exists()


@pytest.mark.parametrize("name", ["hash_inputs", "config_plan"])
@pytest.mark.parametrize("surface", ["tracker.run", "consist.run"])
def test_removed_keywords_are_type_errors(
    tracker: Tracker, data: Path, name: str, surface: str
) -> None:
    run = tracker.run if surface == "tracker.run" else consist.run
    extra = {} if surface == "tracker.run" else {"tracker": tracker}
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'") as info:
        run(fn=step, inputs={"data": data}, **extra, **{name: [data]})
    assert_structured(info.value, f"unexpected keyword argument '{name}'")
    assert "identity_inputs" in str(info.value) or "adapter" in str(info.value)
    assert_nothing_recorded(tracker)


def test_several_unexpected_keywords_are_listed(tracker: Tracker) -> None:
    with pytest.raises(
        TypeError, match="unexpected keyword arguments 'config_plan', 'hash_inputs'"
    ):
        tracker.run(fn=step, hash_inputs=[], config_plan=None)


def test_identity_inputs_must_be_a_list(tracker: Tracker, data: Path) -> None:
    with pytest.raises(
        ValueError, match=re.escape("identity_inputs/hash_inputs must be a list of paths.")
    ) as e:
        tracker.run(fn=step, identity_inputs=data)
    assert_structured(e.value, "identity_inputs/hash_inputs must be a list of paths.")
    assert_nothing_recorded(tracker)


def test_identity_inputs_must_exist(tracker: Tracker, workdir: Path) -> None:
    with pytest.raises(ValueError, match="Failed to compute identity input digests") as e:
        tracker.run(fn=step, identity_inputs=[workdir / "missing.yaml"])
    assert_structured(e.value, "Failed to compute identity input digests")
    assert_nothing_recorded(tracker)


def test_load_inputs_requires_a_dict(tracker: Tracker, data: Path) -> None:
    with pytest.raises(ValueError, match=r"load_inputs=True requires inputs to be a dict\.") as e:
        tracker.run(fn=step, inputs=[data], execution_options=ExecutionOptions(load_inputs=True))
    assert_structured(e.value, "load_inputs=True requires inputs to be a dict.")
    assert "load_inputs=False" in str(e.value)
    assert_nothing_recorded(tracker)


@pytest.mark.parametrize("mode", ["paths", "loaded"])
def test_input_binding_requires_a_dict(tracker: Tracker, data: Path, mode: str) -> None:
    problem = f"input_binding='{mode}' requires inputs to be a dict."
    with pytest.raises(ValueError, match=r"input_binding=.* requires inputs to be a dict") as e:
        tracker.run(fn=step, inputs=[data], execution_options=ExecutionOptions(input_binding=mode))
    assert_structured(e.value, problem)
    assert "input_binding='none'" in str(e.value)
    assert_nothing_recorded(tracker)


def test_list_inputs_without_binding_are_fine(tracker: Tracker, data: Path) -> None:
    result = tracker.run(fn=step, inputs=[data])
    assert list(result.run.meta["identity"]["inputs"]) == ["data"]


def test_outputs_requested_requires_output_paths(tracker: Tracker) -> None:
    problem = "cache_hydration='outputs-requested' requires output_paths."
    with pytest.raises(ValueError, match=problem.replace("(", r"\(")) as e:
        tracker.run(fn=step, cache_options=CacheOptions(cache_hydration="outputs-requested"))
    assert_structured(e.value, problem)
    assert_nothing_recorded(tracker)


def test_unknown_executor(tracker: Tracker) -> None:
    with pytest.raises(
        ValueError, match=re.escape("Tracker.run supports executor='python' or 'container'.")
    ) as e:
        tracker.run(fn=step, execution_options=ExecutionOptions(executor="slurm"))
    assert_structured(e.value, "Tracker.run supports executor='python' or 'container'.")
    assert_nothing_recorded(tracker)


def test_callable_code_identity_requires_python(tracker: Tracker, workdir: Path) -> None:
    problem = "cache_options.code_identity callable modes require executor='python'."
    with pytest.raises(ValueError, match=problem) as e:
        tracker.run(
            name="containerised",
            output_paths={"out": workdir / "out.txt"},
            cache_options=CacheOptions(code_identity="callable_source"),
            execution_options=ExecutionOptions(executor="container", container=CONTAINER),
        )
    assert_structured(e.value, problem)
    assert_nothing_recorded(tracker)


def test_container_requires_output_paths(tracker: Tracker) -> None:
    with pytest.raises(
        ValueError, match=re.escape("executor='container' requires output_paths.")
    ) as e:
        tracker.run(
            name="containerised",
            execution_options=ExecutionOptions(executor="container", container=CONTAINER),
        )
    assert_structured(e.value, "executor='container' requires output_paths.")
    assert_nothing_recorded(tracker)


def test_python_executor_requires_a_callable(tracker: Tracker) -> None:
    with pytest.raises(ValueError, match=re.escape("Tracker.run requires a callable fn.")):
        tracker.run(name="nothing")
    assert_nothing_recorded(tracker)


def test_unbindable_parameters_fail_before_recording(tracker: Tracker, data: Path) -> None:
    def needs_two(data, other):
        return None

    with pytest.raises(
        TypeError, match=re.escape("Tracker.run could not bind arguments for 'needs_two'")
    ):
        tracker.run(fn=needs_two, inputs={"data": data})
    assert_nothing_recorded(tracker)


def test_legacy_policy_kwargs_on_consist_run(tracker: Tracker) -> None:
    with pytest.raises(
        TypeError, match=re.escape("consist.run no longer accepts legacy policy kwarg: ")
    ):
        consist.run(fn=step, tracker=tracker, cache_mode="overwrite")
    with pytest.raises(TypeError, match=r"legacy policy kwargs: `cache_mode`, `executor`"):
        consist.run(fn=step, tracker=tracker, cache_mode="overwrite", executor="python")
    assert_nothing_recorded(tracker)
