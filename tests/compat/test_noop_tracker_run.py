"""``NoopTracker.run``: Consist 0.3 code calling ``tracker.run`` on a disabled tracker still runs.

Real files; nothing is recorded (no database, no snapshot directory).
"""

from __future__ import annotations

from pathlib import Path

import consist


def test_noop_tracker_runs_the_function_and_records_nothing(workdir: Path) -> None:
    tracker = consist.create_tracker(enabled=False)
    raw = workdir / "raw.csv"
    raw.write_text("a\n1\n")
    calls = []

    def scale(raw: Path, factor: int) -> dict[str, Path]:
        calls.append(factor)
        out = consist.output_path("scaled", "csv")
        out.write_text(raw.read_text() * factor)
        return {"scaled": out}

    first = tracker.run(fn=scale, inputs={"raw": raw}, config={"factor": 2}, outputs=["scaled"])
    again = tracker.run(fn=scale, inputs={"raw": raw}, config={"factor": 2}, outputs=["scaled"])
    assert calls == [2, 2]  # no cache: every call runs
    assert first.cache_hit is False and first.run is None
    assert first.outputs["scaled"].path.read_text() == "a\n1\n" * 2
    assert again.outputs["scaled"].path == first.outputs["scaled"].path
    assert not (workdir / "consist_runs").exists() and not list(workdir.rglob("*.duckdb"))
    assert tracker.run().outputs == {}  # no function: nothing to do
