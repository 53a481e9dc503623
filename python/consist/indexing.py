"""Index runs by a run field or a facet key: ``{value: run}``.

``RunFieldIndex("year")`` reads a column of the run (``year``, ``model_name``,
``status``, ...); ``FacetIndex("scenario")`` reads a facet value (dotted
keys for nested facets). ``tracker.find_runs(index_by=...)`` and
``index_runs`` accept both (and a plain name: a run field, else a facet key).

Example:
    >>> from consist.models import Run
    >>> runs = [Run(id="a", model_name="m", year=2030), Run(id="b", model_name="m", year=2040)]
    >>> sorted(index_runs(runs, index_by_field("year")))
    [2030, 2040]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from consist.errors import ConfigError

__all__ = [
    "RUN_INDEX_FIELDS",
    "FacetIndex",
    "RunFieldIndex",
    "index_by_facet",
    "index_by_field",
    "index_runs",
    "run_key",
]

RUN_INDEX_FIELDS = (
    "id",
    "model_name",
    "status",
    "year",
    "iteration",
    "stage",
    "phase",
    "parent_run_id",
    "config_hash",
    "input_hash",
    "git_hash",
    "signature",
    "description",
    "created_at",
    "started_at",
    "ended_at",
)
_FIELD_ALIASES = {"model": "model_name", "run_id": "id", "parent_id": "parent_run_id"}


@dataclass(frozen=True, slots=True)
class RunFieldIndex:
    """Index by a column of the run record (see ``RUN_INDEX_FIELDS``; ``model`` means model_name).

    Example:
        >>> RunFieldIndex("model").field
        'model_name'
    """

    field: str

    def __post_init__(self) -> None:
        name = _FIELD_ALIASES.get(self.field, self.field)
        if name not in RUN_INDEX_FIELDS:
            raise ConfigError(
                f"Cannot index runs by {self.field!r}.",
                cause=f"Run fields that can index runs: {', '.join(RUN_INDEX_FIELDS)}.",
                fix="Use one of those fields, or FacetIndex(key) for a facet value.",
            )
        object.__setattr__(self, "field", name)


@dataclass(frozen=True, slots=True)
class FacetIndex:
    """Index by a facet value (dotted key for nested facets, e.g. ``demand.scale``).

    Example:
        >>> FacetIndex("scenario").key
        'scenario'
    """

    key: str
    namespace: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ConfigError(
                "FacetIndex needs a facet key.",
                cause=f"Received key={self.key!r}.",
                fix="Pass the key, e.g. FacetIndex('scenario').",
            )


def index_by_field(field: str) -> RunFieldIndex:
    """``RunFieldIndex(field)``.

    Example:
        >>> index_by_field("year")
        RunFieldIndex(field='year')
    """
    return RunFieldIndex(field)


def index_by_facet(key: str) -> FacetIndex:
    """``FacetIndex(key)``.

    Example:
        >>> index_by_facet("scenario")
        FacetIndex(key='scenario', namespace=None)
    """
    return FacetIndex(key)


def as_index(index_by: str | RunFieldIndex | FacetIndex) -> RunFieldIndex | FacetIndex:
    """Normalise ``index_by``: a run field name becomes ``RunFieldIndex``, else ``FacetIndex``.

    Example:
        >>> as_index("year"), as_index("scenario")
        (RunFieldIndex(field='year'), FacetIndex(key='scenario', namespace=None))
    """
    if isinstance(index_by, RunFieldIndex | FacetIndex):
        return index_by
    name = _FIELD_ALIASES.get(index_by, index_by)
    return RunFieldIndex(name) if name in RUN_INDEX_FIELDS else FacetIndex(index_by)


def run_key(
    runs: Iterable[Any], index_by: str | RunFieldIndex | FacetIndex, *, tracker: Any = None
) -> list[tuple[Any, Any]]:
    """``[(value, run)]`` in the order of ``runs``; facets are read through ``tracker``.

    Runs without the facet key get the value None.

    Example:
        >>> from consist.models import Run
        >>> run_key([Run(id="a", model_name="m")], "model")
        [('m', Run(id='a', ...))]
    """
    index = as_index(index_by)
    runs = list(runs)
    if isinstance(index, RunFieldIndex):
        return [(getattr(run, index.field), run) for run in runs]
    if tracker is None:
        raise ConfigError(
            f"Indexing by facet {index.key!r} needs a tracker.",
            cause="Facet values are stored in the tracker's database or snapshots.",
            fix="Pass tracker=... (RunSet.from_query and consist.run_set do this for you).",
        )
    from consist.run_facets import facet_values

    values = facet_values(tracker, [run.id for run in runs], namespace=index.namespace)
    return [(values[run.id].get(index.key), run) for run in runs]


def index_runs(
    runs: Iterable[Any], index_by: str | RunFieldIndex | FacetIndex, *, tracker: Any = None
) -> dict[Any, Any]:
    """``{value: run}``; with several runs per value the first one in ``runs`` wins.

    ``tracker.find_runs`` returns newest first, so that is the newest run.

    Example:
        >>> index_runs(tracker.find_runs(model="assign"), FacetIndex("scenario"),
        ...            tracker=tracker)  # doctest: +SKIP
        {'base': Run(...), 'high_growth': Run(...)}
    """
    indexed: dict[Any, Any] = {}
    for value, run in run_key(runs, index_by, tracker=tracker):
        indexed.setdefault(value, run)
    return indexed
