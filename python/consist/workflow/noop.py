"""Provenance switched off: the same workflow code, run with nothing recorded.

``consist.scenario(..., enabled=False)`` and ``consist.noop_scenario(name)``
yield a ``NoopScenarioContext``: ``sc.run(fn, ...)`` calls ``fn`` directly
(inputs bound as paths, config keys as parameters) and wraps what it
returns; ``sc.trace(...)`` runs its block with a ``NoopTracker`` whose
``log_*`` methods return ``NoopArtifact`` placeholders. No database, no
snapshot, no cache lookup.

Example:
    >>> with noop_scenario("dry_run") as sc:
    ...     result = sc.run(fn=lambda x: {"out": "/tmp/out.csv"}, config={"x": 1})
    >>> result.cache_hit, result.outputs["out"].path
    (False, PosixPath('/tmp/out.csv'))
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

from consist.workflow.coupler import Coupler

__all__ = [
    "NoopArtifact",
    "NoopCoupler",
    "NoopRunResult",
    "NoopScenarioContext",
    "NoopTracker",
    "noop_scenario",
]


@dataclass(slots=True)
class NoopArtifact:
    """A stand-in for an Artifact: a key and a path, never recorded."""

    key: str
    path: Path
    driver: str = "file"
    meta: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    id: str = field(default_factory=lambda: str(uuid4()))
    table_path: str | None = None
    array_path: str | None = None

    @property
    def container_uri(self) -> str:
        return self.path.as_posix()


@dataclass(slots=True)
class NoopRunResult:
    """A stand-in for a RunResult: ``outputs``, ``cache_hit=False``, ``run=None``."""

    outputs: dict[str, Any] = field(default_factory=dict)
    cache_hit: bool = False
    run: Any = None

    @property
    def output(self) -> Any:
        return next(iter(self.outputs.values()), None)


class NoopCoupler(Coupler):
    """A Coupler (keys to artifacts) for no-op scenarios; behaves like the real one."""


class NoopTracker:
    """Accepts the logging calls of a traced block and records nothing.

    ``output_dir``/``output_path`` give ``<run_dir>/outputs/<step>/...``
    (``run_dir`` defaults to the working directory), so step code that calls
    ``consist.output_path`` works unchanged.
    """

    is_cached = False
    current_run = None

    def __init__(self, run_dir: str | os.PathLike[str] | None = None) -> None:
        self.run_dir = Path(os.path.abspath(run_dir or "."))
        self.step = "step"

    def output_dir(self, namespace: str | os.PathLike[str] | None = None) -> Path:
        target = self.run_dir / "outputs" / self.step
        target = target / namespace if namespace is not None else target
        target.mkdir(parents=True, exist_ok=True)
        return target

    def output_path(self, key: str, ext: str = "parquet") -> Path:
        suffix = ext.strip().lstrip(".").lower()
        return self.output_dir() / (f"{key}.{suffix}" if suffix else key)

    def log_artifact(
        self, path: Any, key: str | None = None, direction: str = "output", **_: Any
    ) -> NoopArtifact:
        if isinstance(path, NoopArtifact):
            return path
        target = Path(os.path.abspath(getattr(path, "path", path)))
        return NoopArtifact(key=key or target.stem, path=target)

    def log_input(self, path: Any, key: str | None = None, **kwargs: Any) -> NoopArtifact:
        return self.log_artifact(path, key, direction="input", **kwargs)

    def log_output(self, path: Any, key: str | None = None, **kwargs: Any) -> NoopArtifact:
        return self.log_artifact(path, key, direction="output", **kwargs)

    def log_artifacts(self, outputs: Mapping[str, Any], **kwargs: Any) -> dict[str, NoopArtifact]:
        return {key: self.log_artifact(path, key, **kwargs) for key, path in outputs.items()}

    def log_meta(self, **_: Any) -> None:
        return None

    def cached_output(self, key: str | None = None) -> None:
        return None

    def scenario(self, name: str, **kwargs: Any) -> NoopScenarioContext:
        return NoopScenarioContext(name, **kwargs)

    def run(
        self, fn: Callable[..., Any] | None = None, name: str | None = None, **kwargs: Any
    ) -> NoopRunResult:
        """Call ``fn`` like ``Tracker.run`` would on a miss (inputs as paths); record nothing.

        Example:
            >>> NoopTracker().run(fn=lambda scale: None, config={"scale": 2}).cache_hit
            False
        """
        step = NoopScenarioContext(name or getattr(fn, "__name__", "step"), run_dir=self.run_dir)
        step.tracker = self
        return step.run(fn, name, **kwargs)


class NoopScenarioContext:
    """The no-op twin of ``ScenarioContext``: same methods, nothing recorded."""

    def __init__(
        self,
        name: str,
        *,
        coupler: Coupler | None = None,
        run_dir: str | os.PathLike[str] | None = None,
        **_: Any,
    ) -> None:
        self.name = self.run_id = name
        self.coupler = coupler if coupler is not None else NoopCoupler()
        self.tracker = NoopTracker(run_dir)
        self.config: Mapping[str, Any] = {}
        self.inputs: Mapping[str, Any] = {}

    def __enter__(self) -> NoopScenarioContext:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def run(
        self, fn: Callable[..., Any] | None = None, name: str | None = None, **kwargs: Any
    ) -> NoopRunResult:
        """Call ``fn`` with its inputs (as paths) and config; wrap what it returns."""
        if fn is None:
            return NoopRunResult()
        values = {**dict(kwargs.get("config") or {}), **_input_paths(kwargs.get("inputs"), self)}
        runtime = dict(kwargs.get("runtime_kwargs") or {})
        params = inspect.signature(fn).parameters
        takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        call = {k: v for k, v in {**values, **runtime}.items() if takes_all or k in params}
        from consist.context import set_current_tracker

        self.tracker.step = name or getattr(fn, "__name__", "step")
        previous = set_current_tracker(self.tracker)  # type: ignore[arg-type]
        try:
            returned = fn(**call)
        finally:
            set_current_tracker(previous)
        outputs = _wrap_outputs(returned, list(kwargs.get("outputs") or []), self.tracker)
        for key, artifact in outputs.items():
            self.coupler.set(key, artifact)
        return NoopRunResult(outputs=outputs)

    @contextmanager
    def trace(self, name: str, **_: Any) -> Iterator[NoopTracker]:
        """Run the block with a ``NoopTracker``."""
        from consist.context import set_current_tracker

        self.tracker.step = name
        previous = set_current_tracker(self.tracker)  # type: ignore[arg-type]
        try:
            yield self.tracker
        finally:
            set_current_tracker(previous)

    step = trace

    def add_input(self, path: Any, key: str, **_: Any) -> NoopArtifact:
        artifact = self.tracker.log_input(path, key)
        self.coupler.set(key, artifact)
        return artifact

    def declare_outputs(self, *names: str, **kwargs: Any) -> None:
        self.coupler.declare_outputs(*names, **kwargs)

    def require_outputs(self, *names: str, **kwargs: Any) -> None:
        self.coupler.require_outputs(*names, **kwargs)

    def collect_by_keys(self, artifacts: Any, *keys: str, prefix: str = "") -> dict[str, Any]:
        artifacts = getattr(artifacts, "outputs", artifacts)
        chosen = keys or tuple(artifacts)
        collected = {f"{prefix}{key}": artifacts[key] for key in chosen}
        for key, artifact in collected.items():
            self.coupler.set(key, artifact)
        return collected


@contextmanager
def noop_scenario(name: str, **kwargs: Any) -> Iterator[NoopScenarioContext]:
    """A scenario that records nothing (see the module docstring).

    Example:
        >>> with noop_scenario("quick_check") as sc:
        ...     sc.coupler.set_from_artifact("raw", "/data/raw.csv")
    """
    yield NoopScenarioContext(name, **kwargs)


def _input_paths(inputs: Any, sc: NoopScenarioContext) -> dict[str, Any]:
    if not isinstance(inputs, Mapping):
        return {}
    values = {}
    for key, value in inputs.items():
        if isinstance(value, str) and value in sc.coupler:
            value = sc.coupler.require(value)
        values[str(key)] = Path(getattr(value, "path", value))
    return values


def _wrap_outputs(returned: Any, declared: list[str], tracker: NoopTracker) -> dict[str, Any]:
    if returned is None:
        return {}
    if isinstance(returned, Mapping):
        items = dict(returned)
    elif isinstance(returned, list | tuple) and len(returned) == len(declared):
        items = dict(zip(declared, returned, strict=True))
    elif len(declared) == 1:
        items = {declared[0]: returned}
    else:
        return {}
    wrapped = {}
    for key, value in items.items():
        is_path = isinstance(value, str | os.PathLike | NoopArtifact) or hasattr(value, "path")
        wrapped[key] = tracker.log_output(value, key) if is_path else value
    return wrapped
