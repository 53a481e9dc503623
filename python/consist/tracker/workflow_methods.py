"""The workflow half of the ``Tracker`` facade (a mixin): ``trace`` and ``scenario``.

Both live in ``consist.workflow`` (a layer above the tracker) and are
imported when called; see ``consist.workflow.trace`` and
``consist.workflow.scenario`` for their behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["TrackerWorkflow"]


class TrackerWorkflow:
    """``tracker.trace(...)``, ``tracker.scenario(...)``, ``tracker.define_step(...)``."""

    def trace(self, name: str, **kwargs: Any) -> Any:
        """A recorded block whose body always runs; yields the tracker.

        Cache hits are looked up as for ``run``: on a hit ``tracker.is_cached``
        is True and logging the same output returns the cached artifact;
        logging a different one demotes the run (one warning). Policy settings
        are flat keywords (``cache_mode=...``, ``cache_hydration=...``).

        Example:
            >>> with tracker.trace("summarize", config={"year": 2030}) as t:  # doctest: +SKIP
            ...     t.log_output(write_summary(), key="summary")
        """
        from consist.workflow.trace import trace

        return trace(self, name, **kwargs)

    def scenario(
        self,
        name: str,
        config: Mapping[str, Any] | None = None,
        tags: Iterable[str] | None = None,
        model: str = "scenario",
        step_tags: Iterable[str] | None = None,
        step_facet: Mapping[str, Any] | None = None,
        step_cache_hydration: str | None = None,
        name_template: str | None = None,
        cache_epoch: int | None = None,
        coupler: Any = None,
        require_outputs: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A scenario: a header run whose steps are cached runs of their own.

        Use as ``with tracker.scenario("baseline") as sc:`` and run steps with
        ``sc.run(...)`` / ``sc.trace(...)``; outputs flow through ``sc.coupler``.

        Example:
            >>> with tracker.scenario("baseline", config={"year": 2030}) as sc:  # doctest: +SKIP
            ...     prep = sc.run(fn=prepare, inputs={"raw": raw_path}, outputs=["persons"])
        """
        from consist.workflow.scenario import ScenarioContext

        return ScenarioContext(
            self,
            name,
            config=config,
            tags=tags,
            model=model,
            step_tags=step_tags,
            step_facet=step_facet,
            step_cache_hydration=step_cache_hydration,
            name_template=name_template,
            cache_epoch=cache_epoch,
            coupler=coupler,
            require_outputs=require_outputs,
            **kwargs,
        )

    def define_step(self, **kwargs: Any) -> Any:
        """``consist.define_step``: a decorator storing run defaults on a step function.

        Example:
            >>> @tracker.define_step(outputs=["cleaned"])  # doctest: +SKIP
            ... def clean(raw): ...
        """
        from consist.workflow.steps import define_step

        return define_step(**kwargs)
