"""Query helpers on a real tracker and DuckDB file: matching runs, sessions, pivots, joins."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Float, MetaData, String, Table, select

import consist
from consist.errors import ConfigError, ConsistTypeError
from consist.store.sql_tables import run as run_table


@pytest.fixture
def scenarios(tracker, write_step):
    """Four runs of model "assign": scenario base/policy x year 2030/2040, with facets."""
    for scenario, scale in (("base", 1.0), ("policy", 1.2)):
        for year in (2030, 2040):
            tracker.run(
                fn=write_step("assign"),
                config={"year": year, "scale": scale},
                year=year,
                outputs=["assign"],
                facet={"scenario": scenario, "demand": {"scale": scale}},
            )
    return tracker


def test_find_matching_runs_filters_fields_and_facets(scenarios) -> None:
    found = consist.find_matching_runs(
        tracker=scenarios, model="assign", year=2030, facet={"scenario": "policy"}
    )
    assert [(r.year, r.config_hash is not None) for r in found] == [(2030, True)]
    assert len(consist.find_matching_runs(tracker=scenarios, model="assign")) == 4
    assert consist.find_matching_runs(tracker=scenarios, model="assign", limit=1)[0].year == 2040
    assert consist.find_matching_runs(tracker=scenarios, model="other") == []


def test_find_matching_runs_by_cache_epoch(scenarios, write_step) -> None:
    scenarios.run(
        fn=write_step("assign"),
        config={"year": 2050},
        year=2050,
        outputs=["assign"],
        cache_options=consist.CacheOptions(cache_epoch=2),
    )
    epoch2 = consist.find_matching_runs(tracker=scenarios, model="assign", cache_epoch=2)
    assert [r.year for r in epoch2] == [2050]
    assert len(consist.find_matching_runs(tracker=scenarios, model="assign", cache_epoch=1)) == 4


def test_find_matching_run_by_signature_parts_prefers_the_executed_run(
    scenarios, write_step
) -> None:
    first = consist.find_matching_runs(tracker=scenarios, year=2030, facet={"scenario": "base"})[0]
    hit = scenarios.run(
        fn=write_step("assign"),
        config={"year": 2030, "scale": 1.0},
        year=2030,
        outputs=["assign"],
    )
    assert hit.cache_hit  # a newer completed run with the same signature
    triple = (first.config_hash, first.input_hash, first.git_hash)
    assert consist.find_matching_run(*triple, tracker=scenarios).id == first.id
    assert consist.find_matching_run(signature=first.signature, tracker=scenarios).id == first.id
    assert consist.find_matching_run("blake3:" + "0" * 64, tracker=scenarios) is None
    # Without hashes: the newest run matching the filters.
    assert consist.find_matching_run(tracker=scenarios, year=2040).year == 2040


def test_run_query_with_statements_text_and_pivots(scenarios) -> None:
    pivot = consist.pivot_facets(
        namespace="assign",
        keys=["scenario", "demand.scale"],
        value_columns={"scenario": "value_str"},
        label_map={"demand.scale": "scale"},
    )
    stmt = (
        select(run_table.c.year, pivot.c.scenario, pivot.c.scale)
        .join(pivot, pivot.c.run_id == run_table.c.id)
        .order_by(run_table.c.year, pivot.c.scenario)
    )
    rows = consist.run_query(stmt, tracker=scenarios)
    assert [tuple(r) for r in rows] == [
        (2030, "base", 1.0),
        (2030, "policy", 1.2),
        (2040, "base", 1.0),
        (2040, "policy", 1.2),
    ]
    assert consist.run_query("SELECT count(*) FROM run", tracker=scenarios) == [(4,)]
    with consist.db_session(scenarios) as session:
        assert session.exec(select(run_table.c.id)).all()
    with pytest.raises(ConsistTypeError, match="SQLAlchemy statement"):
        consist.run_query(42, tracker=scenarios)


def test_pivot_facets_rejects_bad_arguments() -> None:
    with pytest.raises(ConfigError, match="at least one key"):
        consist.pivot_facets(namespace="m", keys=[])
    with pytest.raises(ConfigError, match="unknown value column 'value_blob'"):
        consist.pivot_facets(namespace="m", keys=["a"], value_column="value_blob")


def test_config_run_rows_joins_a_cache_table_to_its_run_links(scenarios) -> None:
    runs = consist.find_matching_runs(tracker=scenarios, model="assign", limit=None)
    ddl = [
        "CREATE TABLE coeffs_cache (content_hash VARCHAR, name VARCHAR, value DOUBLE)",
        "CREATE TABLE coeffs_run_link (run_id VARCHAR, content_hash VARCHAR, table_name VARCHAR)",
        "INSERT INTO coeffs_cache VALUES ('h1', 'time', -0.02), ('h1', 'cost', -0.5), "
        "('h2', 'time', -0.03)",
        f"INSERT INTO coeffs_run_link VALUES ('{runs[0].id}', 'h1', 'coeffs'), "
        f"('{runs[1].id}', 'h2', 'coeffs'), ('{runs[2].id}', 'h2', 'other')",
    ]
    with scenarios.engine.begin() as conn:
        for statement in ddl:
            conn.exec_driver_sql(statement)
    rows = consist.config_run_rows(
        "coeffs_cache",
        link_table="coeffs_run_link",
        table_name="coeffs",
        columns=["name", "value"],
        where={"name": "time"},
        tracker=scenarios,
    )
    assert sorted(tuple(r) for r in rows) == sorted(
        [(runs[0].id, "time", -0.02), (runs[1].id, "time", -0.03)]
    )
    with pytest.raises(ConfigError, match="No table 'missing_cache'"):
        consist.config_run_rows("missing_cache", link_table="coeffs_run_link", tracker=scenarios)


def test_config_run_query_joins_on_extra_columns_and_checks_tables() -> None:
    md = MetaData()
    cache = Table(
        "c", md, Column("content_hash", String), Column("seg", String), Column("v", Float)
    )
    link = Table("l", md, Column("run_id", String), Column("content_hash", String),
                 Column("seg", String))  # fmt: skip
    stmt = consist.config_run_query(cache, link_table=link, join_on=["seg"])
    assert "c.seg = l.seg" in str(stmt)
    assert [c.name for c in stmt.selected_columns] == ["run_id", "content_hash", "seg", "v"]
    no_hash = Table("n", md, Column("x", String))
    with pytest.raises(ConfigError, match="has no 'content_hash' column"):
        consist.config_run_query(no_hash, link_table=link)
    with pytest.raises(ConsistTypeError, match="Table or ORM class"):
        consist.config_run_query("c", link_table=link)


def test_sql_tables_mirror_the_ddl(tracker) -> None:
    from consist.store import sql_tables

    with tracker.engine.begin() as conn:
        for table in sql_tables.metadata.sorted_tables:
            described = conn.exec_driver_sql(f"DESCRIBE {table.name}").fetchall()
            assert [row[0] for row in described] == list(table.c.keys()), table.name
