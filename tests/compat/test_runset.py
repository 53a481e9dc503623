"""RunSet / AlignedPair / indexing on recorded runs (database and JSON-only trackers)."""

from __future__ import annotations

import pytest

import consist
from consist import FacetIndex, RunFieldIndex, RunSet
from consist.errors import ConfigError
from consist.indexing import index_runs


@pytest.fixture
def sweep(any_tracker, write_step):
    """Runs: base x 2030/2040, policy x 2030/2040, and a re-run of policy 2040 (newest)."""
    for scenario, scale, years in (
        ("base", 1.0, (2030, 2040)),
        ("policy", 1.2, (2030, 2040)),
        ("policy", 1.5, (2040,)),
    ):
        for year in years:
            any_tracker.run(
                fn=write_step("assign"),
                config={"year": year, "scale": scale},
                year=year,
                outputs=["assign"],
                facet={"scenario": scenario, "demand": {"scale": scale}},
            )
    return any_tracker


def test_split_filter_latest_by_fields_and_facets(sweep) -> None:
    everything = consist.run_set(sweep, label="all", model="assign")
    assert len(everything) == 5 and everything.label == "all"
    by_scenario = everything.split_by("scenario")  # a facet key
    assert {k: len(v) for k, v in by_scenario.items()} == {"policy": 3, "base": 2}
    assert all(v.label == "all" for v in by_scenario.values())
    by_scale = everything.split_by(FacetIndex("demand.scale"))
    assert sorted(by_scale) == [1.0, 1.2, 1.5]
    policy = by_scenario["policy"]
    latest = policy.latest(group_by=RunFieldIndex("year"))
    assert sorted(r.year for r in latest) == [2030, 2040]
    newest = {r.year: r for r in latest}[2040]
    assert policy.filter(**{"demand.scale": 1.5}).run_ids == [newest.id]  # the re-run
    newest_2040 = policy.filter(year=2040).latest()
    assert len(newest_2040) == 1
    assert sweep.get_run(newest_2040[0].id).config_hash == newest_2040[0].config_hash
    assert everything.filter(year=[2030, 2050], scenario="base").run_ids == (
        everything.split_by("scenario")["base"].filter(year=2030).run_ids
    )
    assert len(everything.filter(year=lambda y: y > 2035)) == 3


def test_align_pairs_and_config_diffs(sweep) -> None:
    base = consist.run_set(sweep, label="base", facet={"scenario": "base"})
    policy = consist.run_set(sweep, label="policy", facet={"scenario": "policy"})
    with pytest.raises(ConfigError, match="several runs for 2040"):
        base.align(policy, on="year")
    pair = base.align(policy.latest(group_by="year"), on="year")
    assert sorted(pair.keys) == [2030, 2040]
    assert all(left.year == right.year == key for key, left, right in pair.pairs())
    diffs = pair.config_diffs(prefix="demand.")
    got = sorted(zip(diffs["year"], diffs["key"], diffs["left"], diffs["right"], strict=True))
    assert got == [(2030, "demand.scale", 1.0, 1.2), (2040, "demand.scale", 1.0, 1.5)]
    frame = pair.apply(lambda left, right, key: {"delta": [right.year - left.year]})
    assert list(frame.columns) == ["year", "delta"] and frame["delta"].tolist() == [0, 0]
    assert sorted(pair.to_frame()["year"]) == [2030, 2040]


def test_to_frame_and_indexing(sweep) -> None:
    runs = consist.run_set(sweep, model="assign", year=2030)
    frame = runs.to_frame()
    assert sorted(frame["id"]) == sorted(runs.run_ids)
    assert set(frame["status"]) == {"completed"}
    by_scenario = index_runs(runs, consist.index_by_facet("scenario"), tracker=sweep)
    assert sorted(by_scenario) == ["base", "policy"]
    by_id = sweep.find_runs(model="assign", index_by=consist.index_by_field("id"))
    assert set(by_id) == set(consist.run_set(sweep, model="assign").run_ids)


def test_facets_need_a_tracker_and_fields_are_checked() -> None:
    from consist.models import Run

    loose = RunSet([Run(id="a", model_name="m")])
    with pytest.raises(ConfigError, match="needs a tracker"):
        loose.split_by("scenario")
    with pytest.raises(ConfigError, match="Cannot index runs by 'colour'"):
        RunFieldIndex("colour")
    assert RunSet([]).latest().run_ids == []
    with pytest.raises(ConfigError, match="config_diffs needs the tracker"):
        loose.align(RunSet([Run(id="b", model_name="m")]), on="model").config_diffs()
