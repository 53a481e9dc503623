"""``RunSet`` and ``AlignedPair``: compare groups of recorded runs.

A ``RunSet`` is an ordered, immutable collection of runs (newest first when
it comes from a query) that splits, filters and picks the latest run per
group, by a run field (``year``, ``model_name``, ...) or a facet key.
``align`` pairs two sets on a shared value, e.g. the baseline and the policy
run of each year, to compute differences pair by pair.

Example:
    >>> base = consist.run_set(tracker, label="base", model="assign",
    ...                        facet={"scenario": "base"})  # doctest: +SKIP
    >>> policy = consist.run_set(tracker, label="policy", model="assign",
    ...                          facet={"scenario": "policy"})  # doctest: +SKIP
    >>> pair = base.latest(group_by="year").align(policy.latest(group_by="year"),
    ...                                           on="year")  # doctest: +SKIP
    >>> pair.config_diffs()  # doctest: +SKIP
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from consist.errors import ConfigError
from consist.indexing import FacetIndex, RunFieldIndex, as_index, run_key

__all__ = ["AlignedPair", "RunSet"]

_FRAME_FIELDS = (
    "id",
    "model_name",
    "status",
    "year",
    "iteration",
    "stage",
    "phase",
    "parent_run_id",
    "signature",
    "cache_hit",
    "created_at",
    "duration_seconds",
)


class RunSet:
    """An ordered set of runs with an optional ``label`` (and the tracker they came from).

    Example:
        >>> from consist.models import Run
        >>> runs = RunSet([Run(id="a", model_name="m", year=2030),
        ...                Run(id="b", model_name="m", year=2040)], label="demo")
        >>> len(runs), runs.run_ids, list(runs.split_by("year"))
        (2, ['a', 'b'], [2030, 2040])
    """

    def __init__(self, runs: Iterable[Any], label: str | None = None, *, tracker: Any = None):
        self.runs: tuple[Any, ...] = tuple(runs)
        self.label = label
        self.tracker = tracker

    @classmethod
    def from_query(cls, tracker: Any, label: str | None = None, **filters: Any) -> RunSet:
        """Runs matching ``tracker.find_runs(**filters)``; no limit unless ``limit=`` is given.

        Example:
            >>> RunSet.from_query(tracker, label="2030", model="assign", year=2030)  # doctest: +SKIP
        """
        filters.setdefault("limit", None)
        return cls(tracker.find_runs(**filters), label, tracker=tracker)

    @classmethod
    def from_runs(cls, runs: Iterable[Any], label: str | None = None, *, tracker: Any = None):
        """A set of runs you already hold.

        Example:
            >>> RunSet.from_runs([], label="empty").label
            'empty'
        """
        return cls(runs, label, tracker=tracker)

    # -- collection ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.runs)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.runs)

    def __getitem__(self, index: int) -> Any:
        return self.runs[index]

    def __bool__(self) -> bool:
        return bool(self.runs)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"RunSet({len(self.runs)} runs{label})"

    @property
    def run_ids(self) -> list[str]:
        """Ids of the runs, in order."""
        return [run.id for run in self.runs]

    def _derive(self, runs: Iterable[Any], label: str | None = None) -> RunSet:
        return RunSet(runs, self.label if label is None else label, tracker=self.tracker)

    def _keyed(self, by: str | RunFieldIndex | FacetIndex) -> list[tuple[Any, Any]]:
        return run_key(self.runs, by, tracker=self.tracker)

    # -- shaping -------------------------------------------------------------------

    def split_by(self, field: str | RunFieldIndex | FacetIndex) -> OrderedDict[Any, RunSet]:
        """``{value: RunSet}`` by a run field or facet key, in order of first appearance.

        Example:
            >>> from consist.models import Run
            >>> rs = RunSet([Run(id="a", model_name="x"), Run(id="b", model_name="y")])
            >>> {k: v.run_ids for k, v in rs.split_by("model").items()}
            {'x': ['a'], 'y': ['b']}
        """
        groups: OrderedDict[Any, list[Any]] = OrderedDict()
        for value, run in self._keyed(field):
            groups.setdefault(value, []).append(run)
        return OrderedDict((value, self._derive(runs)) for value, runs in groups.items())

    def filter(self, **field_values: Any) -> RunSet:
        """Runs whose fields (or facet keys) equal the given values.

        A list, tuple or set value means "any of these"; a callable is a predicate.

        Example:
            >>> from consist.models import Run
            >>> rs = RunSet([Run(id="a", model_name="m", year=2030, status="completed"),
            ...              Run(id="b", model_name="m", year=2040)])
            >>> rs.filter(year=[2030, 2050], status="completed").run_ids
            ['a']
        """
        kept = list(self.runs)
        for name, wanted in field_values.items():
            values = dict(
                (run.id, value) for value, run in run_key(kept, name, tracker=self.tracker)
            )
            kept = [run for run in kept if _accepts(wanted, values[run.id])]
        return self._derive(kept)

    def latest(self, group_by: str | RunFieldIndex | FacetIndex | None = None) -> RunSet:
        """The newest run (by ``created_at``), or the newest of each ``group_by`` value.

        Example:
            >>> from datetime import datetime, UTC
            >>> from consist.models import Run
            >>> old = Run(id="old", model_name="m", year=2030, created_at=datetime(2024, 1, 1, tzinfo=UTC))
            >>> new = Run(id="new", model_name="m", year=2030, created_at=datetime(2025, 1, 1, tzinfo=UTC))
            >>> RunSet([old, new]).latest(group_by="year").run_ids
            ['new']
        """
        if not self.runs:
            return self._derive([])
        if group_by is None:
            return self._derive([max(self.runs, key=_created)])
        newest: dict[Any, Any] = {}
        for value, run in self._keyed(group_by):
            if value not in newest or _created(run) > _created(newest[value]):
                newest[value] = run
        return self._derive(newest.values())

    def align(self, other: RunSet, on: str | RunFieldIndex | FacetIndex) -> AlignedPair:
        """Pair this set's runs with ``other``'s on a shared value (one run per value each side).

        Example:
            >>> from consist.models import Run
            >>> base = RunSet([Run(id="b30", model_name="m", year=2030)], label="base")
            >>> alt = RunSet([Run(id="a30", model_name="m", year=2030)], label="alt")
            >>> [(k, l.id, r.id) for k, l, r in base.align(alt, on="year").pairs()]
            [(2030, 'b30', 'a30')]
        """
        left = _unique(self, on, "left")
        right = _unique(other, on, "right")
        keys = [key for key in left if key in right]
        return AlignedPair(on=on, left=left, right=right, keys=keys, tracker=self.tracker)

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per run (id, model_name, status, year, ...).

        Example:
            >>> from consist.models import Run
            >>> RunSet([Run(id="a", model_name="m")]).to_frame()["id"].tolist()
            ['a']
        """
        import pandas as pd

        rows = [{name: getattr(run, name) for name in _FRAME_FIELDS} for run in self.runs]
        frame = pd.DataFrame(rows, columns=list(_FRAME_FIELDS))
        if self.label is not None:
            frame.insert(0, "label", self.label)
        return frame


