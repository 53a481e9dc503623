"""``consist.run_container``: the 0.3 function, standalone, nested and without lineage."""

from __future__ import annotations

from pathlib import Path

import pytest

import consist
from consist.errors import ConfigError

pytestmark = pytest.mark.docker

COUNT = "wc -l < /data/inputs/trips.csv > /data/outputs/count.txt"


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "inputs").mkdir(parents=True)
    (root / "outputs").mkdir()
    (root / "inputs" / "trips.csv").write_text("id\n1\n2\n")
    return root


def test_guide_style_call_runs_then_hits(make_tracker, busybox_image, data_root, monkeypatch):
    monkeypatch.chdir(data_root)  # relative outputs resolve here, as Path(...).resolve() would
    tracker = make_tracker(mounts={"data": data_root})
    kwargs = dict(
        image=busybox_image,
        command=["sh", "-c", COUNT],
        volumes={str(data_root): "/data"},
        inputs=[str(data_root / "inputs" / "trips.csv")],
        outputs=["./outputs/count.txt"],
        environment={"DEBUG": "1"},
        pull_latest=False,
    )
    first = consist.run_container(tracker, "count_trips", **kwargs)
    assert (first.cache_hit, first.run_id) == (False, "count_trips")
    assert list(first.artifacts) == ["count"]
    assert first.output.path == data_root / "outputs" / "count.txt"
    assert (data_root / "outputs" / "count.txt").read_text().strip() == "3"
    assert first.image_digest.startswith("sha256:")
    assert first.manifest["volumes"] == [["data://", "/data", "rw"]]
    assert "DEBUG" not in str(first.manifest)
    second = consist.run_container(tracker, "count_trips", **kwargs)  # the script re-run
    assert (second.cache_hit, second.cache_source) == (True, "count_trips")
    assert second.run_id.startswith("count_trips_")
    assert second.manifest_hash == first.manifest_hash


def test_strict_mounts_refuses_then_allows_outside_paths(
    make_tracker, busybox_image, data_root, tmp_path
):
    tracker = make_tracker()  # no mounts configured
    kwargs = dict(
        image=busybox_image,
        command=["sh", "-c", COUNT],
        volumes={str(data_root): "/data"},
        outputs={"count": data_root / "outputs" / "count.txt"},
    )
    with pytest.raises(ValueError, match="require configured tracker mounts") as info:
        consist.run_container(tracker, "strict", **kwargs)
    assert "pass strict_mounts=False to run_container()" in info.value.fix
    result = consist.run_container(tracker, "relaxed", strict_mounts=False, **kwargs)
    assert result.cache_hit is False
    assert result.manifest["volumes"] == [[data_root.as_posix(), "/data", "rw"]]


def test_nested_call_logs_to_the_open_run(make_tracker, busybox_image, data_root):
    tracker = make_tracker(mounts={"data": data_root})
    with tracker.start_run("outer", model="pipeline"):
        result = consist.run_container(
            tracker,
            "inner",
            image=busybox_image,
            command=["sh", "-c", COUNT],
            volumes={str(data_root): "/data"},
            inputs={"trips": data_root / "inputs" / "trips.csv"},
            outputs={"count": data_root / "outputs" / "count.txt"},
            output_log_kwargs={"driver": "txt"},
        )
    assert result.run_id == "outer"
    assert tracker.get_run_outputs("outer")["count"].path == data_root / "outputs" / "count.txt"
    assert "trips" in tracker.get_run_inputs("outer")
    meta = tracker.get_run("outer").meta
    assert any(key.startswith("container_step_") for key in meta)


def test_lineage_none_returns_the_manifest_only(make_tracker, busybox_image, data_root):
    tracker = make_tracker(mounts={"data": data_root})
    result = consist.run_container(
        tracker,
        "quick",
        image=busybox_image,
        command=["sh", "-c", COUNT],
        volumes={str(data_root): "/data"},
        outputs={"count": data_root / "outputs" / "count.txt"},
        lineage_mode="none",
    )
    assert result.artifacts == {} and result.manifest_hash
    assert (data_root / "outputs" / "count.txt").exists()
    assert tracker.find_runs() == []


def test_uses_the_current_tracker_and_validates_arguments(make_tracker, busybox_image, data_root):
    tracker = make_tracker(mounts={"data": data_root})
    with consist.use_tracker(tracker):
        result = consist.run_container(
            image=busybox_image,
            command=["sh", "-c", COUNT],
            volumes={str(data_root): "/data"},
            outputs=[data_root / "outputs" / "count.txt"],
        )
        with pytest.raises(ConfigError, match=r"must include image and command\."):
            consist.run_container(image=busybox_image)
        with pytest.raises(ConfigError, match=r"run_container\(\) requires outputs\."):
            consist.run_container(image=busybox_image, command="true")
        with pytest.raises(ConfigError, match="share the key 'count'"):
            consist.run_container(
                image=busybox_image,
                command="true",
                volumes={str(data_root): "/data"},
                outputs=[data_root / "count.txt", data_root / "outputs" / "count.txt"],
            )
    assert result.run_id.startswith("container_step")
