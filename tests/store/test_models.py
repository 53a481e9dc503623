"""Round trips of every model field through to_dict/from_dict and JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from consist.errors import ConfigError, UriResolutionError
from consist.models import Artifact, ConsistRecord, Run, RunArtifacts, RunResult

T0 = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def full_run() -> Run:
    return Run(
        id="step_1a2b3c4d",
        model_name="beam",
        status="completed",
        description="mode choice",
        year=2030,
        iteration=2,
        stage="assignment",
        phase="calibration",
        tags=["a", "b"],
        config_hash="blake3:" + "1" * 64,
        git_hash="abc123-dirty-0123456789ab",
        input_hash="blake3:" + "2" * 64,
        signature="blake3:" + "3" * 64,
        parent_run_id="scenario_x",
        cache_hit=True,
        meta={"cache_source": "old_run", "nested": {"k": [1, 2.5, None, True]}},
        created_at=T0,
        started_at=T0,
        ended_at=T0 + timedelta(seconds=1.5),
        updated_at=T0 + timedelta(seconds=2),
    )


def full_artifact() -> Artifact:
    return Artifact(
        key="trips",
        container_uri="./outputs/trips.h5",
        driver="h5_table",
        id="6f1c2a44-0000-4000-8000-000000000001",
        table_path="/trips",
        array_path=None,
        hash="blake3:" + "4" * 64,
        size=1234,
        content_id="c1",
        parent_artifact_id="6f1c2a44-0000-4000-8000-000000000000",
        run_id="step_1a2b3c4d",
        meta={"abs_path": "/data/run/outputs/trips.h5", "is_ingested": False},
        created_at=T0,
    )


def test_run_round_trip_through_json_keeps_every_field() -> None:
    run = full_run()
    again = Run.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again == run
    assert again.to_dict() == run.to_dict()
    assert again.duration_seconds == pytest.approx(1.5)
    assert again.model == "beam"


def test_run_defaults_and_model_alias() -> None:
    run = Run(id="r", model_name="m")
    assert run.status == "running" and run.tags == [] and run.meta == {}
    assert run.started_at == run.created_at and run.created_at.tzinfo is UTC
    run.model = "n"
    assert run.model_name == "n"
    assert Run.from_dict({"id": "r", "model": "legacy", "unknown": 1}).model_name == "legacy"


def test_run_rejects_unknown_status() -> None:
    with pytest.raises(ConfigError, match="Unknown run status 'done'"):
        Run(id="r", model_name="m", status="done")


def test_naive_datetimes_are_read_as_utc() -> None:
    run = Run(id="r", model_name="m", created_at=datetime(2030, 1, 1, 12, 0))
    assert run.created_at == datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def test_identity_summary_names_the_signature_parts() -> None:
    summary = full_run().identity_summary
    assert summary["code_hash"] == "abc123-dirty-0123456789ab"
    assert summary["signature_ready"] is True
    assert summary["cache"]["hit"] is True and summary["cache"]["source"] == "old_run"


def test_artifact_round_trip_through_json_keeps_every_field() -> None:
    art = full_artifact()
    again = Artifact.from_dict(json.loads(json.dumps(art.to_dict())))
    assert again.to_dict() == art.to_dict()
    assert "resolver" not in art.to_dict()


def test_artifact_from_legacy_uri_key() -> None:
    art = Artifact.from_dict({"key": "k", "uri": "/x.csv", "driver": "csv"})
    assert art.container_uri == "/x.csv"


def test_artifacts_hash_and_compare_by_id() -> None:
    a = full_artifact()
    b = Artifact.from_dict(a.to_dict())
    b.meta["changed"] = True
    assert a == b and len({a, b}) == 1
    assert a != Artifact(key="trips", container_uri="./outputs/trips.h5")


def test_artifact_uri_attribute_points_at_the_rename() -> None:
    with pytest.raises(AttributeError, match="renamed to 'container_uri'"):
        _ = full_artifact().uri


def test_artifact_path_resolution_order(tmp_path: Path) -> None:
    art = full_artifact()
    assert art.path == Path("/data/run/outputs/trips.h5")  # meta["abs_path"]
    art.resolver = lambda a: tmp_path / a.container_uri.removeprefix("./")
    assert art.path == tmp_path / "outputs" / "trips.h5"
    assert Artifact(key="k", container_uri="file:///srv/a.csv").path == Path("/srv/a.csv")
    assert Artifact(key="k", container_uri="/srv/b.csv").path == Path("/srv/b.csv")


def test_artifact_path_without_resolver_refuses_relative_uris() -> None:
    art = Artifact(key="k", container_uri="inputs://land_use.csv")
    with pytest.raises(
        UriResolutionError, match=re.escape("Cannot resolve URI: inputs://land_use.csv")
    ):
        _ = art.path


def test_artifact_driver_families() -> None:
    assert Artifact(key="k", container_uri="/a.parquet", driver="parquet").is_tabular
    assert Artifact(key="k", container_uri="/a.zarr", driver="zarr").is_matrix
    assert not Artifact(key="k", container_uri="/a.bin").is_tabular


def test_run_result_accessors(tmp_path: Path) -> None:
    out = Artifact(key="out", container_uri=str(tmp_path / "o.csv"), driver="csv")
    result = RunResult(run=full_run(), outputs={"out": out}, cache_hit=True)
    assert result.output is out and result.as_dict() == {"out": out}
    assert result.output_path("out") == tmp_path / "o.csv"
    with pytest.raises(KeyError, match="Available keys: out"):
        result.output_path("missing")
    assert RunResult(run=full_run()).output is None


def test_run_artifacts_and_record_round_trip() -> None:
    art = full_artifact()
    assert RunArtifacts(outputs={"trips": art}).outputs["trips"] is art
    record = ConsistRecord(
        run=full_run(),
        inputs=[Artifact(key="in", container_uri="/in.csv", driver="csv")],
        outputs=[art],
        cached_run=Run(id="old_run", model_name="beam", status="completed"),
        config={"alpha": 0.5},
        facet={"scenario": "base"},
    )
    again = ConsistRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    assert again.to_dict() == record.to_dict()
