"""The troubleshooting guide's run/trace snippets, run as written.

Each test sets up what the snippet assumes (files, a tracker, an earlier run)
and then executes the snippet's lines unchanged, except that placeholders
(``{...}``, ``...``, ``"run_id"``, ``my_function``) are filled in. The
validation error list of the guide is covered in tests/tracker/test_guide_errors.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

import consist
from consist import CacheOptions, ExecutionOptions, Tracker
from consist.store import open_database

_GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git project, so low-level runs (no function) have a code identity."""
    root = tmp_path_factory.mktemp("project")
    (root / "workflow.py").write_text("STEP = 1\n")
    subprocess.run([*_GIT, "init", "-q", str(root)], check=True)
    subprocess.run([*_GIT, "-C", str(root), "add", "."], check=True)
    subprocess.run([*_GIT, "-C", str(root), "commit", "-q", "-m", "init"], check=True)
    return root


@pytest.fixture
def tracker(tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"id": [1, 2], "value": [0.5, 1.5]}).to_csv("input.csv", index=False)
    outputs_root = tmp_path / "runs" / "published"
    outputs_root.mkdir(parents=True)
    tracker = Tracker(
        run_dir="./runs",
        db_path="./provenance.duckdb",
        project_root=project,
        mounts={"outputs": outputs_root},
    )
    with consist.use_tracker(tracker):
        yield tracker
    open_database(tracker.db_path).close()


def my_function(data: Path) -> dict[str, Path]:
    out = Path("result.csv")
    pd.read_csv(data).assign(double=lambda d: d.value * 2).to_csv(out, index=False)
    return {"result": out}


INPUTS = {"data": Path("input.csv")}
PATHS = ExecutionOptions(input_binding="paths")


def test_cache_hit_but_output_files_are_missing(tracker: Tracker) -> None:
    consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)

    # --- guide snippet ---

    result = consist.run(
        fn=my_function,
        inputs=INPUTS,
        cache_options=CacheOptions(cache_hydration="outputs-all"),  # Copy all cached outputs
        outputs=["result"],
        execution_options=PATHS,
    )
    # ---------------------
    assert result.cache_hit
    assert result.outputs["result"].path.exists()
    assert result.outputs["result"].path.parent == tracker.run_artifact_dir(result.run)


def test_same_inputs_config_but_cache_not_found(tracker: Tracker, capsys) -> None:
    value = 3
    consist.run(
        fn=my_function,
        inputs=INPUTS,
        config={"param": value},
        outputs=["result"],
        execution_options=PATHS,
    )

    # --- guide snippet ---
    from pathlib import Path

    identity = tracker.identity
    code_hash = identity.get_code_version()
    # If you want to match Consist's exact run hash, include model/year/iteration:
    # config_hash = identity.compute_run_config_hash(config={"param": value}, model="my_model", year=2030)
    config_hash = identity.compute_config_hash({"param": value})
    input_hash = identity.compute_file_checksum(Path("input.csv"))

    print(f"Code: {code_hash}")
    print(f"Config: {config_hash}")
    print(f"Inputs: {input_hash}")

    # Check if these match a prior run
    prior_runs = tracker.find_runs()
    for run in prior_runs:
        print(f"Run {run.id}: signature={run.signature}")
    # ---------------------
    (recorded,) = prior_runs
    assert recorded.git_hash == code_hash
    assert recorded.config_hash == identity.compute_run_config_hash(
        config={"param": value}, model="my_function"
    )
    assert recorded.meta["identity"]["inputs"]["data"] == f"content:{input_hash}"
    assert f"signature={recorded.signature}" in capsys.readouterr().out


def test_force_reexecution_with_overwrite(tracker: Tracker) -> None:
    first = consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)
    your_fn = my_function

    # --- guide snippet ---

    result = consist.run(
        fn=your_fn,
        inputs=INPUTS,
        outputs=["result"],
        cache_options=CacheOptions(cache_mode="overwrite"),
        execution_options=PATHS,
    )
    # ---------------------
    assert not result.cache_hit and result.run.signature == first.run.signature


