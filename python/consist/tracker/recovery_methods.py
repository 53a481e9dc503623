"""The recovery half of the ``Tracker`` facade (a mixin): materialize, stage, archive.

Each method is a thin call into ``consist.artifacts`` (imported on first use);
the behaviour and every parameter are documented there:
``consist.artifacts.materialize``, ``.staging`` and ``.recovery``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["TrackerRecovery"]

PathLike = str | os.PathLike[str]


class TrackerRecovery:
    """``materialize_run_outputs``, ``stage_inputs``, ``archive_run_outputs`` and friends."""

    def materialize_run_outputs(
        self,
        run_id: str,
        *,
        target_root: PathLike,
        source_root: PathLike | None = None,
        keys: Iterable[str] | None = None,
        preserve_existing: bool = True,
        on_missing: str = "warn",
        db_fallback: str = "if_ingested",
        validate_content_hash: str = "never",
        link_mode: str = "auto",
    ) -> Any:
        """Restore a run's outputs under ``target_root``, keeping their relative layout.

        Sources, in order: ``source_root`` (an archive mirror), the recorded
        location, the run directory before a move, recovery roots, archive
        mounts; CSV/Parquet outputs whose files are gone everywhere are rebuilt
        from ingested rows (``db_fallback="if_ingested"``). A relative
        ``target_root`` is under ``run_dir``; it must stay inside ``run_dir`` or
        a mount root unless external paths are allowed. ``link_mode="hardlink"``
        shares inodes with the source (a write through either changes both).

        Example:
            >>> restored = tracker.materialize_run_outputs(
            ...     "prior_run_id", target_root=Path("rehydrated"),
            ...     source_root=Path("/archive/outputs_mirror"))  # doctest: +SKIP
        """
        from consist.artifacts.materialize import materialize_run_outputs

        return materialize_run_outputs(
            self,
            run_id,
            target_root=target_root,
            source_root=source_root,
            keys=keys,
            preserve_existing=preserve_existing,
            on_missing=on_missing,
            db_fallback=db_fallback,
            validate_content_hash=validate_content_hash,
            link_mode=link_mode,
        )

    def hydrate_run_outputs(self, run_id: str, **kwargs: Any) -> Any:
        """Like ``materialize_run_outputs`` with a per-key outcome (``HydratedRunOutputsResult``).

        Example:
            >>> tracker.hydrate_run_outputs("r1", target_root="restored")["out"].status
            ... # doctest: +SKIP
        """
        from consist.artifacts.materialize import hydrate_run_outputs

        return hydrate_run_outputs(self, run_id, **kwargs)

    def hydrate_run_outputs_to_destinations(
        self, run_id: str, *, destinations_by_key: Mapping[str, PathLike], **kwargs: Any
    ) -> Any:
        """Place chosen outputs of a run at exact paths (``{key: path}``).

        Example:
            >>> tracker.hydrate_run_outputs_to_destinations(
            ...     "r1", destinations_by_key={"out": "inputs/out.csv"})  # doctest: +SKIP
        """
        from consist.artifacts.materialize import hydrate_run_outputs_to_destinations

        return hydrate_run_outputs_to_destinations(
            self, run_id, destinations_by_key=destinations_by_key, **kwargs
        )

    def materialize_artifact(self, artifact: Any, *, target_root: PathLike, **kwargs: Any) -> Any:
        """Place one artifact under ``target_root`` (digest checked when recorded).

        Example:
            >>> tracker.materialize_artifact(art, target_root="restored").status  # doctest: +SKIP
        """
        from consist.artifacts.materialize import materialize_artifact

        return materialize_artifact(self, artifact, target_root=target_root, **kwargs)

    def materialize(
        self, artifact: Any, destination_path: PathLike, *, on_missing: str = "warn"
    ) -> Path | None:
        """Copy one artifact to an exact path; the path, or None when no copy exists.

        Example:
            >>> tracker.materialize(art, "work/copy.csv")  # doctest: +SKIP
        """
        from consist.artifacts.materialize import destination_root, materialize_to, report_missing

        target = destination_root(self, destination_path, None)
        outcome = materialize_to(self, artifact, target, preserve_existing=False)
        if not outcome.ok:
            report_missing({outcome.key: outcome}, on_missing, artifact.run_id)
            return None
        return target

    def stage_artifact(self, artifact: Any, *, destination: PathLike, **kwargs: Any) -> Any:
        """Copy (``mode="copy"``), hard-link or symlink an input to an exact local path.

        Example:
            >>> tracker.stage_artifact(art, destination="data/land_use.csv")  # doctest: +SKIP
        """
        from consist.artifacts.staging import stage_artifact

        return stage_artifact(self, artifact, destination=destination, **kwargs)

    def stage_inputs(
        self,
        inputs_by_key: Mapping[str, Any],
        *,
        destinations_by_key: Mapping[str, PathLike],
        **kwargs: Any,
    ) -> Any:
        """Stage several inputs at once (``{key: artifact}`` to ``{key: path}``).

        Example:
            >>> tracker.stage_inputs({"lu": art}, destinations_by_key={"lu": "data/lu.csv"})
            ... # doctest: +SKIP
        """
        from consist.artifacts.staging import stage_inputs

        return stage_inputs(self, inputs_by_key, destinations_by_key=destinations_by_key, **kwargs)

    def set_artifact_recovery_roots(
        self, artifact: Any, roots: Iterable[PathLike], *, append: bool = False
    ) -> Any:
        """Record where copies of the artifact's bytes can be found (ordered).

        Example:
            >>> tracker.set_artifact_recovery_roots(art, ["/archive/a"])  # doctest: +SKIP
        """
        from consist.artifacts.recovery import set_artifact_recovery_roots

        return set_artifact_recovery_roots(self, artifact, roots, append=append)

    def register_artifact_recovery_copy(
        self, artifact: Any, recovery_root: PathLike, **kwargs: Any
    ) -> Any:
        """Check a copy under ``recovery_root`` against the digest and record the root.

        Example:
            >>> tracker.register_artifact_recovery_copy(art, "/archive/a")  # doctest: +SKIP
        """
        from consist.artifacts.recovery import register_artifact_recovery_copy

        return register_artifact_recovery_copy(self, artifact, recovery_root, **kwargs)

    def register_run_output_recovery_copies(
        self, run_id: str, recovery_root: PathLike, **kwargs: Any
    ) -> Any:
        """``register_artifact_recovery_copy`` for each output of a run.

        Example:
            >>> tracker.register_run_output_recovery_copies("r1", "/archive/a")  # doctest: +SKIP
        """
        from consist.artifacts.recovery import register_run_output_recovery_copies

        return register_run_output_recovery_copies(self, run_id, recovery_root, **kwargs)

    def archive_artifact(
        self, artifact: Any, archive_root: PathLike, *, mode: str = "copy", append: bool = True
    ) -> Path:
        """Copy (or move) an artifact under ``archive_root`` and record it for recovery.

        Example:
            >>> tracker.archive_artifact(art, "/archive/runs", mode="move")  # doctest: +SKIP
        """
        from consist.artifacts.recovery import archive_artifact

        return archive_artifact(self, artifact, archive_root, mode=mode, append=append)

    def archive_run_outputs(
        self,
        run_id: str,
        archive_root: PathLike,
        *,
        keys: Iterable[str] | None = None,
        mode: str = "copy",
        append: bool = True,
    ) -> Any:
        """Archive every (chosen) output of a run; returns ``ArchivedOutputs`` (key -> path).

        Example:
            >>> tracker.archive_run_outputs("r1", "/archive/runs").paths  # doctest: +SKIP
        """
        from consist.artifacts.recovery import archive_run_outputs

        return archive_run_outputs(self, run_id, archive_root, keys=keys, mode=mode, append=append)

    def archive_current_run_outputs(self, archive_root: PathLike, **kwargs: Any) -> Any:
        """Archive the outputs logged so far by the open run.

        Example:
            >>> tracker.archive_current_run_outputs("/archive/runs")  # doctest: +SKIP
        """
        from consist.artifacts.recovery import archive_current_run_outputs

        return archive_current_run_outputs(self, archive_root, **kwargs)

    def resolve_historical_path(self, artifact: Any, run: Any = None) -> Path:
        """Where the artifact was when ``run`` (default: its producer) recorded it.

        Example:
            >>> tracker.resolve_historical_path(art)  # doctest: +SKIP
            PosixPath('/old/runs/outputs/m/r/out.csv')
        """
        fs: Any = self.fs  # type: ignore[attr-defined]
        if run is None and artifact.run_id:
            run = self.get_run(artifact.run_id)  # type: ignore[attr-defined]
        meta = run.meta if run is not None else None
        historical = fs.historical_path(artifact.container_uri, meta)
        return historical if historical is not None else Path(fs.resolve(artifact.container_uri))
