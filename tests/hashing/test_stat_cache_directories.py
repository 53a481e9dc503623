"""StatCache with directory digests: entries are keyed by full path, persist, and
stay separate for same-named files in different folders and for each algorithm."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time

from consist import _native
from consist.hashing import StatCache, digest_directory, hash_file

RACY_WAIT_S = 0.05  # entries hashed within 20 ms of a change are not trusted


def same_names_in_many_folders(root: pathlib.Path) -> pathlib.Path:
    for folder in ("a", "b", "a/b", "b/a"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name in ("x", "y.csv", "z"):
            (root / folder / name).write_bytes(os.urandom(64))
    time.sleep(RACY_WAIT_S)
    return root


def test_same_names_in_other_folders_keep_their_own_digests(tmp_path: pathlib.Path) -> None:
    tree = same_names_in_many_folders(tmp_path / "tree")
    cache = StatCache(tmp_path / "stat.cache")
    cold = digest_directory(tree, stat_cache=cache)
    warm = digest_directory(tree, stat_cache=cache)
    assert warm.digest == cold.digest == digest_directory(tree).digest
    assert cache.stats() == {"hits": 12, "misses": 12, "entries": 12}
    for entry in warm.entries:
        if entry.kind == "file":
            assert entry.digest == hash_file(tree / entry.path)


def test_directory_entries_are_read_back_by_another_process(tmp_path: pathlib.Path) -> None:
    tree = same_names_in_many_folders(tmp_path / "tree")
    with StatCache(tmp_path / "stat.cache") as cache:
        blake = digest_directory(tree, stat_cache=cache)
        sha = digest_directory(tree, stat_cache=cache, algorithm="sha256")
    script = (
        "import sys\n"
        "from consist import _native\n"
        "from consist.hashing import StatCache, digest_directory\n"
        "cache = StatCache(sys.argv[1])\n"
        "before = _native.core.debug_bytes_read()\n"
        "b = digest_directory(sys.argv[2], stat_cache=cache)\n"
        "s = digest_directory(sys.argv[2], stat_cache=cache, algorithm='sha256')\n"
        "print(b.digest, s.digest, cache.stats(), _native.core.debug_bytes_read() - before)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "stat.cache"), str(tree)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(maxsplit=2)
    assert out[:2] == [str(blake.digest), str(sha.digest)]
    assert out[2].strip() == "{'hits': 24, 'misses': 0, 'entries': 24} 0"


def test_file_replaced_between_digests_is_read_again(tmp_path: pathlib.Path) -> None:
    tree = same_names_in_many_folders(tmp_path / "tree")
    cache = StatCache(tmp_path / "stat.cache")
    digest_directory(tree, stat_cache=cache)
    replacement = tmp_path / "new"
    replacement.write_bytes(os.urandom(64))
    os.replace(replacement, tree / "b" / "a" / "x")
    time.sleep(RACY_WAIT_S)
    read_before = _native.core.debug_bytes_read()
    again = digest_directory(tree, stat_cache=cache)
    assert _native.core.debug_bytes_read() - read_before == 64
    assert again.digest == digest_directory(tree).digest
    assert cache.stats() == {"hits": 11, "misses": 13, "entries": 12}
