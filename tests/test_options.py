"""Option objects: fields, defaults, synonyms, and the validation texts users match on."""

from __future__ import annotations

import dataclasses
import pickle
import re
from pathlib import Path

import pytest

from consist.errors import ConfigError, ConsistTypeError
from consist.options import (
    CacheOptions,
    ExecutionOptions,
    OutputPolicyOptions,
    check_code_identity_executor,
)


def test_defaults_match_consist_03() -> None:
    opts = CacheOptions()
    assert (opts.cache_mode, opts.cache_hydration, opts.cache_hydration_failure) == (
        None,
        None,
        "warn",
    )
    assert opts.validate_cached_outputs is None and opts.code_identity is None
    assert OutputPolicyOptions() == OutputPolicyOptions(None, None)
    execution = ExecutionOptions()
    assert execution.executor is None and execution.container is None


def test_options_are_frozen_slotted_and_picklable() -> None:
    opts = CacheOptions(cache_mode="overwrite", code_identity_extra_deps=["a.yaml"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.cache_mode = "reuse"  # type: ignore[misc]
    assert not hasattr(opts, "__dict__")
    assert opts.code_identity_extra_deps == ("a.yaml",)
    assert pickle.loads(pickle.dumps(opts)) == opts
    assert dataclasses.replace(opts, cache_mode="readonly").cache_mode == "readonly"


@pytest.mark.parametrize("mode", ["reuse", "overwrite", "readonly"])
def test_cache_modes(mode: str) -> None:
    assert CacheOptions(cache_mode=mode).cache_mode == mode


def test_unknown_cache_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="cache_mode must be one of: 'reuse', 'overwrite'"):
        CacheOptions(cache_mode="resue")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("metadata", "metadata"),
        ("none", "metadata"),
        ("inputs-missing", "inputs-missing"),
        ("outputs-requested", "outputs-requested"),
        ("outputs-all", "outputs-all"),
    ],
)
def test_cache_hydration_values_and_none_synonym(given: str, stored: str) -> None:
    assert CacheOptions(cache_hydration=given).cache_hydration == stored


def test_bad_hydration_uses_the_03_message() -> None:
    expected = (
        "cache_hydration must be one of: 'metadata', 'inputs-missing', "
        "'outputs-requested', 'outputs-all'"
    )
    with pytest.raises(ValueError, match=re.escape(expected)) as info:
        CacheOptions(cache_hydration="everything")
    assert isinstance(info.value, ConfigError) and info.value.problem == expected


