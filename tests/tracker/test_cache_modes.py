"""cache_mode, cache_hydration and validate_cached_outputs, with real files and DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from consist import CacheOptions, ExecutionOptions
from consist.errors import ConsistRuntimeError
from consist.tracker import Tracker

PATHS = ExecutionOptions(input_binding="paths")


@pytest.fixture
def raw(workdir: Path) -> Path:
    path = workdir / "raw.txt"
    path.write_text("abc")
    return path


def shout(raw: Path) -> dict[str, Path]:
    out = raw.parent / "produced" / "shout.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(raw.read_text().upper())
    return {"shout": out}


def run(tracker: Tracker, raw: Path, **cache):
    return tracker.run(
        fn=shout,
        inputs={"raw": raw},
        outputs=["shout"],
        execution_options=PATHS,
        cache_options=CacheOptions(**cache) if cache else None,
    )


def test_overwrite_always_executes_and_becomes_the_newest_cache_source(
    tracker: Tracker, raw: Path
) -> None:
    first = run(tracker, raw)
    forced = run(tracker, raw, cache_mode="overwrite")
    reused = run(tracker, raw)

    assert not forced.cache_hit
    assert forced.run.signature == first.run.signature
    assert reused.cache_hit and reused.run.meta["cache_source"] == forced.run.id


def test_readonly_reuses_hits_and_records_nothing(tracker: Tracker, raw: Path) -> None:
    first = run(tracker, raw)
    runs_before = tracker.find_runs(limit=None)

    hit = run(tracker, raw, cache_mode="readonly")
    raw.write_text("changed")
    miss = run(tracker, raw, cache_mode="readonly")

    assert hit.cache_hit and hit.run.meta["cache_source"] == first.run.id
    assert not miss.cache_hit and miss.outputs["shout"].path.read_text() == "CHANGED"
    assert {r.id for r in tracker.find_runs(limit=None)} == {r.id for r in runs_before}
    assert hit.run.status == miss.run.status == "skipped_save"
    assert tracker.get_run(miss.run.id) is None


def test_default_hydration_is_metadata_only(tracker: Tracker, raw: Path) -> None:
    first = run(tracker, raw)
    first.outputs["shout"].path.unlink()
    hit = run(tracker, raw)
    assert hit.cache_hit
    assert not hit.outputs["shout"].path.exists()  # the guide's "cache hit but files missing"
    assert "materialized_outputs" not in hit.run.meta


def test_none_is_a_synonym_of_metadata(tracker: Tracker, raw: Path) -> None:
    run(tracker, raw)
    hit = run(tracker, raw, cache_hydration="none")
    assert hit.cache_hit and "materialized_outputs" not in hit.run.meta


def test_outputs_all_copies_cached_outputs_into_the_new_run_dir(
    tracker: Tracker, raw: Path
) -> None:
    first = run(tracker, raw)
    hit = run(tracker, raw, cache_hydration="outputs-all")

    copy = hit.outputs["shout"]
    assert hit.cache_hit
    assert copy.path != first.outputs["shout"].path
    assert copy.path.read_text() == "ABC"
    assert copy.path.is_relative_to(tracker.run_artifact_dir(hit.run))
    assert copy.hash == first.outputs["shout"].hash
    assert copy.run_id == first.run.id  # still produced by the original run
    assert hit.run.meta["materialized_outputs"] == {"shout": str(copy.path)}
    recorded = tracker.get_artifacts_for_run(hit.run.id).outputs["shout"]
    assert recorded.id == copy.id and recorded.path == copy.path


def test_outputs_all_with_missing_source_fails_clearly(tracker: Tracker, raw: Path) -> None:
    first = run(tracker, raw)
    first.outputs["shout"].path.unlink()
    with pytest.raises(ConsistRuntimeError, match="Cannot hydrate cached output 'shout'"):
        run(tracker, raw, cache_hydration="outputs-all")


def test_outputs_all_reads_from_an_archive_source_root(
    tracker: Tracker, raw: Path, workdir: Path
) -> None:
    first = run(tracker, raw)
    archive = workdir / "archive"
    archive.mkdir()
    (archive / "shout.txt").write_text("ABC")
    first.outputs["shout"].path.unlink()

    hit = run(
        tracker,
        raw,
        cache_hydration="outputs-all",
        materialize_cached_outputs_source_root=archive,
    )
    assert hit.cache_hit and hit.outputs["shout"].path.read_text() == "ABC"


def test_outputs_requested_places_outputs_at_output_paths(
    tracker: Tracker, raw: Path, workdir: Path
) -> None:
    def step(raw: Path, target: Path) -> None:
        target.write_text(raw.read_text().upper())

    def go(destination: Path):
        return tracker.run(
            fn=step,
            inputs={"raw": raw},
            output_paths={"shout": destination},
            execution_options=ExecutionOptions(
                input_binding="paths", runtime_kwargs={"target": destination}
            ),
            cache_options=CacheOptions(cache_hydration="outputs-requested"),
        )

    first = go(workdir / "first" / "shout.txt")
    second_destination = workdir / "second" / "shout.txt"
    hit = go(second_destination)

    assert not first.cache_hit and hit.cache_hit
    assert second_destination.read_text() == "ABC"
    assert hit.outputs["shout"].path == second_destination
    assert hit.run.meta["materialized_outputs"] == {"shout": str(second_destination)}


def test_outputs_requested_failure_policy(tracker: Tracker, raw: Path, workdir: Path) -> None:
    calls = []

    def step(raw: Path) -> None:
        calls.append(1)
        (workdir / "dest.txt").write_text("v")

    def go(failure: str):
        return tracker.run(
            fn=step,
            inputs={"raw": raw},
            output_paths={"out": workdir / "dest.txt"},
            execution_options=PATHS,
            cache_options=CacheOptions(
                cache_hydration="outputs-requested", cache_hydration_failure=failure
            ),
        )

    first = go("warn")
    kept = go("warn")
    assert kept.cache_hit and len(calls) == 1
    # With the cached bytes gone everywhere the candidate is rejected (reference 3.3):
    # the step runs under either failure policy.
    for n, failure in enumerate(("warn", "miss"), start=2):
        (workdir / "dest.txt").unlink()
        rerun = go(failure)
        assert not rerun.cache_hit and len(calls) == n
        assert "could not be materialised" in rerun.run.meta["cache_miss_reason"]
    assert first.run.id != rerun.run.id


def test_eager_validation_rejects_changed_outputs(tracker: Tracker, raw: Path) -> None:
    first = run(tracker, raw)
    assert run(tracker, raw, validate_cached_outputs="eager").cache_hit
    first.outputs["shout"].path.write_text("tampered")

    lazy = run(tracker, raw)
    eager = run(tracker, raw, validate_cached_outputs="eager")

    assert lazy.cache_hit
    assert not eager.cache_hit
    assert eager.run.meta["cache_miss_explanation"]["reason"] == "candidate_outputs_invalid"
    assert eager.outputs["shout"].path.read_text() == "ABC"


def test_eager_validation_rejects_missing_outputs(tracker: Tracker, raw: Path) -> None:
    first = run(tracker, raw)
    first.outputs["shout"].path.unlink()
    assert not run(tracker, raw, validate_cached_outputs="eager").cache_hit


def test_inputs_missing_restores_a_produced_input_from_its_recovery_root(
    tracker: Tracker, raw: Path, workdir: Path
) -> None:
    upstream = run(tracker, raw)
    produced = upstream.outputs["shout"]
    backup = workdir / "backup"
    backup.mkdir()
    (backup / "shout.txt").write_text(produced.path.read_text())
    produced.meta["recovery_roots"] = [str(backup)]
    produced.path.unlink()

    def count(shout: Path) -> dict[str, Path]:
        out = shout.parent / "count.txt"
        out.write_text(str(len(shout.read_text())))
        return {"count": out}

    result = tracker.run(fn=count, inputs={"shout": produced}, execution_options=PATHS)
    assert result.run.meta["restored_inputs"] == {"shout": str(produced.path)}
    assert result.outputs["count"].path.read_text() == "3"
