"""Artifact facets derived from artifact keys: ``register_artifact_facet_parser``.

Keys often encode what an artifact is (``skims_am_2030``, ``trips/base/2040``).
A parser registered for a key prefix turns such a key into a facet (a small
dict stored with the artifact as ``meta["facet"]``) every time an artifact
with that prefix is logged on the tracker, unless the call passes
``facet=`` itself. The longest matching prefix wins; a parser returning None
leaves the artifact without a facet.

Parsers belong to one tracker: ``Tracker.log_artifact`` (which ``log_input``,
``log_output``, ``log_artifacts``, returned outputs and ``log_dataframe`` all
go through) consults that tracker's ``ArtifactFacetParsers``
(``consist.tracker.facet_parsers``).

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

from typing import Any

from consist.errors import ConsistTypeError
from consist.tracker.facet_parsers import ArtifactFacetParsers, FacetParser

__all__ = ["ArtifactFacetParsers", "register_artifact_facet_parser"]


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
        from consist.context import current_tracker

        tracker = current_tracker()
    register = getattr(tracker, "register_artifact_facet_parser", None)
    if register is None:
        raise ConsistTypeError(
            f"{type(tracker).__name__} does not take artifact facet parsers.",
            cause="Facet parsers are registered on a consist Tracker.",
            fix="Pass tracker=<a consist.Tracker>.",
        )
    return register(prefix, parser_fn)