def test_separate_databases_per_process(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    process_id = 7

    # --- guide snippet ---
    tracker = Tracker(
        run_dir="./runs",
        db_path=f"./provenance_{process_id}.duckdb",  # Unique per process
    )
    # ---------------------
    assert tracker.db_path == tmp_path / "provenance_7.duckdb"


def test_uri_resolution(tracker: Tracker) -> None:
    result_path = tracker.run_dir / "published" / "key" / "result.csv"
    result_path.parent.mkdir()
    pd.DataFrame({"x": [1]}).to_csv(result_path, index=False)

    # --- guide snippet ---
    with tracker.start_run("resolve_uri", model="example"):
        artifact = tracker.log_artifact(result_path, key="key", direction="output")
        df = pd.read_csv(artifact.path)  # Use .path property

    resolved_path = tracker.resolve_uri("outputs://key/result.csv")
    df = pd.read_csv(resolved_path)
    # ---------------------
    assert artifact.container_uri == "outputs://key/result.csv"
    assert df["x"].tolist() == [1]


def test_working_directory_changed_between_runs(tracker: Tracker, tmp_path, monkeypatch) -> None:
    # --- guide snippet ---
    output_file = Path(tracker.run_dir) / "results.csv"  # Absolute
    # ---------------------
    output_file.write_text("a\n1\n")
    result = output_file

    # --- guide snippet ---
    with tracker.start_run("log_output", model="example"):
        tracker.log_artifact(result, key="output", direction="output")
    # ---------------------
    monkeypatch.chdir(tmp_path / "runs")  # re-run from a different directory
    # --- guide snippet ("run_id" filled in) ---
    artifact = tracker.get_artifacts_for_run("log_output").outputs["output"]
    print(artifact.path)  # Absolute path
    # ---------------------
    assert artifact.container_uri == "./results.csv"
    assert artifact.path == output_file and artifact.path.is_absolute()


def test_profile_execution_and_avoid_materialization(tracker: Tracker, capsys) -> None:
    # --- guide snippet ---
    import time

    start = time.time()
    result = consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)
    print(f"Elapsed: {time.time() - start}s")
    print(f"Cache hit: {result.cache_hit}")

    # Don't materialize if you don't need it
    result = consist.run(
        fn=my_function,
        inputs=INPUTS,
        outputs=["result"],
        execution_options=PATHS,
        cache_options=CacheOptions(cache_hydration="none"),
    )
    # ---------------------
    assert "Cache hit: False" in capsys.readouterr().out
    assert result.cache_hit and "materialized_outputs" not in result.run.meta


def test_vacuum_through_the_engine(tracker: Tracker) -> None:
    consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)

    # --- guide snippet ---
    with tracker.engine.begin() as conn:
        conn.exec_driver_sql("VACUUM")
    # ---------------------
    assert tracker.find_runs()[0].status == "completed"


def test_debug_logging_shows_signatures_and_cache_decisions(tracker: Tracker, caplog) -> None:
    # --- guide snippet ---
    import logging

    logging.basicConfig(level=logging.DEBUG)
    logger = logging.getLogger("consist")
    logger.setLevel(logging.DEBUG)
    # ---------------------
    try:
        with caplog.at_level(logging.DEBUG, logger="consist"):
            consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)
            consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)
    finally:
        logger.setLevel(logging.NOTSET)
        logging.getLogger().setLevel(logging.WARNING)
    text = caplog.text
    assert "signature" in text and "code=" in text and "config=" in text
    assert "cache MISS" in text and "cache HIT" in text


def test_inspect_run_metadata(tracker: Tracker, capsys) -> None:
    first = consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)

    # --- guide snippet ("run_id" filled in) ---
    run = tracker.get_run(first.run.id)
    print(f"Signature: {run.signature}")
    print(f"Code hash: {run.git_hash}")
    print(f"Meta: {run.meta}")
    # ---------------------
    out = capsys.readouterr().out
    assert f"Signature: {first.run.signature}" in out and "cache_miss_reason" in out


def test_inspect_database(tracker: Tracker, capsys) -> None:
    result = consist.run(fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS)
    tracker.close()  # let go of the file now rather than after the idle period

    # --- guide snippet ---
    import duckdb

    conn = duckdb.connect("provenance.duckdb")
    print(conn.query("SELECT * FROM run LIMIT 5").df())
    print(conn.query("SELECT * FROM artifact LIMIT 5").df())
    # ---------------------
    conn.close()
    out = capsys.readouterr().out
    assert result.run.id in out and "[1 rows x" in out and "[2 rows x" in out


def test_check_file_hashes(tracker: Tracker, capsys) -> None:
    # --- guide snippet ---
    from pathlib import Path

    with tracker.start_run("hash_input", model="example"):
        artifact = tracker.log_artifact(Path("input.csv"), key="input", direction="input")
        print(f"Path: {artifact.path}")
        print(f"Hash: {artifact.hash}")
        print(f"Size: {artifact.path.stat().st_size}")
    # ---------------------
    out = capsys.readouterr().out
    assert f"Hash: {consist.hash_file('input.csv')}" in out
    assert f"Size: {Path('input.csv').stat().st_size}" in out


def test_recommended_path_does_not_warn(tracker: Tracker) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = consist.run(
            fn=my_function, inputs=INPUTS, outputs=["result"], execution_options=PATHS
        )
    assert result.run.status == "completed"
