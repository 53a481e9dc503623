"""The run half of the ``Tracker`` facade (a mixin): open, close and run steps.

``begin_run``/``end_run``/``start_run`` delegate to ``consist.tracker.lifecycle``;
``run`` delegates to ``consist.tracker.execute.run_step``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from consist.models import Run

if TYPE_CHECKING:
    from consist.tracker.tracker import Tracker

__all__ = ["TrackerRuns"]


class TrackerRuns:
    """``tracker.begin_run``, ``end_run``, ``start_run``, ``run``, ``current_run``, ``is_cached``."""

    @property
    def current_run(self) -> Run | None:
        """The run open on this tracker, or None."""
        return self._active.run if self._active is not None else None

    @property
    def is_cached(self) -> bool:
        """True while the open run is a cache hit."""
        return self._active is not None and self._active.cache_hit

    # -- lifecycle -----------------------------------------------------------

    def begin_run(
        self,
        run_id: str,
        model: str,
        config: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | Iterable[Any] | None = None,
        tags: Iterable[str] | None = None,
        description: str | None = None,
        cache_mode: str = "reuse",
        *,
        artifact_dir: str | os.PathLike[str] | None = None,
        allow_external_paths: bool | None = None,
        facet: Mapping[str, Any] | None = None,
        facet_from: Iterable[str] | None = None,
        hash_inputs: Any = None,
        identity_inputs: Any = None,
        code_identity: str | None = None,
        code_identity_extra_deps: Iterable[str] | None = None,
        facet_schema_version: str | int | None = None,
        facet_index: bool = True,
        **kwargs: Any,
    ) -> Run:
        """Open a run imperatively; close it with ``end_run``. Prefer ``start_run``.

        Example:
            >>> tracker.begin_run("ingest_2030", model="ingest", year=2030)  # doctest: +SKIP
            >>> tracker.end_run()  # doctest: +SKIP
        """
        from consist.tracker import lifecycle

        state = lifecycle.begin_from_kwargs(
            self,
            run_id,
            model,
            cache_mode=cache_mode,
            config=config,
            inputs=inputs,
            tags=tags,
            description=description,
            artifact_dir=artifact_dir,
            allow_external_paths=allow_external_paths,
            facet=facet,
            facet_from=facet_from,
            identity_inputs=identity_inputs if identity_inputs is not None else hash_inputs,
            code_identity=code_identity,
            code_identity_extra_deps=code_identity_extra_deps,
            facet_schema_version=facet_schema_version,
            kwargs=kwargs,
        )
        return state.run

    def end_run(self, status: str = "completed", error: BaseException | None = None) -> Run:
        """Close the open run as completed (or failed, when ``error`` is given)."""
        from consist.tracker import lifecycle

        return lifecycle.end(self, status, error)

    @contextmanager
    def start_run(self, run_id: str, model: str, **kwargs: Any) -> Iterator[Tracker]:
        """Context manager around ``begin_run``/``end_run``; an exception marks the run failed.

        Example:
            >>> with tracker.start_run("hash_input", model="example"):  # doctest: +SKIP
            ...     artifact = tracker.log_artifact(Path("input.csv"), key="input",
            ...                                     direction="input")
        """
        self.begin_run(run_id, model, **kwargs)
        try:
            yield self
        except BaseException as exc:
            if self._active is not None:
                self.end_run("failed", error=exc)
            raise
        if self._active is not None:
            self.end_run("completed")

    def run(self, fn: Callable[..., Any] | None = None, name: str | None = None, **kwargs: Any):
        """Run ``fn`` as a cached step; skip it when a completed run has the same signature.

        Returns a ``RunResult`` (``.outputs``, ``.cache_hit``, ``.run``). See
        ``consist.tracker.execute.run_step`` for every parameter.

        Example:
            >>> result = tracker.run(fn=clean_data, inputs={"raw": Path("raw.parquet")},
            ...                      config={"threshold": 0.5}, outputs=["cleaned"],
            ...                      execution_options=ExecutionOptions(input_binding="paths"))
            ... # doctest: +SKIP
        """
        from consist.tracker.execute import run_step

        step = getattr(fn, "__consist_step__", None)
        if step is not None:  # consist.define_step defaults; the call's arguments win
            name, kwargs = step.apply(fn, name, kwargs, tracker=self)
        return run_step(self, fn, name, **kwargs)
