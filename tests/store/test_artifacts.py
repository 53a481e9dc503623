"""Artifacts, links, cache-hit bookkeeping, run completion and facets on a real DuckDB file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from consist.errors import ConfigError
from consist.models import Artifact, Run
from consist.store import MetadataStore

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def art(key: str, uri: str, *, minutes: int = 0, **fields: object) -> Artifact:
    fields.setdefault("driver", "parquet")
    return Artifact(
        key=key, container_uri=uri, created_at=T0 + timedelta(minutes=minutes), **fields
    )  # type: ignore[arg-type]


def test_every_artifact_field_survives_the_database(store: MetadataStore) -> None:
    artifact = Artifact(
        key="households",
        container_uri="inputs://pipeline.h5",
        driver="h5_table",
        table_path="/households",
        array_path=None,
        hash="blake3:" + "e" * 64,
        size=4096,
        content_id="content-1",
        parent_artifact_id="parent-1",
        run_id="asim_1",
        meta={"is_ingested": True, "schema_name": "Households", "abs_path": "/d/pipeline.h5"},
        created_at=T0,
    )
    store.insert_artifacts([artifact])
    again = store.get_artifact(artifact.id)
    assert again is not None and again.to_dict() == artifact.to_dict()


def test_relogging_an_artifact_updates_its_row(store: MetadataStore) -> None:
    artifact = art("k", "./k.parquet")
    store.insert_artifacts([artifact])
    artifact.meta["is_ingested"] = True
    store.insert_artifacts([artifact])
    again = store.get_artifact(artifact.id)
    assert again is not None and again.meta == {"is_ingested": True}
    assert len(store.find_artifacts(key="k")) == 1


def test_links_and_get_artifacts_for_run(store: MetadataStore) -> None:
    raw = art("land_use", "inputs://land_use.csv", driver="csv")
    second = art("skims", "./outputs/skims.omx", minutes=2, driver="openmatrix", run_id="r1")
    first = art("trips", "./outputs/trips.parquet", minutes=1, run_id="r1")
    store.insert_run(Run(id="r1", model_name="m"))
    store.log_artifacts("r1", {"land_use": raw}, "input")
    store.log_artifacts("r1", {"skims": second, "trips": first}, "output")
    result = store.get_artifacts_for_run("r1")
    assert list(result.inputs) == ["land_use"]
    assert list(result.outputs) == ["trips", "skims"]  # logging (creation) order
    assert result.outputs["trips"].to_dict() == first.to_dict()
    assert store.get_artifact_links(raw.id) == [("r1", "input", "land_use")]
    empty = store.get_artifacts_for_run("nobody")
    assert empty.inputs == {} and empty.outputs == {}


def test_input_alias_keys_are_link_keys(store: MetadataStore) -> None:
    produced = art("trips", "./trips.parquet", run_id="up")
    store.insert_artifacts([produced])
    store.link("down", produced.id, "input", "demand")
    assert list(store.get_artifacts_for_run("down").inputs) == ["demand"]
    found = store.get_artifact("demand", run_id="down")
    assert found == produced
    assert store.get_artifact("trips", run_id="down") == produced


def test_bad_link_direction(store: MetadataStore) -> None:
    with pytest.raises(ConfigError, match="Unknown link direction 'sideways'"):
        store.link("r", "a", "sideways")


def test_get_artifact_by_id_or_newest_key(store: MetadataStore) -> None:
    old = art("trips", "./a/trips.parquet", minutes=0)
    new = art("trips", "./b/trips.parquet", minutes=5)
    store.insert_artifacts([old, new])
    assert store.get_artifact(old.id) == old
    assert store.get_artifact("trips") == new
    assert store.get_artifact("nothing") is None
    assert store.get_artifact("trips", run_id="unlinked") is None
    assert store.get_artifacts([old.id, "x"]) == {old.id: old}


def test_find_artifacts_by_columns(store: MetadataStore) -> None:
    a = art("a", "./a.parquet", hash="blake3:1", run_id="r1")
    b = art("b", "./b.csv", minutes=1, hash="blake3:1", driver="csv", run_id="r2")
    store.insert_artifacts([a, b])
    assert store.find_artifacts(hash="blake3:1") == [b, a]
    assert store.find_artifacts(hash="blake3:1", driver="csv") == [b]
    assert store.find_artifacts(run_id="r1") == [a]
    assert store.find_artifacts(container_uri="./a.parquet", limit=1) == [a]


def test_latest_output_at_a_location_skips_unfinished_producers(store: MetadataStore) -> None:
    uri = "./outputs/trips.parquet"
    store.insert_run(Run(id="good", model_name="m", status="completed"))
    store.insert_run(Run(id="bad", model_name="m", status="failed"))
    good = art("trips", uri, minutes=1, run_id="good")
    bad = art("trips", uri, minutes=2, run_id="bad")
    raw = art("trips", uri, minutes=3)  # logged as a raw input: no producer
    other_table = art("trips", uri, minutes=4, run_id="good", table_path="/t")
    store.insert_artifacts([good, bad, raw, other_table])
    found = store.find_latest_output_at(uri)
    assert found is not None
    artifact, run = found
    assert artifact == good and run.id == "good"
    by_table = store.find_latest_output_at(uri, table_path="/t")
    assert by_table is not None and by_table[0] == other_table
    assert store.find_latest_output_at(uri, driver="csv") is None
    assert store.find_latest_output_at("./elsewhere") is None


def test_finish_run_is_one_transaction(store: MetadataStore) -> None:
    run = Run(id="r1", model_name="m", signature="sig")
    store.insert_run(run)
    raw = art("in", "inputs://in.csv", driver="csv")
    store.insert_artifacts([raw])
    raw_stale = Artifact.from_dict(raw.to_dict())
    raw_stale.meta["stale"] = True
    out = art("out", "./out.parquet", run_id="r1")
    broken = art("broken", "./b.parquet", run_id="r1", meta={"x": object()})
    run.status = "completed"
    with pytest.raises(ConfigError):
        store.finish_run(run, inputs={"in": raw_stale}, outputs={"out": out, "broken": broken})
    # nothing of the failed completion landed: still running, no links, no outputs
    again = store.get_run("r1")
    assert again is not None and again.status == "running"
    assert store.get_artifacts_for_run("r1").outputs == {}
    assert store.get_artifact(out.id) is None
    store.finish_run(run, inputs={"in": raw_stale}, outputs={"out": out})
    done = store.get_run("r1")
    assert done is not None and done.status == "completed" and done.ended_at is not None
    links = store.get_artifacts_for_run("r1")
    assert list(links.inputs) == ["in"] and list(links.outputs) == ["out"]
    # inputs are only added when missing: the stored row was not overwritten
    stored_input = store.get_artifact(raw.id)
    assert stored_input is not None and "stale" not in stored_input.meta
    assert store.find_completed_run_by_signature("sig") == done


def test_record_cache_hit_links_cached_outputs(store: MetadataStore) -> None:
    source = Run(id="src", model_name="m", status="completed", signature="sig")
    store.insert_run(source)
    outputs = {
        "a": art("a", "./a.parquet", run_id="src"),
        "b": art("b", "./b.parquet", run_id="src"),
    }
    store.finish_run(source, outputs=outputs)
    cached = store.find_completed_run_by_signature("sig")
    assert cached is not None
    cached_outputs = store.get_artifacts_for_run(cached.id).outputs
    hit = Run(id="hit", model_name="m", status="completed", signature="sig", cache_hit=True)
    hit.meta["cache_source"] = cached.id
    store.record_cache_hit(hit, cached_outputs)
    linked = store.get_artifacts_for_run("hit").outputs
    assert linked == cached_outputs
    assert all(a.run_id == "src" for a in linked.values())  # producer is unchanged
    hit_again = store.get_run("hit")
    assert hit_again is not None and hit_again.cache_hit
    assert store.count_runs(cache_hit=True) == 1


def test_facets_round_trip(store: MetadataStore) -> None:
    facet = {
        "scenario": "base",
        "demand": {"scale": 1.25, "years": [2030, 2040]},
        "on": True,
        "n": 3,
    }
    facet_id = store.record_facet("r1", facet, namespace="beam", schema_name="BeamFacet")
    assert store.record_facet("r2", dict(reversed(facet.items())), namespace="beam") == facet_id
    assert store.get_facet(facet_id) == facet
    rows = store.get_run_config_kv("r1")
    assert {(r["key"], r["value_type"]) for r in rows} == {
        ("demand.scale", "float"),
        ("demand.years", "json"),
        ("n", "int"),
        ("on", "bool"),
        ("scenario", "str"),
    }
    values = {r["key"]: r["value"] for r in rows}
    assert values["demand.years"] == [2030, 2040] and values["n"] == 3 and values["on"] is True
    assert [r["key"] for r in store.get_run_config_kv("r1", prefix="demand.")] == [
        "demand.scale",
        "demand.years",
    ]
    assert store.get_run_config_kv("r1", namespace="other") == []
    assert store.get_facet("missing") is None


def test_link_conflict_policies(store: MetadataStore) -> None:
    from consist.store import artifacts as artifact_sql

    with store.transaction() as con:
        artifact_sql.link_many(con, "r", [("a", "output", "first")])
        artifact_sql.link_many(con, "r", [("a", "output", "ignored")], on_conflict="ignore")
    assert store.get_artifact_links("a") == [("r", "output", "first")]
    store.link("r", "a", "output", "replaced")
    assert store.get_artifact_links("a") == [("r", "output", "replaced")]
    with pytest.raises(ConfigError, match="Unknown on_conflict 'merge'"):
        with store.transaction() as con:
            artifact_sql.link_many(con, "r", [("a", "output", "k")], on_conflict="merge")
    import duckdb

    with pytest.raises(duckdb.ConstraintException), store.transaction() as con:
        artifact_sql.link_many(con, "r", [("a", "output", "k")], on_conflict="error")
    assert store.get_artifact_links("a") == [("r", "output", "replaced")]
