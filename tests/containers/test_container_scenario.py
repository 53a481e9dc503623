"""A scenario mixing a Python step and a container step, wired through the Coupler.

Real Docker engine (local busybox image), real DuckDB file. The Python step writes
trips into the mounted input folder; the container step names that output by its
Coupler key; a last Python step reads the container's output, again by key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from consist import ExecutionOptions

pytestmark = pytest.mark.docker

COUNT = "wc -l < /inputs/trips.csv > /outputs/count.txt; echo ran >> /outputs/ran.log"


def _workflow(tracker, root: Path, image: str, n_trips: int) -> dict[str, object]:
    def make_trips(n: int) -> dict[str, Path]:
        out = root / "inputs" / "trips.csv"
        out.write_text("id\n" + "".join(f"{i}\n" for i in range(n)))
        return {"trips": out}

    def report(count: Path) -> dict[str, Path]:
        out = root / "report.txt"
        out.write_text(f"rows+header={count.read_text().strip()}\n")
        return {"report": out}

    with tracker.scenario("mixed") as sc:
        made = sc.run(fn=make_trips, config={"n": n_trips}, outputs=["trips"])
        counted = sc.run(
            name="count",
            inputs={"trips": "trips"},  # a Coupler key, resolved by the scenario
            output_paths={"count": root / "outputs" / "count.txt"},
            execution_options=ExecutionOptions(
                executor="container",
                container={
                    "image": image,
                    "command": ["sh", "-c", COUNT],
                    "volumes": {
                        str(root / "inputs"): "/inputs",
                        str(root / "outputs"): "/outputs",
                    },
                },
            ),
        )
        reported = sc.run(
            fn=report,
            inputs={"count": "count"},
            outputs=["report"],
            execution_options=ExecutionOptions(input_binding="paths"),
        )
        assert sc.coupler.get("count").id == counted.outputs["count"].id
    return {"made": made, "counted": counted, "reported": reported}


def _starts(root: Path) -> int:
    log = root / "outputs" / "ran.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_python_and_container_steps_pass_artifacts_through_the_coupler(
    make_tracker, busybox_image, tmp_path
) -> None:
    root = tmp_path / "mnt"
    (root / "inputs").mkdir(parents=True)
    (root / "outputs").mkdir()
    tracker = make_tracker(mounts={"data": root})

    first = _workflow(tracker, root, busybox_image, n_trips=3)
    assert [r.cache_hit for r in first.values()] == [False, False, False]
    assert _starts(root) == 1
    assert (root / "report.txt").read_text() == "rows+header=4\n"
    # The container step consumed exactly the artifact the Python step produced.
    consumed = tracker.get_artifacts_for_run(first["counted"].run.id).inputs["trips"]
    assert consumed.hash == first["made"].outputs["trips"].hash

    again = _workflow(tracker, root, busybox_image, n_trips=3)
    assert [r.cache_hit for r in again.values()] == [True, True, True]
    assert _starts(root) == 1  # the container did not start again

    changed = _workflow(tracker, root, busybox_image, n_trips=5)
    assert [r.cache_hit for r in changed.values()] == [False, False, False]
    assert _starts(root) == 2
    assert (root / "report.txt").read_text() == "rows+header=6\n"
