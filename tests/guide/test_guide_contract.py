"""The troubleshooting guide as a contract: every item it names, and the test that checks it.

``CONTRACT`` maps each API, option, CLI command/flag, environment variable,
message and promised behaviour of /work/shared/spec/troubleshooting-guide.txt
(top to bottom) to the test covering it (``file::test``). The first test below
makes the table itself checked: every entry must name an existing test.
Items no other test covered are tested here (API) and in
``test_guide_contract_cli.py`` (the runbook lines, verbatim, as subprocesses).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import consist
from consist import ExecutionOptions, Tracker
from consist.errors import ConsistError

_G, _R, _W = "tests/guide/test_guide_", "tests/cli/test_runbook.py::", "workflow_snippets.py::"
_E, _C = "tests/tracker/test_guide_errors.py::", "tests/guide/test_guide_contract"
_RUN, _DATA = f"{_G}run_snippets.py::", "tests/data/test_guide_data_snippets.py::"
_K = "tests/containers/"
RUNBOOK = f"{_R}test_runbook_end_to_end"
CONTRACT: dict[str, str] = {
    # Recommended path and low-level lifecycle
    "consist.run(...)": f"{_RUN}test_cache_hit_but_output_files_are_missing",
    "consist.trace(...)": "tests/workflow/test_trace.py::test_body_always_runs_and_a_same_output_keeps_the_hit",
    "consist.scenario(...)": f"{_G}{_W}test_archive_mirror_on_run_and_scenario_steps",
    "tracker.start_run(...)": f"{_G}{_W}test_archive_mirror_on_low_level_start_run",
    # Database maintenance runbook (CLI)
    "consist db snapshot --out --db-path": RUNBOOK,
    "consist db inspect --db-path": RUNBOOK,
    "consist db doctor --db-path": RUNBOOK,
    "consist db purge RUN_ID --dry-run": RUNBOOK,
    "consist db purge --delete-ingested-data --yes": RUNBOOK,
    "--prune-cache prunes unreferenced unscoped cache rows": RUNBOOK,
    "--prune-cache only with --delete-ingested-data": "tests/cli/test_maintenance_lib.py::test_prune_cache_needs_delete_ingested_data",
    "--prune-cache no-op when references not derivable": "tests/cli/test_maintenance_lib.py::test_prune_cache_is_a_noop_without_derivable_references",
    "consist db merge --conflict error (run conflicts)": RUNBOOK,
    "consist db merge --conflict skip (run conflicts)": RUNBOOK,
    "--conflict error aborts on incompatible global-table schema": f"{_C}_cli.py::test_merge_global_table_schema_conflicts",
    "--conflict skip skips incompatible tables with warnings": f"{_C}_cli.py::test_merge_global_table_schema_conflicts",
    "consist db rebuild --json-dir --mode minimal|full": RUNBOOK,
    "rebuild: stage/phase into run columns, legacy meta kept": "tests/store/test_snapshots.py::test_rebuild_minimal_and_full",
    "consist db compact --db-path": RUNBOOK,
    "runbook lines exactly as printed (cwd, no --run-dir)": f"{_C}_cli.py::test_runbook_lines_as_printed",
    "consist runs": f"{_C}_cli.py::test_runbook_lines_as_printed",
    # Validation errors (Problem / Cause / Fix)
    "Problem/Cause/Fix structure": f"{_E}test_identity_inputs_must_be_a_list",
    "'hash_inputs' rejected on run": f"{_E}test_removed_keywords_are_type_errors",
    "'config_plan' rejected on run": f"{_E}test_removed_keywords_are_type_errors",
    "'hash_inputs'/'config_plan' rejected on trace": "tests/workflow/test_trace.py::test_guide_errors_on_trace",
    "rejected on scenario.run/scenario.trace": f"{_G}{_W}test_removed_keywords_on_scenario_step_surfaces",
    "hash_inputs still accepted by begin_run / headers": "tests/workflow/test_scenario.py::test_guide_errors_on_step_surfaces",
    "hash_inputs on start_run enters the identity": "tests/tracker/test_lifecycle.py::test_hash_inputs_on_begin_run_enter_the_identity",
    "adapter=... on run": "tests/tracker/test_binding_outputs.py::test_adapter_identity_is_folded_into_the_config_hash",
    "no header-level adapter=... on scenarios": f"{_C}.py::test_scenario_header_refuses_adapter",
    "identity_inputs/hash_inputs must be a list of paths.": f"{_E}test_identity_inputs_must_be_a_list",
    "identity_inputs=[Path] / [(label, Path)]": f"{_C}.py::test_identity_inputs_both_forms_on_the_recommended_path",
    "Failed to compute identity input digests ...": f"{_E}test_identity_inputs_must_exist",
    "load_inputs=True requires inputs to be a dict.": f"{_E}test_load_inputs_requires_a_dict",
    "input_binding=... requires inputs to be a dict.": f"{_E}test_input_binding_requires_a_dict",
    "ExecutionOptions(input_binding='none')": f"{_C}.py::test_binding_disabled_calls_fn_without_inputs",
    "legacy ExecutionOptions(load_inputs=False)": f"{_C}.py::test_binding_disabled_calls_fn_without_inputs",
    "cache_hydration='outputs-requested' requires output_paths.": f"{_E}test_outputs_requested_requires_output_paths",
    "Tracker.run supports executor='python' or 'container'.": f"{_E}test_unknown_executor",
    "code_identity callable modes require executor='python'.": f"{_E}test_callable_code_identity_requires_python",
    "code_identity='repo_git' for container runs (the default)": f"{_K}test_tracker_steps.py::test_runs_once_then_hits_the_cache_without_starting_a_container",
    "executor='container' requires output_paths.": f"{_E}test_container_requires_output_paths",
    "Scenario input string did not resolve ... / consist.refs": f"{_G}{_W}test_scenario_input_string_did_not_resolve_and_refs_fix",
    # Cache & provenance
    "Consist has N active DuckDB relations...": "tests/data/test_relation_leaks.py::test_warning_fires_when_the_threshold_is_reached",
    "CONSIST_RELATION_WARN_THRESHOLD": "tests/store/test_settings.py::test_other_settings",
    "consist.load_df / consist.load_relation as context manager": "tests/data/test_relation_leaks.py::test_load_df_and_load_relation_leave_nothing_open",
    "Artifact.container_uri, table_path, array_path": "tests/store/test_models.py::test_artifact_round_trip_through_json_keeps_every_field",
    "Artifact.uri -> container_uri": "tests/store/test_models.py::test_artifact_uri_attribute_points_at_the_rename",
    "metadata-only cache hits; CacheOptions(cache_hydration='outputs-all')": f"{_RUN}test_cache_hit_but_output_files_are_missing",
    "tracker.materialize_run_outputs(target_root=, source_root=)": f"{_G}{_W}test_materialize_run_outputs_from_an_archive_mirror",
    "materialize keeps the relative layout": "tests/artifacts/test_materialize.py::test_restores_byte_identical_files_keeping_the_layout",
    "ingested CSV/Parquet rebuilt from DuckDB": "tests/artifacts/test_materialize.py::test_gone_everywhere_csv_and_parquet_are_rebuilt_from_ingested_rows",
    "materialize_cached_outputs_source_root on run/scenario": f"{_G}{_W}test_archive_mirror_on_run_and_scenario_steps",
    "materialize_cached_outputs_source_root on start_run": f"{_G}{_W}test_archive_mirror_on_low_level_start_run",
    "materialize into a mount root w/o allow_external_paths": f"{_G}{_W}test_restore_into_a_mount_root_without_external_paths",
    "tracker.identity.* and find_runs / run.signature": f"{_RUN}test_same_inputs_config_but_cache_not_found",
    "compute_run_config_hash reproduces the recorded hash": "tests/identity/test_identity_manager.py::test_guide_run_config_hash_reproduces_the_recorded_one",
    "0 vs 0.0 vs '0' differ": "tests/identity/test_identity_signature.py::test_run_config_hash_is_type_sensitive_and_differs_from_raw_hash",
    "model/year/iteration folded into the config hash": "tests/identity/test_identity_signature.py::test_every_run_field_changes_the_run_config_hash",
    "rm ./provenance.duckdb clears history and cache": f"{_C}.py::test_deleting_the_database_clears_history_and_cache",
    "CacheOptions(cache_mode='overwrite')": f"{_RUN}test_force_reexecution_with_overwrite",
    "database is locked": "tests/store/test_multiprocess.py::test_lock_held_elsewhere_raises_after_retries",
    "separate databases per process": f"{_RUN}test_separate_databases_per_process",
    "CONSIST_DLT_LOCK_* / CONSIST_DB_LOCK_* defaults": "tests/store/test_settings.py::test_lock_defaults_match_the_guide",
    "lock settings read from the environment": "tests/store/test_settings.py::test_env_is_read_at_use_time",
    # Mounts and paths
    "error for host paths outside configured mounts": f"{_K}test_mounts.py::test_strict_outside_mounts_names_the_allowed_roots",
    "run_container(strict_mounts=False)": f"{_K}test_run_container.py::test_strict_mounts_refuses_then_allows_outside_paths",
    "Cannot resolve URI: outputs://key/file.csv": "tests/artifacts/test_uris.py::test_unknown_scheme_is_the_guides_error",
    "log_artifact(direction=), artifact.path, tracker.resolve_uri": f"{_RUN}test_uri_resolution",
    "tracker.run_dir, get_artifacts_for_run(...).outputs[...]": f"{_RUN}test_working_directory_changed_between_runs",
    # Data and schemas
    "Column 'age' expected int, got str": f"{_DATA}test_schema_mismatch_then_the_guide_fix",
    "Null value in non-optional field 'age'": f"{_DATA}test_null_in_non_optional_field_then_the_guide_fixes",
    "Primary key violation: duplicate ID": f"{_DATA}test_duplicate_primary_keys_then_the_guide_fix",
    "Tracker(schemas=[...]) and tracker.views.X": f"{_DATA}test_cant_query_across_runs_snippets",
    "log_dataframe(df.head(1000), key=...) without schema": f"{_DATA}test_database_is_huge_and_slow_snippets",
    "tracker.engine.begin() / exec_driver_sql('VACUUM')": f"{_RUN}test_vacuum_through_the_engine",
    # Containers
    "RuntimeError: Container execution failed": f"{_K}test_step.py::test_non_zero_exit_raises_container_execution_failed",
    "run_container(inputs=, outputs=, command=)": f"{_K}test_run_container.py::test_guide_style_call_runs_then_hits",
    "run_container(environment=...)": f"{_K}test_docker_backend.py::test_run_reads_inputs_writes_outputs_and_sees_environment",
    "Warning: Expected output not found: ...": f"{_K}test_container_output_policy.py::test_warn_policy_logs_the_missing_output",
    "Error pulling image: ... (engine's reason, e.g. auth)": f"{_K}test_docker_backend.py::test_failed_pull_without_local_image_says_error_pulling",
    "run_container(pull_latest=False)": f"{_K}test_docker_backend.py::test_missing_image_without_pull_fails_fast",
    # Performance and debugging
    "result.cache_hit; CacheOptions(cache_hydration='none')": f"{_RUN}test_profile_execution_and_avoid_materialization",
    "logger 'consist' at DEBUG: signatures, cache decisions": f"{_RUN}test_debug_logging_shows_signatures_and_cache_decisions",
    "tracker.get_run: run.signature / git_hash / meta": f"{_RUN}test_inspect_run_metadata",
    "duckdb: SELECT * FROM run / artifact": f"{_RUN}test_inspect_database",
    "log_artifact(direction='input'): artifact.path / hash": f"{_RUN}test_check_file_hashes",
    "recommended path emits no warnings": f"{_RUN}test_recommended_path_does_not_warn",
}

ROOT = Path(__file__).resolve().parents[2]


def test_every_contract_entry_names_an_existing_test() -> None:
    missing = []
    for item, ref in CONTRACT.items():
        path, _, name = ref.partition("::")
        source = ROOT / path
        found = source.exists() and re.search(rf"^def {name}\(", source.read_text(), re.M)
        if not found:
            missing.append(f"{item}: {ref}")
    assert not missing, "\n".join(missing)


@pytest.fixture
def tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("input.csv").write_text("id,value\n1,0.5\n")
    tracker = Tracker(run_dir="./runs", db_path="./provenance.duckdb")
    yield tracker
    tracker.close()


@pytest.mark.parametrize(
    "options", [ExecutionOptions(input_binding="none"), ExecutionOptions(load_inputs=False)]
)
def test_binding_disabled_calls_fn_without_inputs(tracker: Tracker, options) -> None:
    seen: list[tuple] = []

    def step(*args, **kwargs) -> None:
        seen.append((args, kwargs))

    result = tracker.run(fn=step, inputs={"data": Path("input.csv")}, execution_options=options)
    assert seen == [((), {})]  # nothing bound, yet the input is still part of the identity
    assert list(result.run.meta["identity"]["inputs"]) == ["data"]
    assert [a.key for a in tracker.get_artifacts_for_run(result.run.id).inputs.values()] == ["data"]


def test_identity_inputs_both_forms_on_the_recommended_path(tracker: Tracker) -> None:
    settings = Path("settings.yaml")
    settings.write_text("k: 1\n")

    def step() -> None:
        return None

    def run(identity_inputs):
        return consist.run(fn=step, tracker=tracker, identity_inputs=identity_inputs)

    plain, labelled = run([settings]), run([("model_settings", settings)])
    assert not plain.cache_hit and not labelled.cache_hit  # the label is part of the key
    assert run([("model_settings", settings)]).cache_hit
    settings.write_text("k: 2\n")
    assert not run([("model_settings", settings)]).cache_hit  # content, not the name


def test_scenario_header_refuses_adapter(tracker: Tracker) -> None:
    with pytest.raises(TypeError, match=re.escape("header-level adapter=...")) as info:
        with tracker.scenario("calibration", adapter=object()):
            pass
    assert isinstance(info.value, ConsistError) and "sc.run(" in info.value.fix
    assert tracker.find_runs() == []


def test_deleting_the_database_clears_history_and_cache(tracker: Tracker) -> None:
    calls: list[Path] = []

    def step(data: Path) -> None:
        calls.append(data)

    def run(t: Tracker):
        paths = ExecutionOptions(input_binding="paths")
        return t.run(fn=step, inputs={"data": Path("input.csv")}, execution_options=paths)

    run(tracker)
    assert run(tracker).cache_hit
    tracker.close()
    Path("provenance.duckdb").unlink()  # the guide: rm ./provenance.duckdb

    fresh = Tracker(run_dir="./runs", db_path="./provenance.duckdb")
    try:
        assert not run(fresh).cache_hit  # "Next run will re-execute everything."
        assert len(fresh.find_runs()) == 1 and len(calls) == 2
    finally:
        fresh.close()
