"""Mounts and URIs: portable URIs, strict resolution, traversal and symlink refusal."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

import pytest

from consist.artifacts.mounts import check_allowed_destination, normalize_mounts
from consist.artifacts.uris import PathMapper
from consist.errors import ConfigError, UriResolutionError


def test_paths_become_mount_run_relative_or_absolute_uris(tmp_path: Path) -> None:
    data, nested = tmp_path / "data", tmp_path / "data" / "big"
    mapper = PathMapper(tmp_path / "runs", {"inputs": data, "big": nested})
    assert mapper.to_uri(data / "a" / "b.csv") == "inputs://a/b.csv"
    assert mapper.to_uri(nested / "x.bin") == "big://x.bin"  # the longest root wins
    assert mapper.to_uri(tmp_path / "data2" / "x") == (tmp_path / "data2" / "x").as_posix()
    assert mapper.to_uri(tmp_path / "runs" / "outputs" / "x.csv") == "./outputs/x.csv"
    assert mapper.mount_of("inputs://a/b.csv") == ("inputs", data)
    assert mapper.mount_of("./outputs/x.csv") is None


def test_a_symlink_into_a_mount_maps_through_its_real_path(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "raw.csv").write_text("a\n")
    (tmp_path / "alias").symlink_to(data)
    mapper = PathMapper(tmp_path / "runs", {"inputs": data})
    assert mapper.to_uri(tmp_path / "alias" / "raw.csv") == "inputs://raw.csv"


def test_resolution_of_every_uri_form(tmp_path: Path) -> None:
    run_dir, data = tmp_path / "runs", tmp_path / "data"
    mapper = PathMapper(run_dir, {"inputs": data})
    assert mapper.resolve("inputs://a/b.csv") == data / "a" / "b.csv"
    assert mapper.resolve("./outputs/x.csv") == run_dir / "outputs" / "x.csv"
    assert mapper.resolve("workspace://outputs/x.csv") == run_dir / "outputs" / "x.csv"
    assert mapper.resolve(f"file://{tmp_path}/z") == tmp_path / "z"
    assert mapper.resolve(str(tmp_path / "abs.csv")) == tmp_path / "abs.csv"
    # A mount named "workspace" takes over the built-in meaning.
    assert PathMapper(run_dir, {"workspace": data}).resolve("workspace://x") == data / "x"


def test_unknown_scheme_is_the_guides_error(tracker) -> None:
    with pytest.raises(
        UriResolutionError, match=re.escape("Cannot resolve URI: outputs://key/file.csv")
    ):
        tracker.resolve_uri("outputs://key/file.csv")
    with pytest.raises(ValueError) as caught:  # a ValueError, as Consist 0.3 callers expect
        tracker.resolve_uri("outputs://key/file.csv")
    assert "mounts={'outputs'" in str(caught.value)


@pytest.mark.parametrize(
    "uri",
    [
        "inputs://../secret.csv",
        "inputs://a/../../secret.csv",
        "inputs:///etc/passwd",
        "./../secret.csv",
        "workspace://../../secret.csv",
    ],
)
def test_traversal_out_of_a_root_is_refused(tmp_path: Path, uri: str) -> None:
    mapper = PathMapper(tmp_path / "runs", {"inputs": tmp_path / "data"}, allow_external=True)
    with pytest.raises(UriResolutionError, match="Path traversal detected in URI"):
        mapper.resolve(uri)


def test_a_symlink_escaping_a_mount_is_refused_unless_external_paths_are_allowed(
    make_tracker, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, outside = workdir / "data", workdir / "outside"
    data.mkdir()
    outside.mkdir()
    (outside / "secret.csv").write_text("s\n")
    (data / "link").symlink_to(outside)
    strict = make_tracker(mounts={"inputs": data})
    with pytest.raises(UriResolutionError, match=r"leaves mount .* through a symlink"):
        strict.resolve_uri("inputs://link/secret.csv")
    lenient = make_tracker(mounts={"inputs": data}, allow_external_paths=True)
    assert lenient.resolve_uri("inputs://link/secret.csv") == str(data / "link" / "secret.csv")
    monkeypatch.setenv("CONSIST_ALLOW_EXTERNAL_PATHS", "1")
    from_env = make_tracker(mounts={"inputs": data})
    assert Path(from_env.resolve_uri("inputs://link/secret.csv")).read_text() == "s\n"


def test_mount_names_are_validated() -> None:
    for bad in ("in puts", "file", "1abc", ""):
        with pytest.raises(ConfigError, match="Invalid mount name"):
            normalize_mounts({bad: "/x"})
    assert normalize_mounts({"a.b-c_d": "rel"}, base=Path("/base")) == {
        "a.b-c_d": Path("/base/rel")
    }


def test_relative_locations_history_and_archive_candidates(tmp_path: Path) -> None:
    mapper = PathMapper(
        tmp_path / "runs",
        {"inputs": tmp_path / "data"},
        archive_mounts={"inputs": tmp_path / "archive", "workspace": "../run_archive"},
    )
    assert mapper.relative_location("./outputs/m/x.csv") == PurePosixPath("outputs/m/x.csv")
    assert mapper.relative_location("inputs://a/b.csv") == PurePosixPath("a/b.csv")
    assert mapper.relative_location("/elsewhere/x.csv") is None
    assert mapper.relative_location(str(tmp_path / "runs" / "o.csv")) == PurePosixPath("o.csv")
    recorded = {"_physical_run_dir": "/old/runs", "mounts": {"inputs": "/old/data"}}
    assert mapper.historical_path("./outputs/x.csv", recorded) == Path("/old/runs/outputs/x.csv")
    assert mapper.historical_path("inputs://a.csv", recorded) == Path("/old/data/a.csv")
    assert mapper.historical_path("inputs://a.csv", None) is None
    assert mapper.archive_candidates("inputs://a.csv") == [tmp_path / "archive" / "a.csv"]
    assert mapper.archive_candidates("./o/x.csv") == [tmp_path / "run_archive" / "o" / "x.csv"]


def test_destination_guard(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "escape").symlink_to(tmp_path / "outside")
    ok = check_allowed_destination(root / "sub" / "a.csv", [root], allow_external=False)
    assert ok == root / "sub" / "a.csv"
    with pytest.raises(UriResolutionError, match="is outside allowed roots"):
        check_allowed_destination(tmp_path / "other" / "a.csv", [root], allow_external=False)
    with pytest.raises(UriResolutionError, match="is outside allowed roots"):
        check_allowed_destination(root / ".." / "other", [root], allow_external=False)
    with pytest.raises(UriResolutionError, match="through a symlink"):
        check_allowed_destination(root / "escape" / "a.csv", [root], allow_external=False)
    assert check_allowed_destination(tmp_path / "x", [root], allow_external=True) == tmp_path / "x"


def test_tracker_records_mount_uris_and_run_relative_outputs(make_tracker, workdir: Path) -> None:
    data = workdir / "data"
    data.mkdir()
    raw = data / "raw.csv"
    raw.write_text("a\n1\n")
    tracker = make_tracker(mounts={"inputs": data})
    with tracker.start_run("uris", model="uris"):
        logged_in = tracker.log_input(raw, key="raw")
        out = tracker.output_path("out", "csv")
        out.write_text("b\n2\n")
        logged_out = tracker.log_output(out, key="out")
    assert logged_in.container_uri == "inputs://raw.csv"
    assert logged_in.meta["mount_scheme"] == "inputs"
    assert logged_out.container_uri == "./outputs/uris/uris/out.csv"
    stored = tracker.get_artifacts_for_run("uris")
    assert stored.inputs["raw"].path == raw and stored.outputs["out"].path == out
    assert tracker.resolve_uri(logged_out.container_uri) == str(out)
    run = tracker.get_run("uris")
    assert run.meta["_physical_run_dir"] == str(workdir / "runs")
    assert run.meta["mounts"] == {"inputs": str(data)}
    assert os.path.isabs(tracker.resolve_uri("workspace://outputs"))
