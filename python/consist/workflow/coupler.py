"""``Coupler``: the latest artifact per key, shared by the steps of a scenario.

Every step's outputs are stored under their keys as the step finishes, so a
later step can name its inputs by key (``inputs={"raw": "cleaned"}``) or
read ``sc.coupler["cleaned"]``. ``view("ns")`` gives a namespaced window
(keys stored as ``ns/key``). Declared outputs are the keys a scenario
promises to produce; ``missing_declared_outputs()`` lists those still unset.

Example:
    >>> from consist.models import Artifact
    >>> coupler = Coupler()
    >>> coupler.set("trips", Artifact(key="trips", container_uri="/r/trips.parquet"))
    >>> coupler.require("trips").key, "trips" in coupler
    ('trips', True)
"""

from __future__ import annotations

import os
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from pathlib import Path
from typing import Any

from consist.tracker.artifact_keys import validate_key

__all__ = ["Coupler", "CouplerView"]


class Coupler:
    """In-memory map key -> latest Artifact (see the module docstring).

    Example:
        >>> c = Coupler()
        >>> c.set_from_artifact("raw", "/data/raw.csv")
        >>> c.path("raw")
        PosixPath('/data/raw.csv')
    """

    def __init__(self, initial: Mapping[str, Any] | None = None) -> None:
        self._items: dict[str, Any] = {}
        self._declared: dict[str, dict[str, Any]] = {}
        if initial:
            self.update(initial)

    # -- mapping ------------------------------------------------------------------

    def set(self, key: str, artifact: Any) -> None:
        """Store ``artifact`` (an Artifact or artifact-like object) under ``key``."""
        self._items[validate_key(key)] = artifact

    def set_from_artifact(self, key: str, value: Any) -> None:
        """Store an Artifact, artifact-like object, or a path (kept as an absolute ``Path``)."""
        if isinstance(value, str | os.PathLike):
            value = Path(os.path.abspath(value))
        self.set(key, value)

    def update(self, mapping: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        """``set_from_artifact`` for every item of ``mapping`` and ``kwargs``."""
        for key, value in {**dict(mapping or {}), **kwargs}.items():
            self.set_from_artifact(key, value)

    def get(self, key: str, default: Any = None) -> Any:
        """The artifact under ``key``, or ``default``."""
        return self._items.get(key, default)

    def require(self, key: str) -> Any:
        """The artifact under ``key``; ``KeyError`` naming the available keys if unset.

        Example:
            >>> Coupler().require("x")
            Traceback (most recent call last):
            ...
            KeyError: "Coupler missing key='x'. Available keys: (none). Did you forget to call coupler.set('x', ...)?"
        """
        if key not in self._items:
            available = ", ".join(sorted(self._items)) or "(none)"
            raise KeyError(
                f"Coupler missing key={key!r}. Available keys: {available}. "
                f"Did you forget to call coupler.set({key!r}, ...)?"
            )
        return self._items[key]

    def path(self, key: str, *, required: bool = True) -> Path | None:
        """Local path of the artifact under ``key`` (None if unset and not ``required``)."""
        if not required and key not in self._items:
            return None
        value = self.require(key)
        return value if isinstance(value, Path) else Path(value.path)

    def keys(self) -> KeysView[str]:
        return self._items.keys()

    def items(self) -> ItemsView[str, Any]:
        return self._items.items()

    def values(self) -> ValuesView[Any]:
        return self._items.values()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> Any:
        return self.require(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set_from_artifact(key, value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Coupler({sorted(self._items)})"

    def view(self, namespace: str) -> CouplerView:
        """A window on this coupler whose keys are stored as ``<namespace>/<key>``."""
        return CouplerView(self, namespace)

    # -- declared outputs ---------------------------------------------------------

    def declare_outputs(
        self,
        *names: str,
        required: bool = False,
        warn_undefined: bool = False,
        description: str | None = None,
    ) -> None:
        """Declare keys this scenario produces (``required`` ones are checked at the end)."""
        for name in names:
            self._declared[validate_key(name)] = {
                "required": required,
                "warn_undefined": warn_undefined,
                "description": description,
            }

    def require_outputs(self, *names: str, **kwargs: Any) -> None:
        """``declare_outputs(*names, required=True)``."""
        self.declare_outputs(*names, **{"required": True, **kwargs})

    def declared_outputs(self) -> dict[str, dict[str, Any]]:
        """Declared keys and their settings."""
        return {k: dict(v) for k, v in self._declared.items()}

    def missing_declared_outputs(self, *, required_only: bool = True) -> list[str]:
        """Declared (by default: required) keys not set yet, sorted."""
        return sorted(
            k
            for k, spec in self._declared.items()
            if k not in self._items and (spec["required"] or not required_only)
        )


class CouplerView:
    """A namespaced window on a ``Coupler``: ``view["k"]`` is ``coupler["<ns>/k"]``.

    Example:
        >>> c = Coupler()
        >>> c.view("y2030")["trips"] = "/r/trips.parquet"
        >>> sorted(c.keys())
        ['y2030/trips']
    """

    def __init__(self, coupler: Coupler, namespace: str) -> None:
        self.coupler = coupler
        self.namespace = validate_key(namespace.strip("/"))

    def _key(self, key: str) -> str:
        return f"{self.namespace}/{key}"

    def set(self, key: str, artifact: Any) -> None:
        self.coupler.set(self._key(key), artifact)

    def set_from_artifact(self, key: str, value: Any) -> None:
        self.coupler.set_from_artifact(self._key(key), value)

    def get(self, key: str, default: Any = None) -> Any:
        return self.coupler.get(self._key(key), default)

    def require(self, key: str) -> Any:
        return self.coupler.require(self._key(key))

    def path(self, key: str, *, required: bool = True) -> Path | None:
        return self.coupler.path(self._key(key), required=required)

    def keys(self) -> list[str]:
        prefix = f"{self.namespace}/"
        return [k[len(prefix) :] for k in self.coupler.keys() if k.startswith(prefix)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._key(key) in self.coupler

    def __getitem__(self, key: str) -> Any:
        return self.require(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set_from_artifact(key, value)
