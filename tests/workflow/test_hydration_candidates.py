"""cache_hydration="outputs-requested": a candidate whose outputs are gone is skipped for an older one."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from consist import CacheOptions, ExecutionOptions

PATHS = ExecutionOptions(input_binding="paths")
CALLS: list[int] = []


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _produce(raw: Path) -> dict[str, Path]:
    from consist import output_dir

    CALLS.append(1)
    table = output_dir("tables") / "table.csv"
    # Each execution writes different bytes, so a test can tell the runs apart.
    table.write_text(f"{raw.read_text()}run {len(CALLS)}\n")
    return {"table": table}


def _run(tracker, raw: Path, **cache):
    return tracker.run(
        fn=_produce,
        inputs={"raw": raw},
        outputs=["table"],
        execution_options=PATHS,
        cache_options=CacheOptions(**cache),
    )


def _requested(tracker, raw: Path, dest: Path):
    return tracker.run(
        fn=_produce,
        inputs={"raw": raw},
        output_paths={"table": dest},
        execution_options=PATHS,
        cache_options=CacheOptions(cache_hydration="outputs-requested"),
    )


def _two_runs(tracker, workdir: Path):
    """An older and a newer completed run with the same signature."""
    CALLS.clear()
    raw = workdir / "raw.csv"
    raw.write_text("x\n")
    older = _run(tracker, raw)
    newer = _run(tracker, raw, cache_mode="overwrite")
    assert older.run.signature == newer.run.signature and len(CALLS) == 2
    return raw, older, newer


def test_the_next_older_candidate_is_used_when_the_newest_lost_its_outputs(
    tracker, workdir
) -> None:
    raw, older, newer = _two_runs(tracker, workdir)
    older_digest = _sha(older.outputs["table"].path)
    assert older_digest != _sha(newer.outputs["table"].path)
    shutil.rmtree(tracker.run_artifact_dir(newer.run))

    dest = workdir / "wanted" / "table.csv"
    hit = _requested(tracker, raw, dest)
    assert hit.cache_hit and len(CALLS) == 2
    assert hit.run.meta["cache_source"] == older.run.id
    assert _sha(dest) == older_digest
    assert hit.outputs["table"].path == dest


def test_a_fresh_tracker_also_skips_the_broken_candidate(make_tracker, workdir) -> None:
    raw, older, newer = _two_runs(make_tracker(), workdir)
    older_digest = _sha(older.outputs["table"].path)
    shutil.rmtree(make_tracker().run_artifact_dir(newer.run))

    dest = workdir / "fresh" / "table.csv"
    hit = _requested(make_tracker(), raw, dest)  # nothing remembered in memory
    assert hit.cache_hit and hit.run.meta["cache_source"] == older.run.id
    assert _sha(dest) == older_digest


def test_an_older_candidate_restored_from_the_mirror_is_used(tracker, workdir) -> None:
    raw, older, newer = _two_runs(tracker, workdir)
    older_dir = tracker.run_artifact_dir(older.run)
    older_digest = _sha(older.outputs["table"].path)
    mirror = workdir / "mirror"
    # A mirror with the run directory's layout, holding only the older run's folder.
    shutil.copytree(older_dir, mirror / older_dir.relative_to(tracker.run_dir))
    shutil.rmtree(older_dir)
    shutil.rmtree(tracker.run_artifact_dir(newer.run))

    dest = workdir / "mirrored" / "table.csv"
    hit = tracker.run(
        fn=_produce,
        inputs={"raw": raw},
        output_paths={"table": dest},
        execution_options=PATHS,
        cache_options=CacheOptions(
            cache_hydration="outputs-requested", materialize_cached_outputs_source_root=mirror
        ),
    )
    assert hit.cache_hit and hit.run.meta["cache_source"] == older.run.id
    assert _sha(dest) == older_digest and len(CALLS) == 2


def test_the_step_runs_when_no_candidate_can_materialise(tracker, workdir) -> None:
    raw, older, newer = _two_runs(tracker, workdir)
    shutil.rmtree(tracker.run_artifact_dir(older.run))
    shutil.rmtree(tracker.run_artifact_dir(newer.run))

    rerun = _requested(tracker, raw, workdir / "wanted" / "table.csv")
    assert not rerun.cache_hit and len(CALLS) == 3
    assert "could not be materialised" in rerun.run.meta["cache_miss_reason"]
    explanation = rerun.run.meta["cache_miss_explanation"]
    assert explanation["reason"] == "candidate_outputs_unavailable"
    assert set(explanation["details"]) == {older.run.id, newer.run.id}
    assert rerun.outputs["table"].path.read_text() == "x\nrun 3\n"
