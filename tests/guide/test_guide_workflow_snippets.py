"""The troubleshooting guide's workflow and recovery snippets, run as written.

Covers "Cache hit but output files are missing" (materialize_run_outputs, the
archive-mirror source root on run(...), scenario steps and start_run flows,
restoring into a mount root), the scenario input error and its consist.refs
fix, and the removed keywords on scenario step surfaces. Placeholders
(``"prior_run_id"``, ``/archive/outputs_mirror``, ``...``) are filled in with
real runs and temporary folders. Run/trace snippets live in
test_guide_run_snippets.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import consist
from consist import CacheOptions, ExecutionOptions, Tracker
from consist.store import open_database

_GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
PATHS = ExecutionOptions(input_binding="paths")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "workflow.py").write_text("STEP = 1\n")
    subprocess.run([*_GIT, "init", "-q", str(root)], check=True)
    subprocess.run([*_GIT, "-C", str(root), "add", "."], check=True)
    subprocess.run([*_GIT, "-C", str(root), "commit", "-q", "-m", "init"], check=True)
    return root


@pytest.fixture
def tracker(tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONSIST_ALLOW_EXTERNAL_PATHS", raising=False)
    pd.DataFrame({"id": [1, 2], "value": [0.5, 1.5]}).to_csv("input.csv", index=False)
    tracker = Tracker(
        run_dir="./runs",
        db_path="./provenance.duckdb",
        project_root=project,
        mounts={"shared": tmp_path / "shared"},
    )
    with consist.use_tracker(tracker):
        yield tracker
    open_database(tracker.db_path).close()


def my_function(data: Path) -> dict[str, Path]:
    out = consist.output_path("result", "csv")
    pd.read_csv(data).assign(double=lambda d: d.value * 2).to_csv(out, index=False)
    return {"result": out}


def _prior_run(tracker: Tracker, tmp_path: Path) -> tuple[str, Path, bytes]:
    """A finished run whose output was mirrored to an archive and then deleted."""
    result = consist.run(
        fn=my_function,
        inputs={"data": Path("input.csv")},
        outputs=["result"],
        execution_options=PATHS,
    )
    mirror = tmp_path / "archive" / "outputs_mirror"
    shutil.copytree(tracker.run_dir / "outputs", mirror / "outputs")
    path = result.outputs["result"].path
    data = path.read_bytes()
    path.unlink()
    return result.run.id, mirror, data


def test_materialize_run_outputs_from_an_archive_mirror(tracker: Tracker, tmp_path) -> None:
    prior_run_id, mirror, data = _prior_run(tracker, tmp_path)

    # --- guide snippet ("prior_run_id" and the mirror path filled in) ---
    from pathlib import Path

    restored = tracker.materialize_run_outputs(
        prior_run_id,
        target_root=Path("rehydrated"),
        source_root=mirror,  # optional
    )
    # ---------------------
    target = Path(restored.materialized_from_filesystem["result"])
    assert target.read_bytes() == data
    # "This preserves historical relative layout under target_root."
    assert target.relative_to(tracker.run_dir / "rehydrated").parts[0] == "outputs"


def test_archive_mirror_on_run_and_scenario_steps(tracker: Tracker, tmp_path) -> None:
    _, mirror, data = _prior_run(tracker, tmp_path)
    result = consist.run(
        fn=my_function,
        inputs={"data": Path("input.csv")},
        outputs=["result"],
        execution_options=PATHS,
        cache_options=CacheOptions(
            cache_hydration="outputs-all", materialize_cached_outputs_source_root=mirror
        ),
    )
    assert result.cache_hit and result.outputs["result"].path.read_bytes() == data
    with consist.scenario("mirror", tracker=tracker) as sc:
        step = sc.run(
            fn=my_function,
            inputs={"data": Path("input.csv")},
            outputs=["result"],
            execution_options=PATHS,
            cache_options=CacheOptions(
                cache_hydration="outputs-all", materialize_cached_outputs_source_root=mirror
            ),
        )
    assert step.outputs["result"].path.read_bytes() == data


def test_archive_mirror_on_low_level_start_run(tracker: Tracker, tmp_path) -> None:
    produced = tracker.run_dir / "report.txt"
    with tracker.start_run("report_1", model="report", config={"v": 1}):
        produced.write_text("report")
        tracker.log_artifact(produced, key="report", direction="output")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    shutil.copy(produced, mirror / "report.txt")
    produced.unlink()
    with tracker.start_run(
        "report_2",
        model="report",
        config={"v": 1},
        cache_hydration="outputs-all",
        materialize_cached_outputs_source_root=mirror,
    ):
        assert tracker.is_cached
        restored = tracker.cached_output("report")
    assert restored.path.read_text() == "report"


def test_restore_into_a_mount_root_without_external_paths(tracker: Tracker, tmp_path) -> None:
    prior_run_id, mirror, data = _prior_run(tracker, tmp_path)
    restored = tracker.materialize_run_outputs(
        prior_run_id, target_root=tmp_path / "shared" / "restored", source_root=mirror
    )
    assert Path(restored.materialized_from_filesystem["result"]).read_bytes() == data
    assert tracker.allow_external_paths is False


def test_scenario_input_string_did_not_resolve_and_refs_fix(tracker: Tracker) -> None:
    with consist.scenario("guide", tracker=tracker) as sc:
        with pytest.raises(ValueError, match="Scenario input string did not resolve"):
            sc.run(
                fn=my_function,
                inputs={"data": "not_a_key_or_path"},
                outputs=["result"],
                execution_options=PATHS,
            )
        first = sc.run(
            fn=my_function,
            inputs={"data": Path("input.csv")},
            outputs=["result"],
            execution_options=PATHS,
        )
        # the fix: "on the recommended path use consist.refs(...) between steps"
        second = sc.run(
            fn=my_function,
            name="again",
            inputs=consist.refs(first, {"data": "result"}),
            outputs=["result"],
            execution_options=PATHS,
        )
    assert second.run.parent_run_id == "guide"
    assert pd.read_csv(second.outputs["result"].path)["double"].tolist() == [1.0, 3.0]


def test_removed_keywords_on_scenario_step_surfaces(tracker: Tracker) -> None:
    with consist.scenario("kw", tracker=tracker) as sc:
        with pytest.raises(TypeError, match="unexpected keyword argument 'hash_inputs'"):
            sc.run(
                fn=my_function, inputs={"data": Path("input.csv")}, hash_inputs=[Path("input.csv")]
            )
        with pytest.raises(TypeError, match="unexpected keyword argument 'config_plan'"):
            with sc.trace("t", config_plan=object()):
                pass
    # "Scenario header contexts still route through begin_run(...), where hash_inputs
    # remains a legacy low-level option."
    with consist.scenario("legacy", tracker=tracker, hash_inputs=[Path("input.csv")]):
        pass
