"""The artifact-logging half of the ``Tracker`` facade (a mixin).

Artifacts logged during a run are recorded when the run ends, in the same
transaction that completes it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consist.errors import ConfigError
from consist.models import Artifact

if TYPE_CHECKING:
    from consist.tracker.state import ActiveRun

__all__ = ["TrackerArtifacts"]


class TrackerArtifacts:
    """``log_artifact`` and friends, cached artifacts, ``log_meta``, ``output_dir``, ``output_path``."""

    # Key-prefix facet parsers (``consist.tracker.facet_parsers``), set by
    # ``register_artifact_facet_parser``; consulted by every ``log_artifact`` call.
    _facet_parsers: Any = None

    if TYPE_CHECKING:
        _active: ActiveRun | None

        def _require_active(self, action: str) -> ActiveRun: ...

    def register_artifact_facet_parser(self, prefix: str, parser_fn: Any) -> Any:
        """Derive a facet from the key of every artifact logged with this key prefix.

        The parser gets the key and returns a dict (or None for no facet); the
        longest matching prefix wins and an explicit ``facet=`` always does.
        Returns the tracker's ``ArtifactFacetParsers`` (``consist.tracker.facet_parsers``).

        Example:
            >>> tracker.register_artifact_facet_parser(
            ...     "skims_", lambda key: {"period": key.split("_")[1]})  # doctest: +SKIP
        """
        if self._facet_parsers is None:
            from consist.tracker.facet_parsers import ArtifactFacetParsers

            self._facet_parsers = ArtifactFacetParsers()
        self._facet_parsers.register(prefix, parser_fn)
        return self._facet_parsers

    def cached_output(self, key: str | None = None) -> Artifact | None:
        """A cached output of the open run (the only one when ``key`` is None)."""
        outputs = self._active.cached_outputs if self._active else {}
        if key is None:
            return next(iter(outputs.values()), None) if len(outputs) == 1 else None
        return outputs.get(key)

    def cached_artifacts(self, direction: str = "output") -> dict[str, Artifact]:
        """Cached outputs (or the run's inputs) of the open cache hit."""
        if self._active is None or not self._active.cache_hit:
            return {}
        return dict(self._active.cached_outputs if direction == "output" else self._active.inputs)

    def log_artifact(
        self,
        path: Any,
        key: str | None = None,
        direction: str = "output",
        schema: Any = None,
        strict_schema: bool = False,
        driver: str | None = None,
        table_path: str | None = None,
        array_path: str | None = None,
        content_hash: str | None = None,
        force_hash_override: bool = False,
        validate_content_hash: bool = False,
        parent_artifact_id: str | None = None,
        facet: Mapping[str, Any] | None = None,
        **meta: Any,
    ) -> Artifact:
        """Record a file (or an ``Artifact``) read or written by the open run.

        Example:
            >>> with tracker.start_run("hash_input", model="example"):  # doctest: +SKIP
            ...     artifact = tracker.log_artifact(Path("input.csv"), key="input",
            ...                                     direction="input")
            ...     print(artifact.path, artifact.hash)
        """
        state = self._require_active("log artifact")
        if facet is None and self._facet_parsers is not None:
            facet = self._facet_parsers.facet_for(
                key if key is not None else getattr(path, "key", None)
            )
        if schema is not None:
            meta["schema_name"] = getattr(schema, "__name__", str(schema))
            meta["has_strict_schema"] = bool(strict_schema)
        if facet:
            meta["facet"] = dict(facet)
        from consist.tracker.artifact_logging import make_artifact

        artifact = make_artifact(
            self,  # type: ignore[arg-type]
            state,
            path,
            key=key,
            direction=direction,
            driver=driver,
            table_path=table_path,
            array_path=array_path,
            content_hash=content_hash,
            validate_content_hash=validate_content_hash and not force_hash_override,
            parent_artifact_id=parent_artifact_id,
            meta=meta,
        )
        link_key = key or artifact.key
        if direction == "input":
            state.inputs[link_key] = artifact
        else:
            if state.cache_hit:
                from consist.tracker.hit_outputs import output_during_hit

                artifact = output_during_hit(state, link_key, artifact)
            state.outputs[link_key] = artifact
        return artifact

    def log_input(self, path: Any, key: str | None = None, **kwargs: Any) -> Artifact:
        """``log_artifact(..., direction="input")``."""
        return self.log_artifact(path, key, direction="input", **kwargs)

    def log_output(self, path: Any, key: str | None = None, **kwargs: Any) -> Artifact:
        """``log_artifact(..., direction="output")``; ``artifact_kind`` is accepted for 0.3."""
        kwargs.pop("artifact_kind", None)
        return self.log_artifact(path, key, direction="output", **kwargs)

    def log_artifacts(
        self,
        outputs: Mapping[str, Any],
        *,
        direction: str = "output",
        driver: str | None = None,
        metadata_by_key: Mapping[str, Mapping[str, Any]] | None = None,
        **shared_meta: Any,
    ) -> dict[str, Artifact]:
        """Log several artifacts at once: ``{key: path}`` -> ``{key: Artifact}``.

        Example:
            >>> tracker.log_artifacts({"a": Path("a.csv"), "b": Path("b.csv")})  # doctest: +SKIP
        """
        logged = {}
        for key, path in outputs.items():
            meta = {**shared_meta, **dict((metadata_by_key or {}).get(key, {}))}
            logged[key] = self.log_artifact(path, key, direction=direction, driver=driver, **meta)
        return logged

    def log_meta(self, **kwargs: Any) -> None:
        """Merge ``kwargs`` into the open run's ``meta``.

        Example:
            >>> tracker.log_meta(n_rows=1000, note="calibrated")  # doctest: +SKIP
        """
        state = self._require_active("log meta")
        from consist.store.rows import dump_json

        dump_json(kwargs)  # reject values that cannot be stored, before changing anything
        state.run.meta.update(kwargs)

    def output_dir(self, namespace: str | os.PathLike[str] | None = None) -> Path:
        """The open run's output directory (created); ``namespace`` is a subfolder.

        Example:
            >>> tracker.output_dir("tables")  # doctest: +SKIP
            PosixPath('/abs/runs/outputs/clean/clean_1a2b3c4d/tables')
        """
        base = self._require_active("get the output dir").artifact_dir
        target = base
        if namespace is not None:
            relative = Path(namespace)
            target = Path(os.path.normpath(base / relative))
            if relative.is_absolute() or not (target == base or base in target.parents):
                raise ConfigError(
                    f"output_dir namespace must be a relative path inside the run's output "
                    f"directory; got {namespace!r}.",
                    cause="Namespaces are subfolders of the run output directory.",
                    fix="Pass a relative name such as 'tables' or 'maps/2030'.",
                )
        target.mkdir(parents=True, exist_ok=True)
        return target

    def output_path(self, key: str, ext: str = "parquet") -> Path:
        """``<output_dir>/<key>.<ext>`` for the open run.

        Example:
            >>> tracker.output_path("cleaned")  # doctest: +SKIP
            PosixPath('/abs/runs/outputs/clean/clean_1a2b3c4d/cleaned.parquet')
        """
        suffix = ext.strip().lstrip(".").lower()
        return self.output_dir() / (f"{key}.{suffix}" if suffix else key)
