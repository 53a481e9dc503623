"""``consist.run_container``: the Consist 0.3 function for one cached container step.

Three modes, as in 0.3:

* standalone (no run open): a run of its own through ``tracker.run``, cached by the
  container signature; a hit skips the container;
* nested (inside ``tracker.start_run(...)``): runs the container and logs its inputs and
  outputs to the open run;
* ``lineage_mode="none"``: runs the container and records nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consist.containers.spec import ContainerSpec
from consist.containers.step import prepare_container_step, run_container_step
from consist.containers.tracker_step import container_meta, mount_policy_for, step_settings
from consist.errors import ConfigError

__all__ = ["ContainerResult", "run_container"]

STANDALONE_MODEL = "container_step"


@dataclass(frozen=True)
class ContainerResult:
    """What ``run_container`` returns; ``output`` is the first (or only) output artifact."""

    artifacts: dict[str, Any] = field(default_factory=dict)
    cache_hit: bool = False
    cache_source: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    manifest_hash: str | None = None
    image_digest: str | None = None
    run_id: str | None = None

    @property
    def output(self) -> Any:
        return next(iter(self.artifacts.values()), None)


def run_container(
    tracker: Any = None,
    run_id: str | None = None,
    image: str | None = None,
    command: str | Sequence[str] | None = None,
    volumes: Mapping[str, Any] | None = None,
    inputs: Iterable[Any] | Mapping[str, Any] | None = None,
    outputs: Iterable[str | os.PathLike[str]] | Mapping[str, str | os.PathLike[str]] | None = None,
    environment: Mapping[str, Any] | None = None,
    working_dir: str | None = None,
    backend_type: str = "docker",
    pull_latest: bool = False,
    lineage_mode: str = "full",
    strict_mounts: bool = True,
    output_log_kwargs: Mapping[str, Any] | None = None,
) -> ContainerResult:
    """Run ``command`` in ``image`` as a cached, recorded step.

    ``outputs`` are host paths the container writes (a list, keyed by file stem, or a
    ``{key: path}`` mapping); relative ones are taken from the current directory, like
    ``Path(p).resolve()``. Host paths must live under the tracker's mounts (or its run
    directory) unless ``strict_mounts=False``. A ``run_id`` already used by an earlier run
    gets a random suffix, so re-running a script with fixed ids works (and hits the cache).

    Example:
        >>> result = run_container(
        ...     tracker, "count_rows", image="consist-test-busybox:latest",
        ...     command=["sh", "-c", "wc -l < /data/in/trips.csv > /data/out/n.txt"],
        ...     volumes={"/mnt/data": "/data"}, inputs=["/mnt/data/in/trips.csv"],
        ...     outputs=["/mnt/data/out/n.txt"])  # doctest: +SKIP
        >>> result.cache_hit, result.output.key  # doctest: +SKIP
        (False, 'n')
    """
    if image is None or command is None:
        raise ConfigError(
            "container spec must include image and command.",
            cause="run_container() was called without image= or command=.",
            fix="Pass image='my-image:tag' and command=[...].",
        )
    tracker = tracker if tracker is not None else _current_tracker()
    output_map = _output_map(outputs)
    input_map = _input_map(inputs)
    options = {
        "image": image,
        "command": command,
        "environment": environment,
        "working_dir": working_dir,
        "volumes": volumes,
        "backend": backend_type,
        "pull_latest": pull_latest,
        "lineage_mode": lineage_mode,
    }
    if lineage_mode != "none" and not output_map:
        raise ConfigError(
            "run_container() requires outputs.",
            cause="A recorded container step is known by the files it writes.",
            fix="Pass outputs=[...] (host paths the container writes), or lineage_mode='none' "
            "to run it without recording.",
        )
    if lineage_mode != "none" and tracker.current_run is not None:
        return _run_nested(
            tracker, options, input_map, output_map, strict_mounts, output_log_kwargs
        )
    from consist.options import ExecutionOptions

    if run_id is not None and tracker.get_run(run_id) is not None:
        # Scripts re-run with fixed ids (that is the point of a cache): keep the first id,
        # give later runs a suffixed one instead of failing on the duplicate.
        run_id = f"{run_id}_{uuid.uuid4().hex[:8]}"
    with step_settings(strict_mounts=strict_mounts, output_log_kwargs=output_log_kwargs):
        result = tracker.run(
            name=run_id or STANDALONE_MODEL,
            run_id=run_id,
            model=STANDALONE_MODEL,
            inputs=input_map or None,
            output_paths=output_map,
            execution_options=ExecutionOptions(
                executor="container", container=options, input_binding="none"
            ),
        )
    meta = result.run.meta.get("container", {})
    return ContainerResult(
        artifacts=dict(result.outputs),
        cache_hit=result.cache_hit,
        cache_source=result.run.meta.get("cache_source") if result.cache_hit else None,
        manifest=dict(meta),
        manifest_hash=meta.get("identity_hash"),
        image_digest=meta.get("image_digest"),
        run_id=result.run.id,
    )


def _run_nested(
    tracker: Any,
    options: Mapping[str, Any],
    inputs: Mapping[str, Any],
    outputs: Mapping[str, Path],
    strict_mounts: bool,
    output_log_kwargs: Mapping[str, Any] | None,
) -> ContainerResult:
    """Inside an open run: log inputs, run the container, log outputs to that run."""
    step = prepare_container_step(
        ContainerSpec.from_options(options),
        policy=mount_policy_for(tracker, strict=strict_mounts),
        inputs={key: _local_path(value) for key, value in inputs.items()},
        outputs=outputs,
        hashing={"algorithm": tracker.hash_algorithm, "stat_cache": tracker.stat_cache},
    )
    for key, value in inputs.items():
        tracker.log_input(value, key=key)
    run_id = tracker.current_run.id
    done = run_container_step(step, run_id=run_id)
    artifacts = {
        key: tracker.log_output(path, key=key, **dict(output_log_kwargs or {}))
        for key, path in done.produced.items()
    }
    meta = container_meta(step)
    tracker.log_meta(**{f"container_step_{step.signature.split(':')[-1][:12]}": meta})
    return ContainerResult(
        artifacts=artifacts,
        manifest=meta,
        manifest_hash=step.signature,
        image_digest=step.image.digest,
        run_id=run_id,
    )


def _output_map(outputs: Any) -> dict[str, Path]:
    if outputs is None:
        return {}
    if isinstance(outputs, Mapping):
        return {str(k): Path(os.path.abspath(v)) for k, v in outputs.items()}
    if isinstance(outputs, str | os.PathLike):
        outputs = [outputs]
    mapped: dict[str, Path] = {}
    for raw in outputs:
        path = Path(os.path.abspath(raw))
        if path.stem in mapped:
            raise ConfigError(
                f"Two outputs would share the key {path.stem!r}: {mapped[path.stem]}, {path}",
                cause="A list of outputs is keyed by file name without extension.",
                fix="Pass outputs as a mapping, e.g. outputs={'table': ..., 'summary': ...}.",
            )
        mapped[path.stem] = path
    return mapped


def _input_map(inputs: Any) -> dict[str, Any]:
    if inputs is None:
        return {}
    if isinstance(inputs, Mapping):
        return {str(k): _absolute(v) for k, v in inputs.items()}
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    mapped: dict[str, Any] = {}
    for value in inputs:
        key = getattr(value, "key", None) or Path(os.fspath(value)).stem
        if key in mapped:
            raise ConfigError(
                f"Two inputs would share the key {key!r}.",
                cause="A list of inputs is keyed by artifact key or file name without extension.",
                fix="Pass inputs as a mapping, e.g. inputs={'zones': ..., 'trips': ...}.",
            )
        mapped[key] = _absolute(value)
    return mapped


def _absolute(value: Any) -> Any:
    return Path(os.path.abspath(value)) if isinstance(value, str | os.PathLike) else value


def _local_path(value: Any) -> Path:
    path = getattr(value, "path", None)
    return Path(path) if path is not None else Path(os.fspath(value))


def _current_tracker() -> Any:
    from consist.context import current_tracker

    return current_tracker()
