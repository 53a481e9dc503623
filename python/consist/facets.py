"""Artifact facets derived from artifact keys: ``register_artifact_facet_parser``.

Keys often encode what an artifact is (``skims_am_2030``, ``trips/base/2040``).
A parser registered for a key prefix turns such a key into a facet (a small
dict stored with the artifact as ``meta["facet"]``) every time an artifact
with that prefix is logged on the tracker, unless the call passes
``facet=`` itself. The longest matching prefix wins; a parser returning None
leaves the artifact without a facet.

Parsers are installed per tracker: registering wraps that tracker's
``log_artifact`` (which ``log_input``, ``log_output``, ``log_artifacts``,
returned outputs and ``log_dataframe`` all go through).

Example:
    >>> def skim_facet(key):
    ...     _, period, year = key.split("_")
    ...     return {"period": period, "year": int(year)}
    >>> consist.register_artifact_facet_parser("skims_", skim_facet, tracker=tracker)  # doctest: +SKIP
    >>> with tracker.start_run("assign_2030", model="assign"):  # doctest: +SKIP
    ...     art = tracker.log_output(path, key="skims_am_2030")
    >>> art.meta["facet"]  # doctest: +SKIP
    {'period': 'am', 'year': 2030}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from consist.errors import ConsistTypeError

__all__ = ["ArtifactFacetParsers", "register_artifact_facet_parser"]

FacetParser = Callable[[str], Any]


class ArtifactFacetParsers:
    """The parsers of one tracker, callable in place of its ``log_artifact``.

    Example:
        >>> parsers = ArtifactFacetParsers(lambda path, key=None, direction="output", **kw: kw)
        >>> parsers.register("run_", lambda key: {"n": int(key[4:])})
        >>> parsers.facet_for("run_7"), parsers.facet_for("other")
        ({'n': 7}, None)
        >>> parsers("p", "run_7")
        {'facet': {'n': 7}}
    """

    def __init__(self, log_artifact: Callable[..., Any]) -> None:
        self._log_artifact = log_artifact
        self._parsers: dict[str, FacetParser] = {}

    @property
    def prefixes(self) -> list[str]:
        """Registered prefixes, longest first (the order they are tried in)."""
        return sorted(self._parsers, key=len, reverse=True)

    def register(self, prefix: str, parser: FacetParser) -> None:
        """Use ``parser`` for keys starting with ``prefix`` (replaces an earlier one)."""
        if not isinstance(prefix, str) or not prefix:
            raise ConsistTypeError(
                "register_artifact_facet_parser needs a non-empty key prefix.",
                cause=f"Received prefix={prefix!r}.",
                fix="Pass the start of the keys to parse, e.g. 'skims_'.",
            )
        if not callable(parser):
            raise ConsistTypeError(
                "register_artifact_facet_parser needs a callable parser.",
                cause=f"Got {type(parser).__name__}.",
                fix="Pass a function key -> dict (or None).",
            )
        self._parsers[prefix] = parser

    def facet_for(self, key: str | None) -> dict[str, Any] | None:
        """The facet the longest matching prefix's parser gives ``key``, or None."""
        if key is None:
            return None
        for prefix in self.prefixes:
            if key.startswith(prefix):
                return _as_facet(self._parsers[prefix](key), prefix)
        return None

    def __call__(
        self,
        path: Any,
        key: str | None = None,
        direction: str = "output",
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if kwargs.get("facet") is None:
            facet = self.facet_for(key if key is not None else getattr(path, "key", None))
            if facet is not None:
                kwargs["facet"] = facet
        return self._log_artifact(path, key, direction, *args, **kwargs)


def _as_facet(value: Any, prefix: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    if hasattr(value, "model_dump"):  # pydantic models
        return dict(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise ConsistTypeError(
        f"The facet parser for prefix {prefix!r} returned {type(value).__name__}.",
        cause="A facet is a dict (or a pydantic model or dataclass instance).",
        fix="Return a dict such as {'year': 2030}, or None for no facet.",
    )


def register_artifact_facet_parser(
    prefix: str, parser_fn: FacetParser, *, tracker: Any = None
) -> ArtifactFacetParsers:
    """Derive a facet from the key of every artifact logged with this key prefix.

    Applies to artifacts logged on ``tracker`` (default: the current tracker)
    from now on. Returns the tracker's parser registry.

    Example:
        >>> consist.register_artifact_facet_parser(
        ...     "trips_", lambda key: {"year": int(key.rsplit("_", 1)[1])}, tracker=tracker
        ... )  # doctest: +SKIP
    """
    if tracker is None:
        from consist.tracker.context import current_tracker

        tracker = current_tracker()
    parsers = tracker.__dict__.get("log_artifact")
    if not isinstance(parsers, ArtifactFacetParsers):
        parsers = ArtifactFacetParsers(tracker.log_artifact)
        tracker.log_artifact = parsers  # instance attribute: every logging path calls it
    parsers.register(prefix, parser_fn)
    return parsers
