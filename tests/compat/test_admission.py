"""Admission checks against inputs recorded by completed runs (real files, real DuckDB)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import consist
from consist.errors import ArtifactNotFoundError, ConfigError, RunNotFoundError


@pytest.fixture
def prepared(make_tracker, workdir: Path):
    land_use = workdir / "land_use.csv"
    land_use.write_text("zone,pop\n1,100\n")
    tracker = make_tracker()
    with tracker.start_run("prep_2030", model="prep"):
        tracker.log_input(land_use, key="land_use")
    return tracker, land_use


def test_verified_mismatched_and_unreadable(prepared, workdir: Path) -> None:
    tracker, land_use = prepared
    copy = workdir / "handed_over.csv"
    copy.write_bytes(land_use.read_bytes())
    ok = consist.check_artifact_identity(
        tracker, execution_path=copy, expected_run_id="prep_2030", artifact_key="land_use"
    )
    assert ok.verified and ok.outcome == "verified"
    assert ok.expected_digest == ok.observed_digest and ok.digest_algorithm == "blake3"
    assert json.loads(ok.to_json())["execution_path"] == str(copy)
    copy.write_text("zone,pop\n1,999\n")
    bad = consist.check_artifact_identity(
        tracker, execution_path=copy, expected_run_id="prep_2030", artifact_key="land_use"
    )
    assert bad.outcome == "mismatched" and bad.observed_digest != bad.expected_digest
    gone = consist.check_artifact_identity(
        tracker, execution_path=workdir / "nope.csv", expected_run_id="prep_2030",
        artifact_key="land_use",
    )  # fmt: skip
    assert gone.outcome == "unreadable" and gone.observed_digest is None


def test_reference_objects_and_expected_bytes(prepared, workdir: Path) -> None:
    tracker, land_use = prepared
    reference = consist.AdmissionReference(
        artifact_key="land_use", execution_path=land_use, input_role="zones"
    )
    report = consist.check_admission_reference(
        tracker, reference=reference, expected_run_id="prep_2030"
    )
    assert report.verified and report.input_role == "zones"
    other = workdir / "other.csv"
    other.write_text("different\n")
    against_other = consist.check_admission_reference(
        tracker, reference=reference, expected_run_id="prep_2030", expected_bytes_path=other
    )
    assert against_other.outcome == "mismatched"  # the expected bytes differ from the record


def test_fast_identity_is_unverified_unless_expected_bytes_are_given(make_tracker, workdir) -> None:
    data = workdir / "data.bin"
    data.write_bytes(b"\x00" * 64)
    tracker = make_tracker(hashing_strategy="fast")
    with tracker.start_run("fast_run", model="m"):
        tracker.log_input(data, key="data")
    plain = consist.check_artifact_identity(
        tracker, execution_path=data, expected_run_id="fast_run", artifact_key="data"
    )
    assert plain.outcome == "unverified" and plain.expected_digest is None
    with_bytes = consist.check_artifact_identity(
        tracker, execution_path=data, expected_run_id="fast_run", artifact_key="data",
        expected_bytes_path=data,
    )  # fmt: skip
    assert with_bytes.verified


def test_unknown_runs_keys_and_incomplete_runs(prepared, workdir: Path) -> None:
    tracker, land_use = prepared
    args = {"execution_path": land_use, "artifact_key": "land_use"}
    with pytest.raises(RunNotFoundError, match="No run with id 'nope'"):
        consist.check_artifact_identity(tracker, expected_run_id="nope", **args)
    with pytest.raises(ArtifactNotFoundError, match="Its inputs are: land_use"):
        consist.check_artifact_identity(
            tracker, execution_path=land_use, expected_run_id="prep_2030", artifact_key="skims"
        )
    with pytest.raises(ValueError, match="crash"):
        with tracker.start_run("crashed", model="prep"):
            tracker.log_input(land_use, key="land_use")
            raise ValueError("crash")
    with pytest.raises(ConfigError, match="is failed, not completed"):
        consist.check_artifact_identity(tracker, expected_run_id="crashed", **args)
