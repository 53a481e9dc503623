"""digest_directory: manifest, options, symlink policy, errors."""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import threading

import blake3
import pytest
from hashing_trees import build_tree

from consist.digest import Digest
from consist.errors import ConfigError, HashError, HashFileNotFoundError, HashPathError
from consist.hashing import DigestProgress, DirectoryDigest, digest_directory, hash_file

TREE = [
    {"path": "b.csv", "kind": "file", "content": "b"},
    {"path": "a", "kind": "dir"},
    {"path": "a/x.csv", "kind": "file", "content": "x"},
    {"path": "a/run.sh", "kind": "file", "content": "#!/bin/sh", "executable": True},
    {"path": ".hidden", "kind": "dir"},
    {"path": ".hidden/secret", "kind": "file", "content": "s"},
    {"path": "__pycache__", "kind": "dir"},
    {"path": "__pycache__/m.pyc", "kind": "file", "content": "pyc"},
    {"path": "empty", "kind": "dir"},
]


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "tree"
    root.mkdir()
    build_tree(root, TREE)
    return root


def paths(result: DirectoryDigest) -> list[str]:
    return [e.path for e in result.entries]


def test_manifest_rows(tree: pathlib.Path) -> None:
    result = digest_directory(tree)
    assert paths(result) == [
        ".hidden",
        ".hidden/secret",
        "__pycache__",
        "__pycache__/m.pyc",
        "a",
        "a/run.sh",
        "a/x.csv",
        "b.csv",
        "empty",
    ]
    rows = {e.path: e for e in result.entries}
    assert rows["a/run.sh"].executable and not rows["a/x.csv"].executable
    assert rows["a"].kind == "dir" and rows["a"].digest is None and rows["a"].size == 0
    assert rows["b.csv"].digest == hash_file(tree / "b.csv")
    assert rows["b.csv"].size == 1
    assert result.entries.file_count == 5 and result.entries.dir_count == 4
    assert result.entries.total_bytes == len("bxs#!/bin/shpyc")
    assert result.entries[-1] == result.entries[len(result.entries) - 1]
    assert result.entries[1:3] == list(result.entries)[1:3]
    with pytest.raises(IndexError):
        result.entries[99]
    assert "entries=9" in repr(result)


def test_sha256_file_digests_and_tag(tree: pathlib.Path) -> None:
    result = digest_directory(tree, algorithm="sha256")
    assert result.digest.algorithm == "sha256"
    row = next(e for e in result.entries if e.path == "b.csv")
    assert row.digest == Digest("sha256", hashlib.sha256(b"b").digest())
    assert result.digest != digest_directory(tree).digest


def test_include_exclude_and_dotfiles(tree: pathlib.Path) -> None:
    assert paths(digest_directory(tree, include=["*.csv"])) == ["a", "a/x.csv", "b.csv"]
    assert paths(digest_directory(tree, include=["a"])) == ["a", "a/run.sh", "a/x.csv"]
    excluded = digest_directory(tree, exclude=["__pycache__", ".hidden", "*.sh"])
    assert paths(excluded) == ["a", "a/x.csv", "b.csv", "empty"]
    assert paths(digest_directory(tree, exclude=["a/**"]))[:5] == [
        ".hidden",
        ".hidden/secret",
        "__pycache__",
        "__pycache__/m.pyc",
        "a",
    ]
    assert ".hidden" not in paths(digest_directory(tree, ignore_dotfiles=True))
    assert paths(digest_directory(tree, include="b.csv")) == ["b.csv"]
    with pytest.raises(ConfigError):
        digest_directory(tree, include=["[unclosed"])
    with pytest.raises(ConfigError):
        digest_directory(tree, exclude=[""])