class AlignedPair:
    """Runs of two sets matched on ``on``: ``left[key]`` and ``right[key]`` for each key.

    Example:
        >>> from consist.models import Run
        >>> pair = AlignedPair("year", {2030: Run(id="l", model_name="m")},
        ...                    {2030: Run(id="r", model_name="m")}, [2030])
        >>> pair.to_frame().to_dict("records")
        [{'year': 2030, 'left_run_id': 'l', 'right_run_id': 'r'}]
    """

    def __init__(
        self,
        on: Any,
        left: dict[Any, Any],
        right: dict[Any, Any],
        keys: Iterable[Any],
        *,
        tracker: Any = None,
    ) -> None:
        self.on = on
        self.left = dict(left)
        self.right = dict(right)
        self.keys = list(keys)
        self.tracker = tracker

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return f"AlignedPair(on={self._column!r}, keys={self.keys!r})"

    @property
    def _column(self) -> str:
        index = as_index(self.on)
        return index.field if isinstance(index, RunFieldIndex) else index.key

    def pairs(self) -> list[tuple[Any, Any, Any]]:
        """``[(key, left_run, right_run)]`` in key order.

        Example:
            >>> AlignedPair("year", {}, {}, []).pairs()
            []
        """
        return [(key, self.left[key], self.right[key]) for key in self.keys]

    def apply(self, fn: Callable[[Any, Any, Any], Any]) -> Any:
        """Call ``fn(left_run, right_run, key)`` per pair and stack the returned DataFrames.

        Each result gets the ``on`` column (the key) first; ``None`` results are skipped.

        Example:
            >>> import pandas as pd
            >>> from consist.models import Run
            >>> pair = AlignedPair("year", {1: Run(id="l", model_name="m")},
            ...                    {1: Run(id="r", model_name="m")}, [1])
            >>> pair.apply(lambda l, r, k: pd.DataFrame({"ids": [l.id + r.id]})).to_dict("records")
            [{'year': 1, 'ids': 'lr'}]
        """
        import pandas as pd

        frames = []
        for key, left, right in self.pairs():
            frame = fn(left, right, key)
            if frame is None:
                continue
            frame = pd.DataFrame(frame).copy()
            frame.insert(0, self._column, key)
            frames.append(frame)
        if not frames:
            return pd.DataFrame({self._column: []})
        return pd.concat(frames, ignore_index=True)

    def config_diffs(self, namespace: str | None = None, prefix: str | None = None) -> Any:
        """Facet values that differ within each pair: columns ``on``, key, left, right.

        Needs the tracker the sets came from (``RunSet.from_query`` / ``consist.run_set``).

        Example:
            >>> pair.config_diffs(prefix="demand.")  # doctest: +SKIP
               year           key  left  right
            0  2030  demand.scale   1.0    1.2
        """
        import pandas as pd

        if self.tracker is None:
            raise ConfigError(
                "config_diffs needs the tracker the runs came from.",
                cause="Facet values are stored in the tracker's database or snapshots.",
                fix="Build the run sets with consist.run_set(tracker, ...) or "
                "RunSet.from_query(tracker, ...).",
            )
        from consist.run_facets import facet_values

        ids = [run.id for _, left, right in self.pairs() for run in (left, right)]
        values = facet_values(self.tracker, ids, namespace=namespace)
        rows = []
        for key, left, right in self.pairs():
            a, b = values[left.id], values[right.id]
            for name in sorted(set(a) | set(b)):
                if prefix is not None and not name.startswith(prefix):
                    continue
                if a.get(name) != b.get(name):
                    rows.append((key, name, a.get(name), b.get(name)))
        return pd.DataFrame(rows, columns=[self._column, "key", "left", "right"])

    def to_frame(self) -> Any:
        """One row per key: ``on``, left_run_id, right_run_id (pandas DataFrame)."""
        import pandas as pd

        rows = [(key, left.id, right.id) for key, left, right in self.pairs()]
        return pd.DataFrame(rows, columns=[self._column, "left_run_id", "right_run_id"])


def _created(run: Any) -> Any:
    return run.created_at


def _accepts(wanted: Any, value: Any) -> bool:
    if callable(wanted):
        return bool(wanted(value))
    if isinstance(wanted, list | tuple | set | frozenset):
        return value in wanted
    return value == wanted


def _unique(runs: RunSet, on: Any, side: str) -> dict[Any, Any]:
    by_value: dict[Any, Any] = {}
    for value, run in runs._keyed(on):
        if value in by_value:
            raise ConfigError(
                f"Cannot align: the {side} run set has several runs for {value!r}.",
                cause=f"align pairs exactly one run per value on each side "
                f"({by_value[value].id}, {run.id}).",
                fix="Reduce each side first, e.g. run_set.latest(group_by=on).",
            )
        by_value[value] = run
    return by_value
