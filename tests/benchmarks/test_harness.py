"""The benchmark harness's pure logic: goals, rows, rendering, the results store, discovery.

No timings are asserted; rows here are synthetic.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH_DIR))

from harness.datasets import DataSets, TreeSpec, _write_tree  # noqa: E402
from harness.report import format_ratio, format_value, render_results_md, render_terminal  # noqa: E402
from harness.results_store import load_store, save_store, target_record  # noqa: E402
from harness.row import (  # noqa: E402
    FAIL,
    INFO,
    PASS,
    SKIP,
    Row,
    anchor_only_row,
    context_only,
    make_row,
    skip_row,
    speedup_at_least,
    throughput_at_least,
    time_at_most,
    value_at_most,
)
from targets import discover  # noqa: E402


def test_speedup_goal_uses_anchor_over_ours() -> None:
    row = make_row("P1", "m", ours=0.1, anchor="0.3.5", anchor_value=0.7, goal=speedup_at_least(6))
    assert row.ratio == pytest.approx(7.0)
    assert row.status == PASS
    slow = make_row("P1", "m", ours=0.2, anchor="0.3.5", anchor_value=0.7, goal=speedup_at_least(6))
    assert slow.status == FAIL


def test_throughput_goal_passes_at_the_boundary() -> None:
    row = make_row(
        "P1", "m", ours=1.0, anchor="b3sum", anchor_value=0.95, goal=throughput_at_least(0.95)
    )
    assert row.ratio == pytest.approx(0.95)
    assert row.status == PASS


def test_time_goal_uses_ours_over_anchor() -> None:
    row = make_row("P3", "m", ours=0.03, anchor="walk", anchor_value=0.02, goal=time_at_most(1.5))
    assert row.ratio == pytest.approx(1.5)
    assert row.status == PASS
    assert (
        make_row(
            "P3", "m", ours=0.031, anchor="w", anchor_value=0.02, goal=time_at_most(1.5)
        ).status
        == FAIL
    )


def test_absolute_limit_and_context_rows() -> None:
    over = make_row(
        "P12",
        "rss",
        ours=320,
        anchor="limit",
        anchor_value=300,
        goal=value_at_most(300, "300 MB"),
        unit="MB",
    )
    assert (over.status, over.goal) == (FAIL, "<= 300 MB")
    info = make_row("P1", "m", ours=1, anchor="sha256", anchor_value=4, goal=context_only())
    assert (info.status, info.ratio) == (INFO, 4)
    with pytest.raises(ValueError, match="speedup"):
        context_only(ratio="bogus")


def test_non_positive_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="positive"):
        make_row("P1", "m", ours=0.0, anchor="a", anchor_value=1.0, goal=time_at_most(1))


def test_formatting() -> None:
    assert format_value(0.0973, "s") == "97.3 ms"
    assert format_value(1.5, "s") == "1.50 s"
    assert format_value(12e-6, "s") == "12.0 us"
    assert format_value(123.44, "MB") == "123.4 MB"
    assert format_value(None, "s") == "-"
    assert (format_ratio(6.712), format_ratio(96.4), format_ratio(None)) == ("6.71x", "96.4x", "-")


def _rows() -> list[Row]:
    return [
        make_row(
            "P1", "hash", ours=0.1, anchor="b3sum", anchor_value=0.1, goal=throughput_at_least(0.95)
        ),
        skip_row(
            "P7",
            "consist --help",
            anchor="limit",
            goal=value_at_most(0.2, "200 ms"),
            reason="no CLI yet",
        ),
        anchor_only_row(
            "P7",
            "consist --help",
            anchor="0.3.5",
            anchor_value=1.0,
            goal=speedup_at_least(6),
            reason="no CLI yet",
        ),
    ]


def test_terminal_table_has_every_row_and_deduplicated_notes() -> None:
    text = render_terminal(_rows())
    lines = text.splitlines()
    assert lines[0].split() == [
        "id",
        "measure",
        "ours",
        "anchor",
        "anchor",
        "value",
        "ratio",
        "target",
        "result",
    ]
    assert sum(1 for line in lines if line.startswith(("P1 ", "P7 "))) == 3
    assert text.count("no CLI yet") == 1
    assert "PASS" in text and SKIP in text


def test_results_store_merges_per_target_and_renders_markdown(tmp_path: Path) -> None:
    store_path = tmp_path / "results.json"
    machine = {"cpu": "test cpu", "filesystem": "ext4"}
    rows = _rows()
    save_store(
        store_path,
        {"P7": target_record(rows[1:], command="cmd a", page_cache="warm", machine=machine)},
    )
    store = load_store(store_path)
    store["P1"] = target_record(rows[:1], command="cmd b", page_cache="warm", machine=machine)
    save_store(store_path, store)
    merged = load_store(store_path)
    assert set(merged) == {"P1", "P7"}
    md = render_results_md(merged)
    table = [line for line in md.splitlines() if line.startswith("| P")]
    assert [line.split("|")[1].strip() for line in table[:3]] == ["P1", "P7", "P7"]
    assert "`cmd a`" in md and "`cmd b`" in md
    assert md.count("## Machine M") == 1 and "test cpu" in md
    assert not list(tmp_path.glob("*.tmp"))


def test_every_target_module_is_discovered_in_order() -> None:
    ids = [t.ID for t in discover()]
    assert ids[:4] == ["P1", "P2", "P3", "P4"]
    assert {"P7", "P12"} <= set(ids)
    assert ids == sorted(ids, key=lambda i: int(i[1:]))


def test_tree_generation_is_stamped_and_distinct(tmp_path: Path) -> None:
    spec = TreeSpec("t", count=25, size=40, per_dir=10)
    _write_tree(tmp_path / "t", spec)
    files = sorted((tmp_path / "t").rglob("*.bin"))
    assert len(files) == 25 and {f.stat().st_size for f in files} == {40}
    assert len({f.read_bytes() for f in files}) == 25
    data = DataSets(tmp_path, quick=True, log=lambda _msg: None)
    tiny = data.tiny_file()
    assert tiny.stat().st_size == 4096 and data.tiny_file() == tiny


def test_interleaved_timing_runs_sides_round_robin_after_warmup() -> None:
    from harness.timing import time_interleaved

    calls: list[str] = []
    timings = time_interleaved(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, reps=3, warmup=1
    )
    assert calls == ["a", "b"] * 4
    assert {name: len(t.samples) for name, t in timings.items()} == {"a": 3, "b": 3}


def test_side_by_side_skips_unavailable_anchors_and_keeps_anchor_numbers(tmp_path: Path) -> None:
    from harness.compare import Anchor, side_by_side
    from harness.context import Context, Unavailable
    from harness.timing import Timing

    ctx = Context.create(tmp_path, quick=True, log=lambda _msg: None)

    def missing_tool() -> None:
        raise Unavailable("b3sum not found")

    anchors = [
        Anchor("fixed", time_at_most(1.0), timed=lambda: Timing((2.0, 2.0, 2.0))),
        Anchor("tool", time_at_most(1.0), once=missing_tool),
        Anchor("local", context_only(), once=lambda: None),
    ]
    rows = side_by_side(ctx, "P0", "m", ours=lambda: None, anchors=anchors)
    assert [r.status for r in rows] == [PASS, SKIP, INFO]
    assert rows[1].note == "b3sum not found"
    pending = side_by_side(ctx, "P0", "m", ours=None, ours_missing="not yet", anchors=anchors)
    assert (pending[0].status, pending[0].anchor_value, pending[0].note) == (SKIP, 2.0, "not yet")
    assert all(r.ours is None for r in pending)
