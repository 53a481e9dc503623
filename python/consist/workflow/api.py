"""The functional workflow API: ``consist.trace``, ``consist.scenario`` and friends.

Each works on ``tracker=`` when given, else on the current tracker (the one
with an active run, else the default set by ``consist.use_tracker``). They are
the recommended path and emit no deprecation warning.

Example:
    >>> with consist.scenario("baseline", tracker=tracker) as sc:  # doctest: +SKIP
    ...     prep = sc.run(fn=prepare, inputs={"raw": raw_path}, outputs=["persons"])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from consist.context import current_tracker
from consist.workflow.noop import NoopScenarioContext, noop_scenario

__all__ = ["noop_scenario", "scenario", "single_step_scenario", "trace"]


@contextmanager
def trace(
    name: str,
    *,
    tracker: Any = None,
    adapter: Any = None,
    identity_inputs: Any = None,
    **kwargs: Any,
) -> Iterator[Any]:
    """A traced block on the current tracker (see ``Tracker.trace``); yields the tracker.

    Example:
        >>> with consist.trace("summarize", tracker=tracker, config={"y": 1}) as t:
        ...     t.log_output(out_path, key="summary")  # doctest: +SKIP
    """
    from consist.workflow.trace import trace as trace_block

    target = tracker if tracker is not None else current_tracker()
    with trace_block(
        target, name, adapter=adapter, identity_inputs=identity_inputs, **kwargs
    ) as active:
        yield active


@contextmanager
def scenario(
    name: str,
    tracker: Any = None,
    *,
    enabled: bool = True,
    step_tags: Iterable[str] | None = None,
    step_facet: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Iterator[Any]:
    """Open a scenario (``Tracker.scenario``); ``enabled=False`` records nothing.

    Example:
        >>> with consist.scenario("baseline", tracker=tracker) as sc:  # doctest: +SKIP
        ...     sc.run(fn=prepare, inputs={"raw": raw_path}, outputs=["persons"])
    """
    if not enabled:
        yield NoopScenarioContext(name, **kwargs)
        return
    from consist.workflow.scenario import ScenarioContext

    target = tracker if tracker is not None else current_tracker()
    with ScenarioContext(target, name, step_tags=step_tags, step_facet=step_facet, **kwargs) as sc:
        yield sc


@contextmanager
def single_step_scenario(
    name: str, step_name: str | None = None, tracker: Any = None, **kwargs: Any
) -> Iterator[Any]:
    """A scenario holding one traced step (``sc.trace(step_name or name)``); yields the scenario.

    Example:
        >>> with consist.single_step_scenario("calibrate", tracker=tracker) as sc:  # doctest: +SKIP
        ...     tracker.log_output(result_path, key="params")
    """
    with scenario(name, tracker, **kwargs) as sc, sc.trace(step_name or name):
        yield sc
