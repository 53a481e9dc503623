"""``tracker.scenario(name)``: a header run grouping the steps of one workflow.

Entering records a header run (id = ``run_id`` or the scenario name, model
``"scenario"``, tag ``"scenario_header"``) and suspends it: each step then
runs as a run of its own (``sc.run`` like ``tracker.run``, ``sc.trace`` /
``sc.step`` like ``tracker.trace``) with ``parent_run_id`` = the header id,
the scenario's ``step_tags``/``step_facet`` merged in, and its outputs pushed
into ``sc.coupler`` for later steps (``inputs={"raw": "cleaned"}`` names a
Coupler key; see ``scenario_inputs``). Steps hit the cache independently, so
re-running a scenario after a change executes only the steps downstream of it.

Leaving resumes the header and records it with ``meta["steps"]`` (one
summary per step) and every step's outputs (and external inputs) linked:
``completed``, or ``failed`` with ``meta["failed_step"]`` / ``["failed_with"]``
when the block raised, or when required declared outputs were never produced
("Scenario missing declared outputs: a, b."). Re-running a scenario with the
same name replaces its header record. Scenarios do not nest.

Example:
    >>> with tracker.scenario("baseline", config={"year": 2030}) as sc:  # doctest: +SKIP
    ...     prep = sc.run(fn=prepare, inputs={"raw": raw_path}, outputs=["persons"])
    ...     sim = sc.run(fn=simulate, inputs=consist.refs(prep), outputs=["trips"])
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any
from uuid import uuid4

from consist import context
from consist.errors import ConsistRuntimeError, ConsistTypeError
from consist.tracker import lifecycle
from consist.tracker.binding import callable_name
from consist.workflow.coupler import Coupler
from consist.workflow.scenario_inputs import resolve_inputs
from consist.workflow.scenario_record import StepLedger, record_header_start

__all__ = ["HEADER_TAG", "ScenarioContext"]

HEADER_TAG = "scenario_header"

# tracker -> its open scenario (between steps the header is suspended, so the
# tracker itself has no active run to show that a scenario is open).
_OPEN: weakref.WeakKeyDictionary[Any, ScenarioContext] = weakref.WeakKeyDictionary()


def _scenario_header() -> None:
    """Code identity fallback of scenario headers outside a git repository."""


class ScenarioContext:
    """The object ``with tracker.scenario(...) as sc`` yields (see the module docstring)."""

    def __init__(
        self,
        tracker: Any,
        name: str,
        config: Mapping[str, Any] | None = None,
        tags: Iterable[str] | None = None,
        model: str = "scenario",
        step_tags: Iterable[str] | None = None,
        step_facet: Mapping[str, Any] | None = None,
        step_cache_hydration: str | None = None,
        name_template: str | None = None,
        cache_epoch: int | None = None,
        coupler: Coupler | None = None,
        require_outputs: Iterable[str] | None = None,
        **header_kwargs: Any,
    ) -> None:
        if "adapter" in header_kwargs:  # the guide: headers do not support adapter=...
            raise ConsistTypeError(
                "Scenario headers do not support header-level adapter=...",
                cause="A header only groups its steps; config adapters apply to a step's run.",
                fix="Pass adapter=... on the step instead: sc.run(..., adapter=...).",
            )
        self.tracker = tracker
        self.name = name
        self.run_id: str = header_kwargs.pop("run_id", None) or name
        self.model = model
        self.step_tags = list(step_tags or [])
        self.step_facet = dict(step_facet or {})
        self.step_cache_hydration = step_cache_hydration
        self.name_template = name_template
        self.cache_epoch = cache_epoch
        self.coupler = coupler if coupler is not None else Coupler()
        if require_outputs:
            self.coupler.require_outputs(*require_outputs)
        self._config = dict(config or {})
        self._tags = list(dict.fromkeys([*(tags or []), HEADER_TAG]))
        self._header_kwargs = header_kwargs
        self._state: Any = None
        self._ledger = StepLedger()
        self._previous_default: Any = None
        self._step_state: Any = None  # the open step's state, captured by _on_step_start

    # -- read-only views ----------------------------------------------------------

    @property
    def config(self) -> Mapping[str, Any]:
        """The scenario's config (read-only)."""
        return MappingProxyType(self._config)

    @property
    def inputs(self) -> Mapping[str, Any]:
        """Inputs logged on the header (read-only)."""
        return MappingProxyType(dict(self._state.inputs) if self._state is not None else {})

    @property
    def header(self) -> Any:
        """The header ``Run`` (recorded when the scenario ends)."""
        return self._state.run if self._state is not None else None

    # -- lifecycle ----------------------------------------------------------------

    def __enter__(self) -> ScenarioContext:
        tracker = self.tracker
        busy = tracker._active is not None or context.active_tracker() is not None
        if busy or tracker in _OPEN:
            raise ConsistRuntimeError(
                "Cannot start scenario: another run or scenario is active. Nested scenarios "
                "are not supported.",
                cause="A scenario's steps are runs of their own; it cannot open inside a run.",
                fix="End the current run (or scenario) first, or run the steps in this one.",
            )
        extras = _begin_extras(self._header_kwargs)
        self._state = lifecycle.begin_from_kwargs(
            tracker,
            self.run_id,
            self.model,
            cache_mode="overwrite",  # a header groups steps; it is never a cache hit itself
            config=self._config,
            facet=self._header_kwargs.pop("facet", None),
            facet_from=self._header_kwargs.pop("facet_from", None),
            allow_external_paths=self._header_kwargs.pop("allow_external_paths", None),
            code_identity=self._header_kwargs.pop("code_identity", None),
            code_identity_extra_deps=self._header_kwargs.pop("code_identity_extra_deps", None),
            facet_schema_version=self._header_kwargs.pop("facet_schema_version", None),
            kwargs=self._header_kwargs,
            tags=self._tags,
            fn=_scenario_header,
            defer_start=True,
            **extras,
        )
        try:
            record_header_start(tracker, self._state)
        except BaseException:
            tracker._active = None
            context.pop_active(tracker)
            raise
        for key, artifact in self._state.inputs.items():
            self.coupler.set(key, artifact)
        self._suspend()
        _OPEN[tracker] = self
        self._previous_default = context.set_current_tracker(tracker)
        tracker._hooks.add("on_run_start", self._on_step_start)
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        context.set_current_tracker(self._previous_default)
        _OPEN.pop(self.tracker, None)
        self.tracker._hooks._callbacks["on_run_start"].remove(self._on_step_start)
        if self.tracker._active is not None and self.tracker._active is not self._state:
            # A step block was left open by an exception escaping oddly: close it as failed.
            lifecycle.end(self.tracker, "failed", error=exc)
        self._resume()
        state, self._state = self._state, None
        self._ledger.merge_into(state)
        missing = self.coupler.missing_declared_outputs()
        if exc is not None:
            state.run.meta["failed_with"] = str(exc)
            state.run.meta["failed_step"] = self._ledger.failed_step
            lifecycle.end(self.tracker, "failed", error=exc)
            return
        if missing:
            problem = f"Scenario missing declared outputs: {', '.join(missing)}."
            state.run.meta.update(missing_outputs=missing, failed_with=problem)
            error = ConsistRuntimeError(
                problem,
                cause="The scenario declared these outputs as required and no step produced them.",
                fix="Produce them in a step (or coupler.set(key, artifact)), or drop the "
                "declaration.",
            )
            lifecycle.end(self.tracker, "failed", error=error)
            raise error
        lifecycle.end(self.tracker, "completed")

    def _suspend(self) -> None:
        self.tracker._active = None
        context.pop_active(self.tracker)

    def _resume(self) -> None:
        self.tracker._active = self._state
        context.push_active(self.tracker)

    def _on_step_start(self, run: Any) -> None:
        # Hooks fire once the step's state is the tracker's active run: keep it,
        # so the header can link the step's inputs without a query.
        self._step_state = self.tracker._active

    def _check_open(self, action: str) -> None:
        if self._state is None:
            raise ConsistRuntimeError(
                f"Cannot {action}: the scenario {self.name!r} is not open.",
                cause="Steps run inside `with tracker.scenario(...) as sc:`.",
                fix="Call it inside the with block.",
            )

    # -- steps --------------------------------------------------------------------

    def run(self, fn: Callable[..., Any] | None = None, name: str | None = None, **kwargs: Any):
        """Run ``fn`` as a cached step of this scenario; returns the ``RunResult``.

        Accepts everything ``tracker.run`` accepts; string inputs name Coupler
        keys or paths, ``input_keys=[...]`` pulls Coupler entries by key.

        Example:
            >>> result = sc.run(fn=clean, inputs={"raw": "raw_data"}, outputs=["cleaned"])
            ... # doctest: +SKIP
        """
        self._check_open("run a step")
        step = getattr(fn, "__consist_step__", None)
        if step is not None:
            name, kwargs = step.apply(fn, name, kwargs, tracker=self.tracker, scenario=self)
        name = name or (callable_name(fn) if fn is not None else None)
        step_kwargs: dict[str, Any] = {}
        try:
            step_kwargs = self._step_kwargs(name, kwargs, option_style=True)
            result = self.tracker.run(fn, name, **step_kwargs)
        except BaseException:
            self._ledger.failed(name, step_kwargs.get("run_id"), self.tracker.last_run)
            raise
        self._after_step(result.run, result.outputs, result.cache_hit)
        return result

    @contextlib.contextmanager
    def trace(self, name: str, **kwargs: Any) -> Iterator[Any]:
        """A traced block run as a step of this scenario (``tracker.trace`` semantics).

        Example:
            >>> with sc.trace("summarize", inputs={"trips": "trips"}) as t:  # doctest: +SKIP
            ...     t.log_output(write_summary(), key="summary")
        """
        self._check_open("trace a step")
        from consist.workflow.trace import trace

        state = None
        try:
            kwargs = self._step_kwargs(name, kwargs, option_style=False)
            with trace(self.tracker, name, **kwargs) as tracker:
                state = tracker._active
                yield tracker
        except BaseException:
            self._ledger.failed(name, kwargs.get("run_id"), self.tracker.last_run)
            raise
        if state is not None:
            self._after_step(state.run, state.outputs, state.cache_hit)

    step = trace  # ``sc.step(name, ...)``: the block form of a step, same as ``sc.trace``

    def _step_kwargs(self, name: str | None, kwargs: dict[str, Any], *, option_style: bool):
        kwargs = dict(kwargs)
        kwargs["inputs"] = resolve_inputs(
            kwargs.get("inputs"),
            self.coupler,
            input_keys=kwargs.pop("input_keys", None),
            optional_input_keys=kwargs.pop("optional_input_keys", None),
        )
        if kwargs.get("run_id") is None:
            kwargs["run_id"] = self._step_run_id(name or "step", kwargs)
        kwargs.setdefault("parent_run_id", self.run_id)
        if self.step_tags:
            kwargs["tags"] = list(dict.fromkeys([*(kwargs.get("tags") or []), *self.step_tags]))
        if self.step_facet:
            kwargs["facet"] = {**self.step_facet, **dict(kwargs.get("facet") or {})}
        defaults = {"cache_hydration": self.step_cache_hydration, "cache_epoch": self.cache_epoch}
        defaults = {k: v for k, v in defaults.items() if v is not None}
        if defaults and option_style:
            from consist.options import CacheOptions
            from consist.workflow.steps import merge_options

            kwargs["cache_options"] = merge_options(
                CacheOptions, defaults, kwargs.get("cache_options")
            )
        elif defaults:
            for key, value in defaults.items():
                if kwargs.get(key) is None:
                    kwargs[key] = value
        return kwargs

    def _step_run_id(self, name: str, kwargs: Mapping[str, Any]) -> str:
        if self.name_template:
            fields = {k: kwargs.get(k) for k in ("year", "iteration", "phase", "stage")}
            base = self.name_template.format(scenario=self.run_id, name=name, **fields)
            return f"{base}_{uuid4().hex[:8]}"
        return f"{self.run_id}_{name}_{uuid4().hex[:8]}"

    def _after_step(self, run: Any, outputs: Mapping[str, Any], cache_hit: bool) -> None:
        for key, artifact in outputs.items():
            self.coupler.set(key, artifact)
        state, self._step_state = self._step_state, None
        inputs = state.inputs if state is not None and state.run is run else {}
        self._ledger.completed(run, outputs, cache_hit, inputs)

    # -- header inputs and declared outputs ------------------------------------------

    def add_input(self, path: Any, key: str, **kwargs: Any) -> Any:
        """Log an input on the header run (and make it a Coupler key).

        Example:
            >>> sc.add_input(Path("data/land_use.csv"), key="land_use")  # doctest: +SKIP
        """
        self._check_open("add a scenario input")
        if self.tracker._active is not None:
            raise ConsistRuntimeError(
                "Cannot add a scenario input while a step is running.",
                cause="Scenario inputs are logged on the header, between steps.",
                fix="Call sc.add_input(...) outside sc.trace(...) blocks.",
            )
        self._resume()
        try:
            artifact = self.tracker.log_input(path, key, **kwargs)
        finally:
            self._suspend()
        self.coupler.set(key, artifact)
        return artifact

    def declare_outputs(self, *names: str, **kwargs: Any) -> None:
        """Declare keys this scenario produces (``required=True``: checked at the end)."""
        self.coupler.declare_outputs(*names, **kwargs)

    def require_outputs(self, *names: str, **kwargs: Any) -> None:
        """Declare keys that must be in the Coupler when the scenario ends."""
        self.coupler.require_outputs(*names, **kwargs)

    def collect_by_keys(self, artifacts: Any, *keys: str, prefix: str = "") -> dict[str, Any]:
        """Put chosen artifacts into the Coupler as ``<prefix><key>``; returns them.

        ``artifacts`` is a mapping key -> Artifact, a ``RunResult`` or a list of
        artifacts; no ``keys`` means all of them.

        Example:
            >>> sc.collect_by_keys(result, "trips", prefix="y2030_")  # doctest: +SKIP
            {'y2030_trips': <Artifact ...>}
        """
        if hasattr(artifacts, "outputs"):
            artifacts = artifacts.outputs
        if not isinstance(artifacts, Mapping):
            artifacts = {a.key: a for a in artifacts}
        chosen = keys or tuple(artifacts)
        collected = {f"{prefix}{key}": artifacts[key] for key in chosen}
        for key, artifact in collected.items():
            self.coupler.set(key, artifact)
        return collected

    def __repr__(self) -> str:
        return f"ScenarioContext({self.run_id!r}, steps={len(self._ledger.steps)})"


def _begin_extras(header_kwargs: dict[str, Any]) -> dict[str, Any]:
    """``begin`` arguments a scenario header accepts besides run fields and meta."""
    extras = {}
    for name in ("inputs", "description"):
        if name in header_kwargs:
            extras[name] = header_kwargs.pop(name)
    for legacy in ("hash_inputs", "identity_inputs"):
        if header_kwargs.get(legacy) is not None:
            extras["identity_inputs"] = header_kwargs.pop(legacy)
        header_kwargs.pop(legacy, None)
    return extras
