"""place_file: reflink on a real XFS loop mount, copy/hardlink on the work filesystem."""

from __future__ import annotations

import os
import pathlib

import pytest

from consist.errors import ConfigError, HashFileNotFoundError, PlacementError
from consist.placement import place_file


def _tmp_leftovers(folder: pathlib.Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".consist-tmp-" in p.name]


def test_auto_copies_on_ext4_and_keeps_permissions(tmp_path: pathlib.Path) -> None:
    src = tmp_path / "model.bin"
    src.write_bytes(os.urandom(300_000))
    src.chmod(0o751)
    dst = tmp_path / "out" / "nested" / "model.bin"
    method = place_file(src, dst)
    assert method in ("copy", "reflink")  # reflink only if the work filesystem can clone
    assert dst.read_bytes() == src.read_bytes()
    assert dst.stat().st_mode & 0o7777 == 0o751
    assert dst.stat().st_ino != src.stat().st_ino
    assert _tmp_leftovers(dst.parent) == []


def test_copy_replaces_existing_destination_atomically(tmp_path: pathlib.Path) -> None:
    src, dst = tmp_path / "new", tmp_path / "dst"
    src.write_bytes(b"new contents")
    dst.write_bytes(b"old")
    assert place_file(src, str(dst), mode="copy") == "copy"
    assert dst.read_bytes() == b"new contents"
    assert place_file(tmp_path / "new", tmp_path / "empty-copy", mode="copy") == "copy"


def test_empty_file(tmp_path: pathlib.Path) -> None:
    src = tmp_path / "empty"
    src.touch()
    assert place_file(src, tmp_path / "copy", mode="copy") == "copy"
    assert (tmp_path / "copy").read_bytes() == b""


def test_hardlink_only_when_asked(tmp_path: pathlib.Path) -> None:
    src = tmp_path / "a"
    src.write_text("x")
    assert place_file(src, tmp_path / "b", mode="hardlink") == "hardlink"
    assert (tmp_path / "b").stat().st_ino == src.stat().st_ino
    assert place_file(src, tmp_path / "c") != "hardlink"


def test_reflink_mode_fails_cleanly_where_unsupported(tmp_path: pathlib.Path) -> None:
    src = tmp_path / "a"
    src.write_text("x")
    dst = tmp_path / "b"
    try:
        method = place_file(src, dst, mode="reflink")
    except PlacementError as err:
        assert err.filename == str(dst)
        assert "mode='auto'" in str(err)
        assert not dst.exists()
        assert _tmp_leftovers(tmp_path) == []
    else:  # the work filesystem supports reflinks after all
        assert method == "reflink"


def test_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(HashFileNotFoundError) as info:
        place_file(tmp_path / "missing", tmp_path / "dst")
    assert isinstance(info.value, FileNotFoundError)
    with pytest.raises(ConfigError):
        place_file(tmp_path / "missing", tmp_path / "dst", mode="symlink")
    src = tmp_path / "same"
    src.write_text("x")
    with pytest.raises(ValueError):
        place_file(src, src)
    assert src.read_text() == "x"
    with pytest.raises(PlacementError):
        place_file(tmp_path, tmp_path / "dir-copy")


def test_reflink_on_xfs(xfs_mount: pathlib.Path) -> None:
    src = xfs_mount / "big.bin"
    data = os.urandom(4 * 1024 * 1024)
    src.write_bytes(data)
    src.chmod(0o640)
    dst = xfs_mount / "copies" / "big.bin"
    assert place_file(src, dst) == "reflink"
    assert place_file(src, xfs_mount / "forced.bin", mode="reflink") == "reflink"
    assert dst.read_bytes() == data
    assert dst.stat().st_mode & 0o7777 == 0o640
    # Copy-on-write: changing the clone leaves the original intact.
    with open(dst, "r+b") as handle:
        handle.write(b"changed")
    assert src.read_bytes() == data
    assert place_file(src, xfs_mount / "plain.bin", mode="copy") == "copy"
    assert _tmp_leftovers(xfs_mount / "copies") == []
