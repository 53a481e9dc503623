"""register_artifact_facet_parser: facets derived from keys at log time, stored with the artifact."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import consist
from consist.errors import ConsistTypeError


def _skim_facet(key: str) -> dict:
    _, period, year = key.split("_")
    return {"period": period, "year": int(year)}


def test_parser_sets_the_facet_of_matching_keys(tracker, workdir: Path) -> None:
    consist.register_artifact_facet_parser("skims_", _skim_facet, tracker=tracker)
    skim = workdir / "am.omx"
    skim.write_bytes(b"matrix")
    other = workdir / "trips.csv"
    other.write_text("a\n1\n")
    with tracker.start_run("assign_2030", model="assign"):
        logged = tracker.log_output(skim, key="skims_am_2030")
        plain = tracker.log_output(other, key="trips")
        explicit = consist.log_output(skim, key="skims_pm_2030", facet={"period": "custom"})
        positional = tracker.log_artifact(skim, "skims_md_2030", "output", None, False, "omx")
    assert logged.meta["facet"] == {"period": "am", "year": 2030}
    assert "facet" not in plain.meta
    assert explicit.meta["facet"] == {"period": "custom"}  # an explicit facet wins
    assert positional.meta["facet"] == {"period": "md", "year": 2030}
    assert positional.driver == "omx"
    stored = tracker.get_run_outputs("assign_2030")
    assert stored["skims_am_2030"].meta["facet"] == {"period": "am", "year": 2030}


def test_longest_prefix_wins_and_none_means_no_facet(tracker, workdir: Path) -> None:
    @dataclass
    class Period:
        period: str

    consist.register_artifact_facet_parser("skims_", lambda key: None, tracker=tracker)
    parsers = consist.register_artifact_facet_parser(
        "skims_am_", lambda key: Period("am"), tracker=tracker
    )
    assert parsers.prefixes == ["skims_am_", "skims_"]

    def assign() -> dict[str, Path]:
        am, pm = workdir / "am.bin", workdir / "pm.bin"
        am.write_bytes(b"a")
        pm.write_bytes(b"p")
        return {"skims_am_1": am, "skims_pm_1": pm}

    result = tracker.run(fn=assign, outputs=["skims_am_1", "skims_pm_1"])
    assert result.outputs["skims_am_1"].meta["facet"] == {"period": "am"}
    assert "facet" not in result.outputs["skims_pm_1"].meta


def test_bad_parsers_are_refused(tracker, workdir: Path) -> None:
    with pytest.raises(ConsistTypeError, match="non-empty key prefix"):
        consist.register_artifact_facet_parser("", _skim_facet, tracker=tracker)
    with pytest.raises(ConsistTypeError, match="callable parser"):
        consist.register_artifact_facet_parser("x", "not callable", tracker=tracker)
    consist.register_artifact_facet_parser("bad_", lambda key: 42, tracker=tracker)
    path = workdir / "bad.txt"
    path.write_text("x")
    with tracker.start_run("bad_run", model="bad"):
        with pytest.raises(ConsistTypeError, match="returned int"):
            tracker.log_output(path, key="bad_1")
        assert tracker.log_output(path, key="good_1").key == "good_1"


def test_parsers_are_per_tracker(make_tracker, workdir: Path) -> None:
    first = make_tracker()
    second = make_tracker(run_dir=workdir / "other_runs", db_path=workdir / "other.duckdb")
    with consist.use_tracker(first):
        consist.register_artifact_facet_parser("t_", lambda key: {"k": key})
    path = workdir / "t.txt"
    path.write_text("x")
    with second.start_run("r2", model="m"):
        assert "facet" not in second.log_output(path, key="t_1").meta
    with first.start_run("r1", model="m"):
        assert first.log_output(path, key="t_1").meta["facet"] == {"k": "t_1"}
