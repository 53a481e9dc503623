"""Option objects for ``Tracker.run`` and scenario steps.

``CacheOptions``, ``OutputPolicyOptions`` and ``ExecutionOptions`` are frozen
dataclasses with the fields, defaults and accepted values of Consist 0.3. Each
validates itself on construction, so a typo fails where it was written, with
the message text users of Consist 0.3 already match on::

    >>> CacheOptions(cache_mode="overwrite").cache_mode
    'overwrite'
    >>> CacheOptions(cache_hydration="none").cache_hydration  # synonym
    'metadata'

``None`` means "use the default"; the tracker resolves defaults that depend on
the call (for example hydration ``inputs-missing`` when inputs are bound).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, ConsistTypeError

__all__ = [
    "CACHE_HYDRATION_MODES",
    "CACHE_MODES",
    "CODE_IDENTITY_MODES",
    "CONTAINER_OPTION_KEYS",
    "HASHING_STRATEGIES",
    "HASH_ALGORITHMS",
    "CacheOptions",
    "ExecutionOptions",
    "OutputPolicyOptions",
    "check_code_identity_executor",
    "check_hashing_option",
    "validate_code_identity",
    "validate_extra_deps",
]

CACHE_MODES = ("reuse", "overwrite", "readonly")
CACHE_HYDRATION_MODES = ("metadata", "inputs-missing", "outputs-requested", "outputs-all")
# Accepted spellings that mean one of the modes above (the guide writes "none").
CACHE_HYDRATION_SYNONYMS = {"none": "metadata"}
CACHE_HYDRATION_FAILURE_MODES = ("warn", "miss")
VALIDATE_CACHED_OUTPUTS_MODES = ("eager", "lazy")
CODE_IDENTITY_MODES = ("repo_git", "callable_module", "callable_source")
OUTPUT_POLICY_MODES = ("warn", "error", "ignore")
EXECUTORS = ("python", "container")
INPUT_BINDING_MODES = ("loaded", "paths", "none")
CONTAINER_OPTION_KEYS = (
    "image",
    "command",
    "backend",
    "backend_type",
    "environment",
    "working_dir",
    "volumes",
    "pull_latest",
    "lineage_mode",
)
_SOURCE_ROOT_HYDRATION = ("outputs-requested", "outputs-all")
HASHING_STRATEGIES = ("full", "fast")
HASH_ALGORITHMS = ("blake3", "sha256")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(repr(v) for v in values)


def _one_of(name: str, value: Any, allowed: tuple[str, ...], *, fix: str | None = None) -> None:
    if value is not None and value not in allowed:
        raise ConfigError(
            f"{name} must be one of: {_quoted(allowed)}",
            cause=f"Received {name}={value!r}.",
            fix=fix or f"Pass one of {_quoted(allowed)}, or leave {name} unset for the default.",
        )


def check_hashing_option(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    """Refuse a ``hashing_strategy``/``hash_algorithm`` outside ``allowed`` (None included).

    Example:
        >>> check_hashing_option("hash_algorithm", "blake3", HASH_ALGORITHMS)
    """
    if value not in allowed:
        raise ConfigError(
            f"{name} must be one of: {_quoted(allowed)}",
            cause=f"Received {name}={value!r}.",
            fix=f"Pass Tracker(..., {name}={allowed[0]!r}) (the default) or {allowed[1]!r}.",
        )


def validate_code_identity(mode: str | None) -> None:
    """Reject an unknown code identity mode (``None`` means the default, ``repo_git``).

    Example:
        >>> validate_code_identity("callable_source")
    """
    if mode is not None and mode not in CODE_IDENTITY_MODES:
        raise ConfigError(
            "cache_options.code_identity must be one of 'repo_git', 'callable_module', "
            f"or 'callable_source'. Received {mode!r}.",
            cause="The code identity mode names how the code part of the signature is computed.",
            fix="Use CacheOptions(code_identity='repo_git') (the default), 'callable_module' "
            "or 'callable_source'.",
        )


def validate_extra_deps(extra_deps: Any) -> tuple[str, ...] | None:
    """Normalise ``code_identity_extra_deps`` to a tuple of project-relative path strings.

    Example:
        >>> validate_extra_deps(["conf/model.yaml"])
        ('conf/model.yaml',)
    """
    if extra_deps is None:
        return None
    if isinstance(extra_deps, (str, bytes, PathLike)) or not isinstance(extra_deps, (list, tuple)):
        raise ConsistTypeError(
            "code_identity_extra_deps must be a list of project-relative paths.",
            cause=f"Received {type(extra_deps).__name__}: {extra_deps!r}.",
            fix="Pass a list, for example code_identity_extra_deps=['conf/model.yaml'].",
        )
    deps = []
    for dep in extra_deps:
        if isinstance(dep, PathLike):
            dep = str(Path(dep))
        if not isinstance(dep, str) or not dep:
            raise ConsistTypeError(
                "code_identity_extra_deps must be a list of project-relative paths.",
                cause=f"Item {dep!r} is not a non-empty path string.",
                fix="Pass strings such as 'src/helpers.R', relative to the project root.",
            )
        deps.append(dep)
    return tuple(deps)


@dataclass(frozen=True, slots=True)
class CacheOptions:
    """How a step looks up, reuses and rehydrates cached results.

    Example:
        >>> opts = CacheOptions(cache_mode="reuse", cache_hydration="outputs-all")
        >>> opts.validate_cached_outputs is None  # tracker default: "lazy"
        True
    """

    cache_mode: str | None = None
    cache_hydration: str | None = None
    cache_hydration_failure: str = "warn"
    cache_version: int | None = None
    cache_epoch: int | None = None
    validate_cached_outputs: str | None = None
    validate_materialized_inputs: bool | None = None
    materialize_cached_outputs_source_root: str | PathLike[str] | None = None
    code_identity: str | None = None
    code_identity_extra_deps: tuple[str, ...] | list[str] | None = None

    def __post_init__(self) -> None:
        _one_of("cache_mode", self.cache_mode, CACHE_MODES)
        hydration = self.cache_hydration
        if isinstance(hydration, str):
            hydration = CACHE_HYDRATION_SYNONYMS.get(hydration, hydration)
        _one_of(
            "cache_hydration",
            hydration,
            CACHE_HYDRATION_MODES,
            fix="Use 'metadata' (the default, also spelled 'none'), 'inputs-missing', "
            "'outputs-requested' or 'outputs-all'.",
        )
        object.__setattr__(self, "cache_hydration", hydration)
        _one_of(
            "cache_hydration_failure", self.cache_hydration_failure, CACHE_HYDRATION_FAILURE_MODES
        )
        if self.cache_hydration_failure == "miss" and hydration != "outputs-requested":
            raise ConfigError(
                "cache_hydration_failure='miss' requires cache_hydration='outputs-requested'",
                cause=f"cache_hydration is {hydration!r}.",
                fix="Set cache_hydration='outputs-requested', or keep cache_hydration_failure='warn'.",
            )
        for name in ("cache_version", "cache_epoch"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigError(
                    f"{name} must be an int.",
                    cause=f"Received {name}={value!r}.",
                    fix=f"Pass an integer, for example {name}=2, to invalidate older cache entries.",
                )
        _one_of(
            "validate_cached_outputs", self.validate_cached_outputs, VALIDATE_CACHED_OUTPUTS_MODES
        )
        if self.validate_materialized_inputs and hydration not in (None, "inputs-missing"):
            raise ConfigError(
                "validate_materialized_inputs=True requires cache_hydration='inputs-missing'",
                cause=f"cache_hydration is {hydration!r}.",
                fix="Use cache_hydration='inputs-missing' or drop validate_materialized_inputs.",
            )
        root = self.materialize_cached_outputs_source_root
        if root is not None:
            if not isinstance(root, (str, PathLike)):
                raise ConsistTypeError(
                    "materialize_cached_outputs_source_root must be a path.",
                    cause=f"Received {type(root).__name__}.",
                    fix="Pass a pathlib.Path to the archive or mirror root.",
                )
            if hydration not in _SOURCE_ROOT_HYDRATION:
                raise ConfigError(
                    "materialize_cached_outputs_source_root requires "
                    "cache_hydration='outputs-requested' or 'outputs-all'.",
                    cause=f"cache_hydration is {hydration!r}, which copies no cached outputs.",
                    fix="Add cache_hydration='outputs-all' (or 'outputs-requested' with output_paths).",
                )
            object.__setattr__(self, "materialize_cached_outputs_source_root", Path(root))
        validate_code_identity(self.code_identity)
        object.__setattr__(
            self, "code_identity_extra_deps", validate_extra_deps(self.code_identity_extra_deps)
        )

    def resolved_hydration(self, *, inputs_bound: bool) -> str:
        """Hydration with the default filled in: ``inputs-missing`` when inputs are bound.

        Example:
            >>> CacheOptions().resolved_hydration(inputs_bound=True)
            'inputs-missing'
        """
        if self.cache_hydration is not None:
            return self.cache_hydration
        resolved = "inputs-missing" if inputs_bound else "metadata"
        if self.validate_materialized_inputs and resolved != "inputs-missing":
            raise ConfigError(
                "validate_materialized_inputs=True requires cache_hydration='inputs-missing'",
                cause="No inputs are bound, so hydration defaults to 'metadata'.",
                fix="Set cache_hydration='inputs-missing' explicitly.",
            )
        return resolved


@dataclass(frozen=True, slots=True)
class OutputPolicyOptions:
    """What to do when a step's outputs do not match what it declared.

    Example:
        >>> OutputPolicyOptions(output_missing="error").output_missing
        'error'
    """

    output_mismatch: str | None = None
    output_missing: str | None = None

    def __post_init__(self) -> None:
        _one_of("output_mismatch", self.output_mismatch, OUTPUT_POLICY_MODES)
        _one_of("output_missing", self.output_missing, OUTPUT_POLICY_MODES)


def _container_spec(container: Any) -> dict[str, Any]:
    if not isinstance(container, Mapping):
        raise ConsistTypeError(
            "container spec must be a mapping.",
            cause=f"Received {type(container).__name__}.",
            fix="Pass container={'image': 'python:3.12-slim', 'command': ['python', 'job.py']}.",
        )
    unknown = sorted(str(k) for k in container if k not in CONTAINER_OPTION_KEYS)
    if unknown:
        raise ConfigError(
            f"Unknown container options were provided: {unknown}",
            cause=f"Supported keys are {_quoted(CONTAINER_OPTION_KEYS)}.",
            fix="Remove or rename the unknown keys.",
        )
    if not container.get("image") or not container.get("command"):
        raise ConfigError(
            "container spec must include image and command.",
            cause=f"Received keys {sorted(container)}.",
            fix="Pass container={'image': ..., 'command': [...]}.",
        )
    return dict(container)


@dataclass(frozen=True, slots=True)
class ExecutionOptions:
    """How a step runs: executor, container spec, input binding and runtime kwargs.

    Example:
        >>> ExecutionOptions(load_inputs=False).resolved_input_binding(inputs_is_mapping=True)
        'none'
    """

    load_inputs: bool | None = None
    input_binding: str | None = None
    input_paths: Mapping[str, str | PathLike[str]] | None = None
    input_materialization: str | None = None
    input_materialization_mode: str | None = None
    requested_input_artifact_ids: Mapping[str, str] | None = None
    executor: str | None = None
    container: Mapping[str, Any] | None = None
    runtime_kwargs: Mapping[str, Any] | None = None
    inject_context: bool | str | None = None

    def __post_init__(self) -> None:
        if self.executor is not None and self.executor not in EXECUTORS:
            raise ConfigError(
                "Tracker.run supports executor='python' or 'container'.",
                cause=f"Received executor={self.executor!r}, which is outside the supported "
                "run backends.",
                fix="Use ExecutionOptions(executor='python') for callables or "
                "ExecutionOptions(executor='container', container={...}).",
            )
        if self.executor == "container" and self.container is None:
            raise ConfigError(
                "executor='container' requires a container spec.",
                cause="No container mapping was given.",
                fix="Pass ExecutionOptions(executor='container', container={'image': ..., "
                "'command': [...]}).",
            )
        if self.container is not None:
            object.__setattr__(self, "container", _container_spec(self.container))
        if self.load_inputs is not None and self.input_binding is not None:
            raise ConfigError(
                "load_inputs cannot be combined with input_binding.",
                cause="load_inputs is the legacy spelling of input_binding.",
                fix="Use only input_binding ('loaded', 'paths' or 'none').",
            )
        if self.load_inputs is not None and not isinstance(self.load_inputs, bool):
            raise ConsistTypeError(
                "load_inputs must be True or False.",
                cause=f"Received load_inputs={self.load_inputs!r}.",
                fix="Prefer input_binding='loaded' or 'none'.",
            )
        _one_of("input_binding", self.input_binding, INPUT_BINDING_MODES)
        _one_of("input_materialization", self.input_materialization, ("requested",))
        _one_of("input_materialization_mode", self.input_materialization_mode, ("copy",))
        if self.input_materialization == "requested" and not self.input_paths:
            raise ConfigError(
                "input_materialization='requested' requires input_paths.",
                cause="Requested input staging needs a destination for each staged input.",
                fix="Pass input_paths={'input_key': Path('local/copy.parquet')}.",
            )
        for name in ("input_paths", "requested_input_artifact_ids", "runtime_kwargs"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise ConsistTypeError(
                    f"{name} must be a mapping.",
                    cause=f"Received {type(value).__name__}.",
                    fix=f"Pass {name} as a dict keyed by name.",
                )
            # A private copy: later edits to the caller's dict cannot change a frozen option.
            object.__setattr__(self, name, dict(value))
        ctx = self.inject_context
        if ctx is not None and not isinstance(ctx, (bool, str)):
            raise ConsistTypeError(
                "inject_context must be True, False or a parameter name.",
                cause=f"Received {type(ctx).__name__}.",
                fix="Use inject_context=True (parameter '_consist_ctx') or a parameter name.",
            )

    def resolved_input_binding(self, *, inputs_is_mapping: bool) -> str:
        """Input binding with legacy ``load_inputs`` and the default applied.

        Example:
            >>> ExecutionOptions().resolved_input_binding(inputs_is_mapping=False)
            'none'
        """
        if self.input_binding is not None:
            return self.input_binding
        if self.load_inputs is not None:
            return "loaded" if self.load_inputs else "none"
        return "loaded" if inputs_is_mapping else "none"


def check_code_identity_executor(
    cache_options: CacheOptions | None, execution_options: ExecutionOptions | None
) -> None:
    """Reject callable code identity modes combined with container execution.

    Example:
        >>> check_code_identity_executor(CacheOptions(code_identity="callable_source"), None)
    """
    mode = cache_options.code_identity if cache_options else None
    executor = (execution_options.executor if execution_options else None) or "python"
    if mode in ("callable_module", "callable_source") and executor != "python":
        raise ConfigError(
            "cache_options.code_identity callable modes require executor='python'.",
            cause="Callable code identity needs a Python callable and cannot be computed for "
            "container execution.",
            fix="Use executor='python' for callable_module/callable_source, or switch "
            "code_identity to 'repo_git' for container runs.",
        )
