"""Facet lookups of the ``Tracker`` facade (a mixin), as Consist 0.3 spelled them.

Run facets are stored once per distinct dict (``config_facet``) and flattened
per run (``run_config_kv``); artifact facets live in ``artifact.meta["facet"]``
(set with ``facet=`` or a key-prefix parser). Parameters are ``KEY=VALUE``,
``KEY>=VALUE`` or ``KEY<=VALUE`` strings (as ``consist artifacts --param``) or a
``{key: value}`` mapping; values are read as JSON where they parse (``2030``,
``1.5``, ``true``), else as text.

Example:
    >>> parse_params(["year>=2030", "period=am"])
    [('year', '>=', 2030), ('period', '=', 'am')]
    >>> matches({"year": 2040, "period": "am"}, parse_params({"period": "am"}))
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from consist.errors import ConfigError, ConsistRuntimeError

if TYPE_CHECKING:
    from consist.models import Artifact, ConsistRecord, Run

__all__ = ["TrackerFacetLookups", "matches", "needs_database", "parse_params"]

_PARAM = r"^([^=<>]+?)(>=|<=|=)(.*)$"  # KEY=VALUE, KEY>=VALUE, KEY<=VALUE


class TrackerFacetLookups:
    """Artifacts by facet parameters, artifact facet rows, stored run facets, runs by facet."""

    if TYPE_CHECKING:

        def _store_or_none(self) -> Any: ...
        def _snapshot_records(self) -> dict[str, ConsistRecord]: ...
        def _snapshot_artifacts(self) -> dict[str, tuple[Artifact, set[tuple[str, str]]]]: ...
        def _attach_resolver(self, artifact: Artifact) -> Artifact: ...
        def get_artifact(self, key_or_id: str, *, run_id: str | None = None) -> Artifact | None: ...

    def find_artifacts_by_params(
        self,
        *,
        params: Mapping[str, Any] | Iterable[str],
        namespace: str | None = None,
        key_prefix: str | None = None,
        artifact_family_prefix: str | None = None,
        limit: int | None = 100,
    ) -> list[Artifact]:
        """Artifacts whose facet (``meta["facet"]``) matches every parameter, newest first.

        ``params`` is ``{"year": 2030}`` or ``["year=2030", "scale>=1.0"]``
        (``=``, ``>=``, ``<=``; dotted keys for nested values).
        ``namespace`` keeps artifacts logged with that ``facet_namespace=``
        meta value; ``key_prefix`` / ``artifact_family_prefix`` restrict keys.

        Example:
            >>> tracker.find_artifacts_by_params(params=["period=am", "year>=2030"],
            ...                                  key_prefix="skims_")  # doctest: +SKIP
        """
        wanted = parse_params(params)
        prefix = key_prefix or artifact_family_prefix
        found = []
        for artifact in self._artifacts_with_facet(prefix):
            if namespace is not None and artifact.meta.get("facet_namespace") != namespace:
                continue
            if matches(artifact.meta.get("facet") or {}, wanted):
                found.append(self._attach_resolver(artifact))
                if limit is not None and len(found) >= limit:
                    break
        return found

    def get_artifact_kv(
        self,
        artifact: Any,
        *,
        namespace: str | None = None,
        prefix: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """An artifact's facet as flat rows: dicts with ``namespace``, ``key``, ``value``.

        Example:
            >>> tracker.get_artifact_kv(skim)  # doctest: +SKIP
            [{'namespace': None, 'key': 'period', 'value': 'am'}, ...]
        """
        from consist.run_facets import flatten_facet

        if not hasattr(artifact, "meta"):
            artifact = self.get_artifact(str(artifact))
        meta = getattr(artifact, "meta", None) or {}
        stored_namespace = meta.get("facet_namespace")
        if namespace is not None and namespace != stored_namespace:
            return []
        rows = [
            {"namespace": stored_namespace, "key": key, "value": value}
            for key, value in flatten_facet(meta.get("facet") or {}).items()
            if prefix is None or key.startswith(prefix)
        ]
        return rows if limit is None else rows[:limit]

    def get_config_facet(self, facet_id: str) -> dict[str, Any] | None:
        """The run facet stored under ``facet_id`` (SHA-256 of its canonical JSON), or None.

        Example:
            >>> tracker.get_config_facet(tracker.get_run_config_kv(run_id)[0]["facet_id"])
            ... # doctest: +SKIP
        """
        store = self._store_or_none()
        if store is not None:
            return store.get_facet(facet_id)
        from consist.store.facets import facet_id_for

        for record in self._snapshot_records().values():
            if record.facet and facet_id_for(record.facet) == facet_id:
                return dict(record.facet)
        return None

    def get_config_facets(
        self,
        *,
        namespace: str | None = None,
        schema_name: str | None = None,
        limit: int | None = 100,
    ) -> list[dict[str, Any]]:
        """Stored run facets: dicts with ``id``, ``namespace``, ``schema_name``, ``facet``, ...

        Example:
            >>> [f["facet"] for f in tracker.get_config_facets(namespace="assign")]  # doctest: +SKIP
        """
        store = self._store_or_none()
        if store is None:
            raise needs_database("get_config_facets")
        from consist.store.lookups import config_facets

        with store.db.session() as con:
            return config_facets(con, namespace=namespace, schema_name=schema_name, limit=limit)

    def find_runs_by_facet_kv(
        self,
        *,
        key: str,
        namespace: str | None = None,
        value_type: str | None = None,
        value_str: str | None = None,
        value_num: float | None = None,
        value_bool: bool | None = None,
        limit: int | None = 100,
    ) -> list[Run]:
        """Runs whose facet has ``key`` (with the given typed value), newest first.

        Example:
            >>> tracker.find_runs_by_facet_kv(key="scenario", value_str="base")  # doctest: +SKIP
        """
        store = self._store_or_none()
        if store is None:
            raise needs_database("find_runs_by_facet_kv")
        from consist.store.lookups import runs_by_facet_value

        with store.db.session() as con:
            ids = runs_by_facet_value(
                con,
                key=key,
                namespace=namespace,
                value_type=value_type,
                value_str=value_str,
                value_num=value_num,
                value_bool=value_bool,
                limit=limit,
            )
        runs = store.get_runs(ids)
        return [runs[i] for i in ids if i in runs]

    def _artifacts_with_facet(self, key_prefix: str | None) -> list[Artifact]:
        store = self._store_or_none()
        if store is not None:
            from consist.store.lookups import artifacts_with_facet

            with store.db.session() as con:
                return artifacts_with_facet(con, key_prefix=key_prefix)
        return [
            a
            for a, _ in self._snapshot_artifacts().values()
            if a.meta.get("facet") and (key_prefix is None or a.key.startswith(key_prefix))
        ]


def parse_params(params: Mapping[str, Any] | Iterable[str]) -> list[tuple[str, str, Any]]:
    """``{"k": v}`` or ``["k=v", "k>=v", "k<=v"]`` -> ``[(key, op, value)]``.

    Example:
        >>> parse_params({"scenario": "base"})
        [('scenario', '=', 'base')]
    """
    import re  # only here: keeps ``import consist`` light

    if isinstance(params, Mapping):
        return [(str(k), "=", v) for k, v in params.items()]
    if isinstance(params, str):
        params = [params]
    parsed = []
    for text in params:
        match = re.match(_PARAM, str(text))
        if match is None:
            raise ConfigError(
                f"{text!r} is not KEY=VALUE, KEY>=VALUE or KEY<=VALUE.",
                cause="Facet parameters compare one facet key with one value.",
                fix="Write parameters like 'year=2030' or 'scale>=1.0', or pass a dict.",
            )
        key, op, raw = match.group(1).strip(), match.group(2), match.group(3).strip()
        parsed.append((key, op, _value(raw)))
    return parsed


def matches(facet: Mapping[str, Any], params: list[tuple[str, str, Any]]) -> bool:
    """True when the (nested) facet satisfies every ``(key, op, value)``.

    Example:
        >>> matches({"demand": {"scale": 1.2}}, [("demand.scale", ">=", 1.0)])
        True
    """
    from consist.run_facets import flatten_facet

    flat = flatten_facet(facet)
    for key, op, wanted in params:
        if key not in flat:
            return False
        value = flat[key]
        if op == "=":
            if value != wanted and str(value) != str(wanted):
                return False
            continue
        try:
            ok = value >= wanted if op == ">=" else value <= wanted
        except TypeError:
            return False
        if not ok:
            return False
    return True


def needs_database(method: str) -> ConsistRuntimeError:
    """The error for a lookup that only a database can answer."""
    return ConsistRuntimeError(
        f"{method} needs a database.",
        cause="This tracker was created with db_path=None (JSON snapshots only).",
        fix="Create the Tracker with db_path='./provenance.duckdb'.",
    )


def _value(raw: str) -> Any:
    import json

    try:
        return json.loads(raw)
    except ValueError:
        return raw
