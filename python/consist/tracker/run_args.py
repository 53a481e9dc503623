"""Validation of ``tracker.run`` / ``consist.run`` arguments, before anything runs.

Every message the troubleshooting guide lists for run/trace is raised here
with that exact text as the problem line. Nothing is recorded until these
checks pass, so a rejected call leaves no trace in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from consist.errors import ConfigError, ConsistTypeError

__all__ = [
    "LEGACY_POLICY_KWARGS",
    "check_legacy_policy_kwargs",
    "check_run_arguments",
    "reject_unexpected_kwargs",
    "resolve_input_binding",
]

# Keywords that used to be accepted and the guide explains.
_REMOVED_KWARGS = {
    "hash_inputs": (
        "hash_inputs is no longer accepted on run(...), trace(...), and step-level "
        "scenario.run(...) / scenario.trace(...) surfaces.",
        "On those surfaces, use identity_inputs=[...]. Scenario header contexts still route "
        "through begin_run(...), where hash_inputs remains a legacy low-level option.",
    ),
    "config_plan": (
        "config_plan is no longer accepted on run(...), trace(...), and step-level "
        "scenario.run(...) / scenario.trace(...) surfaces.",
        "On those surfaces, pass adapter=... (and optional identity_inputs=[...]) instead.",
    ),
}

# consist.run(cache_mode=...) and friends: the option object each one moved to.
LEGACY_POLICY_KWARGS = {
    **dict.fromkeys(
        (
            "cache_mode",
            "cache_hydration",
            "cache_version",
            "cache_epoch",
            "validate_cached_outputs",
        ),
        "cache_options=CacheOptions",
    ),
    **dict.fromkeys(("output_mismatch", "output_missing"), "output_policy=OutputPolicyOptions"),
    **dict.fromkeys(
        (
            "load_inputs",
            "executor",
            "container",
            "input_binding",
            "input_paths",
            "input_materialization",
            "input_materialization_mode",
            "runtime_kwargs",
            "inject_context",
        ),
        "execution_options=ExecutionOptions",
    ),
}


def reject_unexpected_kwargs(kwargs: Mapping[str, Any], *, surface: str = "run") -> None:
    """Raise ``TypeError("unexpected keyword argument '<name>'")`` for leftovers.

    Example:
        >>> reject_unexpected_kwargs({"hash_inputs": ["a"]})
        Traceback (most recent call last):
        ...
        consist.errors.ConsistTypeError: Problem: unexpected keyword argument 'hash_inputs'
        ...
    """
    if not kwargs:
        return
    names = sorted(kwargs)
    quoted = ", ".join(f"'{name}'" for name in names)
    plural = "s" if len(names) > 1 else ""
    known = [_REMOVED_KWARGS[n] for n in names if n in _REMOVED_KWARGS]
    if known:
        cause = " ".join(c for c, _ in known)
        fix = " ".join(f for _, f in known)
    else:
        cause = f"{surface}(...) has no parameter named {quoted}."
        fix = f"Check the spelling; see help(consist.{surface}) for the accepted parameters."
    raise ConsistTypeError(f"unexpected keyword argument{plural} {quoted}", cause=cause, fix=fix)


def check_legacy_policy_kwargs(kwargs: Mapping[str, Any]) -> None:
    """``consist.run`` no longer takes policy kwargs directly: name the option object.

    Example:
        >>> check_legacy_policy_kwargs({"cache_mode": "overwrite"})
        Traceback (most recent call last):
        ...
        consist.errors.ConsistTypeError: Problem: consist.run no longer accepts legacy policy kwarg: `cache_mode`. ...
    """
    legacy = [name for name in kwargs if name in LEGACY_POLICY_KWARGS]
    if not legacy:
        return
    noun = "kwargs" if len(legacy) > 1 else "kwarg"
    listed = ", ".join(f"`{name}`" for name in legacy)
    guidance = "; ".join(f"`{n}` -> `{LEGACY_POLICY_KWARGS[n]}({n}=...)`" for n in legacy)
    raise ConsistTypeError(
        f"consist.run no longer accepts legacy policy {noun}: {listed}. "
        f"Use options objects instead: {guidance}.",
        cause="Policy settings moved into CacheOptions, OutputPolicyOptions and ExecutionOptions.",
        fix=f"Pass {guidance}.",
    )


def resolve_input_binding(execution: Any, inputs: Any) -> str:
    """Effective input binding: explicit mode, legacy ``load_inputs``, or the default.

    The default is ``"loaded"`` when ``inputs`` is a mapping, else ``"none"``.

    Example:
        >>> resolve_input_binding(None, {"raw": "a.parquet"})
        'loaded'
    """
    mode = getattr(execution, "input_binding", None)
    load_inputs = getattr(execution, "load_inputs", None)
    if mode is None and load_inputs is not None:
        mode = "loaded" if load_inputs else "none"
    if mode is None:
        mode = "loaded" if isinstance(inputs, Mapping) else "none"
    if mode not in ("loaded", "paths", "none"):
        raise ConfigError(
            f"input_binding must be one of 'loaded', 'paths', 'none'; got {mode!r}.",
            cause="Unknown input binding mode.",
            fix="Use ExecutionOptions(input_binding='paths') to receive Paths, 'loaded' for "
            "data frames, or 'none' to bind nothing.",
        )
    if mode != "none" and inputs is not None and not isinstance(inputs, Mapping):
        if load_inputs and getattr(execution, "input_binding", None) is None:
            problem = "load_inputs=True requires inputs to be a dict."
            fix = (
                "Pass inputs as a mapping (for example {'data': path}) or set "
                "ExecutionOptions(load_inputs=False)."
            )
        else:
            problem = f"input_binding={mode!r} requires inputs to be a dict."
            fix = (
                "Pass inputs={'param_name': path_or_artifact}, or use "
                "ExecutionOptions(input_binding='none') when inputs are identity-only."
            )
        raise ConfigError(
            problem,
            cause="Automatic input binding needs named inputs so Consist can match function "
            "parameters.",
            fix=fix,
        )
    return mode


def check_run_arguments(
    *,
    executor: str,
    code_identity: str | None,
    cache_hydration: str | None,
    outputs: Iterable[str] | None,
    output_paths: Mapping[str, Any] | None,
) -> None:
    """The executor/output/hydration combinations the guide lists.

    Example:
        >>> check_run_arguments(executor="python", code_identity=None,
        ...                     cache_hydration="outputs-requested", outputs=None, output_paths=None)
        Traceback (most recent call last):
        ...
        consist.errors.ConfigError: Problem: cache_hydration='outputs-requested' requires output_paths.
        ...
    """
    if executor not in ("python", "container"):
        raise ConfigError(
            "Tracker.run supports executor='python' or 'container'.",
            cause=f"Received executor={executor!r}, which is outside the supported run backends.",
            fix="Set ExecutionOptions(executor='python') or "
            "ExecutionOptions(executor='container', container={...}).",
        )
    if executor == "container":
        if code_identity in ("callable_module", "callable_source"):
            raise ConfigError(
                "cache_options.code_identity callable modes require executor='python'.",
                cause="Callable code identity needs a Python callable and cannot be computed "
                "for container execution.",
                fix="Either switch to executor='python' or use code_identity='repo_git' for "
                "container runs.",
            )
        if not output_paths:
            raise ConfigError(
                "executor='container' requires output_paths.",
                cause="Container runs cannot infer outputs from Python return values.",
                fix="Provide explicit output mappings with output_paths={key: path}.",
            )
        if outputs:
            raise ConfigError(
                "executor='container' does not accept outputs; use output_paths.",
                cause="Container outputs are files at declared host paths.",
                fix="Move the keys into output_paths={key: path}.",
            )
    if cache_hydration == "outputs-requested" and not output_paths:
        raise ConfigError(
            "cache_hydration='outputs-requested' requires output_paths.",
            cause="Requested-output hydration needs explicit destination mappings.",
            fix="Declare output_paths={...} whenever using cache_hydration='outputs-requested'.",
        )