def test_resolved_hydration_defaults() -> None:
    assert CacheOptions().resolved_hydration(inputs_bound=False) == "metadata"
    assert CacheOptions().resolved_hydration(inputs_bound=True) == "inputs-missing"
    assert CacheOptions(cache_hydration="none").resolved_hydration(inputs_bound=True) == "metadata"
    with pytest.raises(ConfigError, match="validate_materialized_inputs=True requires"):
        CacheOptions(validate_materialized_inputs=True).resolved_hydration(inputs_bound=False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"cache_hydration_failure": "fail"},
            "cache_hydration_failure must be one of: 'warn', 'miss'",
        ),
        (
            {"cache_hydration_failure": "miss", "cache_hydration": "outputs-all"},
            "cache_hydration_failure='miss' requires cache_hydration='outputs-requested'",
        ),
        (
            {"validate_cached_outputs": "strict"},
            "validate_cached_outputs must be one of: 'eager', 'lazy'",
        ),
        (
            {"validate_materialized_inputs": True, "cache_hydration": "metadata"},
            "validate_materialized_inputs=True requires cache_hydration='inputs-missing'",
        ),
        ({"cache_version": "2"}, "cache_version must be an int."),
        ({"cache_epoch": True}, "cache_epoch must be an int."),
        (
            {"materialize_cached_outputs_source_root": "/archive"},
            "materialize_cached_outputs_source_root requires cache_hydration='outputs-requested' or 'outputs-all'.",
        ),
        (
            {"code_identity": "git"},
            "cache_options.code_identity must be one of 'repo_git', 'callable_module', or "
            "'callable_source'. Received 'git'.",
        ),
    ],
)
def test_cache_option_validation_messages(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        CacheOptions(**kwargs)  # type: ignore[arg-type]
    assert info.value.problem == message
    assert str(info.value).startswith(f"Problem: {message}\nCause: ")
    assert "\nFix: " in str(info.value)


def test_accepted_cache_option_combinations() -> None:
    opts = CacheOptions(
        cache_hydration="outputs-all",
        materialize_cached_outputs_source_root="/archive/mirror",
        cache_version=3,
        cache_epoch=2,
        validate_cached_outputs="eager",
    )
    assert opts.materialize_cached_outputs_source_root == Path("/archive/mirror")
    assert (
        CacheOptions(
            cache_hydration="outputs-requested", cache_hydration_failure="miss"
        ).cache_hydration_failure
        == "miss"
    )
    assert CacheOptions(validate_materialized_inputs=True).validate_materialized_inputs


def test_extra_deps_must_be_a_list_of_paths() -> None:
    with pytest.raises(TypeError, match="list of project-relative paths"):
        CacheOptions(code_identity_extra_deps="conf.yaml")  # type: ignore[arg-type]
    with pytest.raises(ConsistTypeError):
        CacheOptions(code_identity_extra_deps=[1])  # type: ignore[list-item]
    assert CacheOptions(code_identity_extra_deps=[Path("a/b.R")]).code_identity_extra_deps == (
        "a/b.R",
    )


@pytest.mark.parametrize("field", ["output_mismatch", "output_missing"])
def test_output_policy_values(field: str) -> None:
    for value in ("warn", "error", "ignore"):
        assert getattr(OutputPolicyOptions(**{field: value}), field) == value
    with pytest.raises(ConfigError, match=f"{field} must be one of: 'warn', 'error', 'ignore'"):
        OutputPolicyOptions(**{field: "raise"})


def test_unsupported_executor_uses_the_guide_text() -> None:
    with pytest.raises(
        ValueError, match=re.escape("Tracker.run supports executor='python' or 'container'.")
    ) as info:
        ExecutionOptions(executor="docker")
    assert info.value.problem == "Tracker.run supports executor='python' or 'container'."
    assert "executor='docker'" in (info.value.cause or "")


def test_container_spec_validation() -> None:
    with pytest.raises(
        ConfigError, match=re.escape("executor='container' requires a container spec.")
    ):
        ExecutionOptions(executor="container")
    with pytest.raises(
        ConfigError, match=re.escape("Unknown container options were provided: ['gpu']")
    ):
        ExecutionOptions(executor="container", container={"image": "x", "command": ["y"], "gpu": 1})
    with pytest.raises(
        ConfigError, match=re.escape("container spec must include image and command.")
    ):
        ExecutionOptions(executor="container", container={"image": "x"})
    spec = {"image": "python:3.12", "command": ["python", "-V"], "environment": {"A": "1"}}
    opts = ExecutionOptions(executor="container", container=spec)
    spec["image"] = "changed"
    assert opts.container is not None and opts.container["image"] == "python:3.12"


def test_input_binding_and_legacy_load_inputs() -> None:
    assert ExecutionOptions().resolved_input_binding(inputs_is_mapping=True) == "loaded"
    assert ExecutionOptions().resolved_input_binding(inputs_is_mapping=False) == "none"
    assert ExecutionOptions(load_inputs=True).resolved_input_binding(inputs_is_mapping=False) == (
        "loaded"
    )
    assert ExecutionOptions(input_binding="paths").resolved_input_binding(
        inputs_is_mapping=True
    ) == ("paths")
    with pytest.raises(ConfigError, match="load_inputs cannot be combined with input_binding"):
        ExecutionOptions(load_inputs=True, input_binding="loaded")
    with pytest.raises(
        ConfigError, match="input_binding must be one of: 'loaded', 'paths', 'none'"
    ):
        ExecutionOptions(input_binding="lazy")


def test_input_materialization_rules() -> None:
    with pytest.raises(ConfigError, match="input_materialization='requested' requires input_paths"):
        ExecutionOptions(input_materialization="requested")
    with pytest.raises(ConfigError, match="input_materialization_mode must be one of: 'copy'"):
        ExecutionOptions(input_materialization_mode="link")
    opts = ExecutionOptions(
        input_materialization="requested", input_materialization_mode="copy", input_paths={"a": "x"}
    )
    assert opts.input_paths == {"a": "x"}


def test_runtime_kwargs_and_inject_context() -> None:
    kwargs = {"n_workers": 4}
    opts = ExecutionOptions(runtime_kwargs=kwargs, inject_context="ctx")
    kwargs["n_workers"] = 8
    assert opts.runtime_kwargs == {"n_workers": 4} and opts.inject_context == "ctx"
    with pytest.raises(TypeError, match="runtime_kwargs must be a mapping"):
        ExecutionOptions(runtime_kwargs=[("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="inject_context must be"):
        ExecutionOptions(inject_context=1)  # type: ignore[arg-type]


def test_callable_code_identity_requires_python_executor() -> None:
    container = ExecutionOptions(executor="container", container={"image": "i", "command": "c"})
    with pytest.raises(
        ValueError,
        match=re.escape("cache_options.code_identity callable modes require executor='python'."),
    ):
        check_code_identity_executor(CacheOptions(code_identity="callable_module"), container)
    check_code_identity_executor(CacheOptions(code_identity="repo_git"), container)
    check_code_identity_executor(CacheOptions(code_identity="callable_source"), None)
