"""Cache hits and misses of tracker.run, one identity component at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from consist import CacheOptions, ExecutionOptions
from consist.tracker import Tracker

PATHS = ExecutionOptions(input_binding="paths")


def double(raw: Path, factor: int = 2) -> dict[str, Path]:
    out = raw.parent / f"doubled_{factor}.txt"
    out.write_text(raw.read_text() * int(factor))
    return {"doubled": out}


def run_double(tracker: Tracker, raw: Path, **kwargs):
    kwargs.setdefault("config", {"factor": 2})
    return tracker.run(
        fn=double, inputs={"raw": raw}, outputs=["doubled"], execution_options=PATHS, **kwargs
    )


@pytest.fixture
def raw(workdir: Path) -> Path:
    path = workdir / "raw.txt"
    path.write_text("abc")
    return path


def test_second_identical_run_is_a_hit_and_does_not_call_fn(tracker: Tracker, raw: Path) -> None:
    calls = []

    def step(raw: Path) -> dict[str, Path]:
        calls.append(raw)
        return double(raw)

    first = tracker.run(fn=step, inputs={"raw": raw}, outputs=["doubled"], execution_options=PATHS)
    second = tracker.run(fn=step, inputs={"raw": raw}, outputs=["doubled"], execution_options=PATHS)

    assert (first.cache_hit, second.cache_hit) == (False, True)
    assert len(calls) == 1
    assert second.run.id != first.run.id
    assert second.run.signature == first.run.signature
    assert second.run.meta["cache_source"] == first.run.id
    assert second.outputs["doubled"].id == first.outputs["doubled"].id
    assert second.outputs["doubled"].path.read_text() == "abcabc"


def test_hit_is_found_by_a_new_tracker_in_the_same_database(make_tracker, raw: Path) -> None:
    first = run_double(make_tracker(), raw)
    second = run_double(make_tracker(), raw)
    third = run_double(make_tracker(), raw)
    assert not first.cache_hit and second.cache_hit and third.cache_hit
    # A hit on a hit still names the run that executed.
    assert second.run.meta["cache_source"] == third.run.meta["cache_source"] == first.run.id


def test_config_change_is_a_miss_with_reason(tracker: Tracker, raw: Path) -> None:
    run_double(tracker, raw, config={"factor": 2})
    changed = run_double(tracker, raw, config={"factor": 3})
    again = run_double(tracker, raw, config={"factor": 3})

    assert not changed.cache_hit and again.cache_hit
    explanation = changed.run.meta["cache_miss_explanation"]
    assert explanation["reason"] == "config_changed"
    assert "config changed" in changed.run.meta["cache_miss_reason"]


def test_config_types_are_identity(tracker: Tracker, raw: Path) -> None:
    run_double(tracker, raw, config={"factor": 2})
    assert not run_double(tracker, raw, config={"factor": 2.0}).cache_hit


def test_input_content_change_is_a_miss(tracker: Tracker, raw: Path) -> None:
    run_double(tracker, raw)
    raw.write_text("xyz")
    changed = run_double(tracker, raw)
    assert not changed.cache_hit
    assert changed.run.meta["cache_miss_explanation"]["reason"] == "inputs_changed"
    assert "input 'raw' changed" in changed.run.meta["cache_miss_reason"]
    assert changed.outputs["doubled"].path.read_text() == "xyzxyz"


def test_code_change_is_a_miss_with_callable_source(tracker: Tracker, raw: Path) -> None:
    options = CacheOptions(code_identity="callable_source")

    def step(raw: Path) -> None:
        return None

    def step_v2(raw: Path) -> None:
        return None  # different source text

    step_v2.__name__ = "step"
    first = tracker.run(
        fn=step, inputs={"raw": raw}, execution_options=PATHS, cache_options=options
    )
    same = tracker.run(fn=step, inputs={"raw": raw}, execution_options=PATHS, cache_options=options)
    edited = tracker.run(
        fn=step_v2, inputs={"raw": raw}, execution_options=PATHS, cache_options=options
    )

    assert [first.cache_hit, same.cache_hit, edited.cache_hit] == [False, True, False]
    assert first.run.git_hash.startswith("src:")
    assert edited.run.meta["cache_miss_explanation"]["reason"] == "code_changed"


def test_repo_git_code_identity_changes_with_a_dirty_edit(
    make_tracker, raw: Path, new_git_project
) -> None:
    project = new_git_project()
    tracker = make_tracker(project_root=project)
    first = run_double(tracker, raw)
    assert run_double(tracker, raw).cache_hit
    (project / "model.py").write_text("VERSION = 22\n")
    edited = run_double(tracker, raw)

    assert not edited.cache_hit
    assert first.run.meta["code_identity"] == "repo_git"
    assert "-dirty-" in edited.run.git_hash
    assert edited.run.meta["cache_miss_explanation"]["reason"] == "code_changed"


def test_identity_input_change_is_a_miss(tracker: Tracker, raw: Path, workdir: Path) -> None:
    settings = workdir / "settings.yaml"
    settings.write_text("a: 1\n")
    first = run_double(tracker, raw, identity_inputs=[settings])
    hit = run_double(tracker, raw, identity_inputs=[settings])
    settings.write_text("a: 2\n")
    changed = run_double(tracker, raw, identity_inputs=[settings])

    assert [first.cache_hit, hit.cache_hit, changed.cache_hit] == [False, True, False]
    assert changed.run.meta["cache_miss_explanation"]["mismatched_components"] == [
        "identity_inputs"
    ]
    assert "consist_hash_inputs" in changed.run.meta


def test_run_fields_are_identity(tracker: Tracker, raw: Path) -> None:
    run_double(tracker, raw, year=2030)
    assert run_double(tracker, raw, year=2030).cache_hit
    other_year = run_double(tracker, raw, year=2040)
    assert not other_year.cache_hit
    assert other_year.run.meta["cache_miss_explanation"]["mismatched_components"] == ["year"]


def test_cache_version_and_epoch_invalidate(tracker: Tracker, raw: Path) -> None:
    run_double(tracker, raw)
    assert not run_double(tracker, raw, cache_options=CacheOptions(cache_version=2)).cache_hit
    assert run_double(tracker, raw, cache_options=CacheOptions(cache_version=2)).cache_hit
    assert not run_double(tracker, raw, cache_options=CacheOptions(cache_epoch=7)).cache_hit


def test_upstream_run_change_propagates_through_merkle_linking(tracker: Tracker, raw: Path) -> None:
    def produce(raw: Path, suffix: str) -> dict[str, Path]:
        out = raw.parent / "intermediate.txt"
        out.write_text(raw.read_text() + suffix)
        return {"intermediate": out}

    def consume(intermediate: Path) -> dict[str, Path]:
        out = intermediate.parent / "final.txt"
        out.write_text(intermediate.read_text().upper())
        return {"final": out}

    def chain(suffix: str):
        upstream = tracker.run(
            fn=produce,
            inputs={"raw": raw},
            config={"suffix": suffix},
            outputs=["intermediate"],
            execution_options=PATHS,
        )
        downstream = tracker.run(
            fn=consume,
            inputs={"intermediate": upstream.outputs["intermediate"].path},
            outputs=["final"],
            execution_options=PATHS,
        )
        return upstream, downstream

    up1, down1 = chain("!")
    up2, down2 = chain("!")
    up3, down3 = chain("?")

    assert [up1.cache_hit, up2.cache_hit, up3.cache_hit] == [False, True, False]
    assert [down1.cache_hit, down2.cache_hit, down3.cache_hit] == [False, True, False]
    # The consumed file was recognised as up1's output: it is linked, not re-identified.
    consumed = tracker.get_artifacts_for_run(down1.run.id).inputs["intermediate"]
    assert consumed.run_id == up1.run.id
    assert down1.run.meta["upstream_run_ids"] == [up1.run.id]
    assert down1.run.parent_run_id is None  # parent_run_id is for scenario headers
    assert down3.run.meta["cache_miss_explanation"]["reason"] == "upstream_run_changed"
    assert down3.outputs["final"].path.read_text() == "ABC?"


def test_result_artifacts_can_be_passed_as_inputs(tracker: Tracker, raw: Path) -> None:
    upstream = run_double(tracker, raw)

    def count(doubled: Path) -> dict[str, Path]:
        out = doubled.parent / "count.txt"
        out.write_text(str(len(doubled.read_text())))
        return {"count": out}

    via_artifact = tracker.run(
        fn=count, inputs={"doubled": upstream.outputs["doubled"]}, execution_options=PATHS
    )
    via_result = tracker.run(fn=count, inputs={"doubled": upstream}, execution_options=PATHS)
    assert not via_artifact.cache_hit and via_result.cache_hit
    assert via_artifact.outputs["count"].path.read_text() == "6"


def test_a_failed_run_is_never_a_cache_hit(tracker: Tracker, raw: Path) -> None:
    attempts = []

    def flaky(raw: Path) -> dict[str, Path]:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("transient")
        return double(raw)

    with pytest.raises(RuntimeError, match="transient"):
        tracker.run(fn=flaky, inputs={"raw": raw}, outputs=["doubled"], execution_options=PATHS)
    retried = tracker.run(
        fn=flaky, inputs={"raw": raw}, outputs=["doubled"], execution_options=PATHS
    )
    assert not retried.cache_hit and len(attempts) == 2
    assert tracker.run(
        fn=flaky, inputs={"raw": raw}, outputs=["doubled"], execution_options=PATHS
    ).cache_hit


def test_a_raw_input_read_by_many_runs_is_one_artifact(make_tracker, raw: Path) -> None:
    import json

    first = run_double(make_tracker(), raw, config={"factor": 2})
    reader = make_tracker()  # a fresh tracker, as in another process
    second = run_double(reader, raw, config={"factor": 3})
    a = reader.get_artifacts_for_run(first.run.id).inputs["raw"]
    b = reader.get_artifacts_for_run(second.run.id).inputs["raw"]
    assert a.id == b.id and a.created_at == b.created_at
    assert len(reader.metadata_store.find_artifacts(key="raw")) == 1
    snapshot = json.loads((reader.run_dir / "consist_runs" / f"{second.run.id}.json").read_text())
    assert snapshot["inputs"][0]["created_at"] == a.created_at.isoformat()
