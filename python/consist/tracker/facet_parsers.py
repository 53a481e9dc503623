"""Key-prefix facet parsers: the hook ``log_artifact`` consults for artifacts logged without a facet.

Keys often encode what an artifact is (``skims_am_2030``). A parser
registered for a key prefix (``tracker.register_artifact_facet_parser`` or
``consist.register_artifact_facet_parser``) turns such a key into a facet,
stored as ``artifact.meta["facet"]``. Every logging path (``log_input``,
``log_output``, ``log_artifacts``, returned outputs, ``log_dataframe``)
goes through ``Tracker.log_artifact``, which asks ``facet_for(key)`` when
the call gives no ``facet=``.

Example:
    >>> parsers = ArtifactFacetParsers()
    >>> parsers.register("run_", lambda key: {"n": int(key[4:])})
    >>> parsers.facet_for("run_7"), parsers.facet_for("other")
    ({'n': 7}, None)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from consist.errors import ConsistTypeError

__all__ = ["ArtifactFacetParsers", "FacetParser"]

FacetParser = Callable[[str], Any]


class ArtifactFacetParsers:
    """The parsers of one tracker, by key prefix; the longest matching prefix wins.

    Example:
        >>> parsers = ArtifactFacetParsers()
        >>> parsers.register("a_", lambda key: {"short": True})
        >>> parsers.register("a_b_", lambda key: {"long": True})
        >>> parsers.prefixes, parsers.facet_for("a_b_1")
        (['a_b_', 'a_'], {'long': True})
    """

    def __init__(self) -> None:
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
