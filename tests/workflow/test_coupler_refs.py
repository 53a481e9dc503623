"""Coupler and consist.ref / consist.refs in every documented form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import consist
from consist import Artifact, Coupler, Run, RunResult
from consist.errors import ConfigError


def _result(*keys: str) -> RunResult:
    outputs = {k: Artifact(key=k, container_uri=f"/r/{k}.csv", driver="csv") for k in keys}
    return RunResult(run=Run(id="r", model_name="m"), outputs=outputs)


def test_ref_picks_one_output() -> None:
    single, double = _result("out"), _result("a", "b")
    assert consist.ref(single).key == "out"
    assert consist.ref(double, "b").key == "b"
    with pytest.raises(ValueError, match="ref\\(\\) needs a key: the result has 2 outputs"):
        consist.ref(double)
    with pytest.raises(
        KeyError,
        match=re.escape("RunResult output key 'nope' was not found. Available keys: 'a', 'b'."),
    ):
        consist.ref(double, "nope")


def test_refs_forms() -> None:
    r1, r2 = _result("a", "b"), _result("c")
    assert {k: v.key for k, v in consist.refs(r1).items()} == {"a": "a", "b": "b"}
    assert list(consist.refs(r1, "b")) == ["b"]
    assert {k: v.key for k, v in consist.refs(r1, {"alias": "a"}).items()} == {"alias": "a"}
    assert {k: v.key for k, v in consist.refs((r1, "a"), (r2, "c")).items()} == {"a": "a", "c": "c"}
    assert consist.refs(x=(r1, "b"))["x"].key == "b"
    assert consist.refs(y=r2)["y"].key == "c"
    mixed = consist.refs(r1, "a", r2, z=(r1, "b"))
    assert sorted(mixed) == ["a", "c", "z"]
    with pytest.raises(ValueError, match="got the input name 'a' twice"):
        consist.refs(r1, (r1, "a"))
    with pytest.raises(TypeError, match="expected a RunResult"):
        consist.refs("not a result")


def test_coupler_mapping_views_and_declared_outputs(tmp_path: Path) -> None:
    coupler = Coupler()
    art = Artifact(key="trips", container_uri=str(tmp_path / "trips.parquet"))
    coupler.set("trips", art)
    coupler["raw"] = "raw.csv"  # a path: kept absolute
    coupler.update({"x": tmp_path / "x"}, y=art)
    assert coupler.get("trips") is art and coupler["y"] is art
    assert coupler.path("raw") == Path("raw.csv").absolute()
    assert coupler.path("missing", required=False) is None
    assert sorted(coupler.keys()) == ["raw", "trips", "x", "y"] and len(coupler) == 4
    with pytest.raises(
        KeyError,
        match="Coupler missing key='nope'. Available keys: raw, "
        "trips, x, y. Did you forget to call "
        r"coupler.set\('nope', ...\)\?",
    ):
        coupler.require("nope")
    with pytest.raises(ConfigError, match="Invalid artifact key"):
        coupler.set("bad//key", art)
    view = coupler.view("y2030")
    view["trips"] = art
    assert "y2030/trips" in coupler and view.keys() == ["trips"] and "trips" in view
    assert view.require("trips") is art and view.get("absent") is None
    coupler.declare_outputs("summary", required=True)
    coupler.declare_outputs("maybe")
    coupler.require_outputs("trips")
    assert coupler.missing_declared_outputs() == ["summary"]
    assert coupler.missing_declared_outputs(required_only=False) == ["maybe", "summary"]


def test_collect_by_keys_into_the_coupler(tracker) -> None:
    with tracker.scenario("collect") as sc:
        collected = sc.collect_by_keys(_result("a", "b"), "a", prefix="y2030_")
        everything = sc.collect_by_keys([Artifact(key="c", container_uri="/r/c")])
        assert list(collected) == ["y2030_a"] and list(everything) == ["c"]
        assert sorted(sc.coupler.keys()) == ["c", "y2030_a"]