def test_symlink_policies(tree: pathlib.Path) -> None:
    os.symlink("b.csv", tree / "link")
    with pytest.raises(HashPathError) as info:
        digest_directory(tree)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, OSError)
    assert err.filename == str(tree / "link")
    assert "record_target" in str(err)
    recorded = digest_directory(tree, symlinks="record_target")
    row = next(e for e in recorded.entries if e.path == "link")
    assert row.kind == "symlink" and row.size == len("b.csv")
    assert row.digest == Digest("blake3", blake3.blake3(b"b.csv").digest())
    before = recorded.digest
    os.remove(tree / "link")
    os.symlink("a/x.csv", tree / "link")
    assert digest_directory(tree, symlinks="record_target").digest != before
    assert "link" not in paths(digest_directory(tree, exclude=["link"]))
    with pytest.raises(ConfigError):
        digest_directory(tree, symlinks="follow")


def test_root_symlink_is_followed(tree: pathlib.Path, tmp_path: pathlib.Path) -> None:
    os.symlink(tree, tmp_path / "alias")
    assert digest_directory(tmp_path / "alias").digest == digest_directory(tree).digest


def test_non_utf8_name_is_rejected(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    bad = os.path.join(os.fsencode(root), b"bad-\xff.txt")
    with open(bad, "wb") as handle:
        handle.write(b"x")
    with pytest.raises(HashPathError) as info:
        digest_directory(root)
    assert "UTF-8" in str(info.value)
    assert digest_directory(root, exclude=["bad-*"]).entries.file_count == 0


def test_fifo_is_rejected(tmp_path: pathlib.Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(HashPathError, match="fifo"):
        digest_directory(tmp_path)


def test_missing_and_not_a_directory(tmp_path: pathlib.Path) -> None:
    with pytest.raises(HashFileNotFoundError):
        digest_directory(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(HashError) as info:
        digest_directory(tmp_path / "file")
    assert info.value.filename == str(tmp_path / "file")


def test_unreadable_folder_maps_to_permission_error(tmp_path: pathlib.Path) -> None:
    # chmod does not stop root (CAP_DAC_OVERRIDE), so the digest runs in a
    # subprocess whose capability bounding set drops the DAC overrides.
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and util-linux setpriv to drop DAC capabilities")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "f").write_text("x")
    locked.chmod(0)
    script = (
        "from consist.hashing import digest_directory\n"
        "from consist.errors import HashPermissionError\n"
        f"try:\n    digest_directory({str(tmp_path)!r})\n"
        "except HashPermissionError as e:\n    print('mapped', e.filename)\n"
    )
    drop = "-dac_override,-dac_read_search"
    command = ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", sys.executable]
    try:
        out = subprocess.run([*command, "-c", script], capture_output=True, text=True)
    finally:
        locked.chmod(0o755)
    assert out.stdout.strip() == f"mapped {locked}", out.stderr[-2000:]


@pytest.mark.parametrize("threads", [None, 1, 2])
def test_threads_do_not_change_the_digest(tree: pathlib.Path, threads: int | None) -> None:
    assert digest_directory(tree, threads=threads).digest == digest_directory(tree).digest


def test_fast_strategy(tree: pathlib.Path) -> None:
    fast = digest_directory(tree, strategy="fast")
    assert fast.digest.algorithm == "fast" and str(fast.digest).startswith("fast:")
    assert fast.strategy == "fast"
    rows = {e.path: e for e in fast.entries}
    assert rows["b.csv"].digest.algorithm == "fast"
    (tree / "b.csv").write_text("c")  # same size
    os.utime(tree / "b.csv", ns=(5, 5))
    assert digest_directory(tree, strategy="fast").digest != fast.digest


def test_progress_counters(tree: pathlib.Path) -> None:
    progress = DigestProgress()
    seen: list[tuple[int, int, int, int]] = []
    worker = threading.Thread(target=lambda: seen.append(progress.snapshot()))
    worker.start()
    digest_directory(tree, progress=progress)
    worker.join()
    assert progress.snapshot() == (5, 15, 5, 15)
    assert len(seen) == 1
