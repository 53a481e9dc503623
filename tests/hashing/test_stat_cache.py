"""StatCache: unchanged files are not read again; changes and races are caught."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time

import blake3
import pytest

from consist import _native
from consist.errors import ConfigError
from consist.hashing import StatCache, digest_directory, hash_file, hash_files

# Entries hashed within this long of a file's last change are "racy" and not
# trusted (20 ms in the core); tests wait it out before the first hash.
RACY_WAIT_S = 0.05


def settled(path: pathlib.Path, data: bytes) -> pathlib.Path:
    path.write_bytes(data)
    time.sleep(RACY_WAIT_S)
    return path


def test_unchanged_file_is_not_read_again(tmp_path: pathlib.Path) -> None:
    data = os.urandom(200_000)
    path = settled(tmp_path / "input.bin", data)
    cache = StatCache(tmp_path / "stat.cache")
    first = hash_file(path, stat_cache=cache)
    assert first.value == blake3.blake3(data).digest()
    read_before = _native.core.debug_bytes_read()
    assert hash_file(path, stat_cache=cache) == first
    assert hash_files([path, str(path)], stat_cache=cache) == [first, first]
    assert _native.core.debug_bytes_read() == read_before
    assert cache.stats() == {"hits": 3, "misses": 1, "entries": 1}


def test_entries_persist_for_other_processes(tmp_path: pathlib.Path) -> None:
    path = settled(tmp_path / "f.bin", b"x" * 5000)
    with StatCache(tmp_path / "stat.cache") as cache:
        digest = hash_file(path, stat_cache=cache)
    script = (
        "import sys\n"
        "from consist import _native\n"
        "from consist.hashing import StatCache, hash_file\n"
        "cache = StatCache(sys.argv[1])\n"
        "before = _native.core.debug_bytes_read()\n"
        "d = hash_file(sys.argv[2], stat_cache=cache)\n"
        "print(d, cache.stats()['hits'], _native.core.debug_bytes_read() - before)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "stat.cache"), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == [str(digest), "1", "0"]


def test_same_size_rewrite_with_restored_mtime_is_detected(tmp_path: pathlib.Path) -> None:
    path = settled(tmp_path / "data.csv", b"a,b\n1,2\n")
    stat = path.stat()
    cache = StatCache(tmp_path / "stat.cache")
    old = hash_file(path, stat_cache=cache)
    path.write_bytes(b"a,b\n3,4\n")  # same size, same second
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # hide the mtime change
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    new = hash_file(path, stat_cache=cache)
    assert new != old
    assert new.value == blake3.blake3(b"a,b\n3,4\n").digest()
    assert cache.stats()["hits"] == 0


def test_racy_entry_is_rehashed(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "hot.bin"
    path.write_bytes(b"1234")
    cache = StatCache(tmp_path / "stat.cache")
    hash_file(path, stat_cache=cache)  # hashed right after the write: racy
    hash_file(path, stat_cache=cache)
    assert cache.stats()["hits"] == 0
    time.sleep(RACY_WAIT_S)
    hash_file(path, stat_cache=cache)  # re-stored with a later hash time
    hash_file(path, stat_cache=cache)
    assert cache.stats()["hits"] == 1


def test_replaced_file_is_a_miss(tmp_path: pathlib.Path) -> None:
    path = settled(tmp_path / "f", b"one")
    cache = StatCache(tmp_path / "stat.cache")
    hash_file(path, stat_cache=cache)
    other = settled(tmp_path / "g", b"two")
    os.replace(other, path)  # new inode under the old name
    assert hash_file(path, stat_cache=cache).value == blake3.blake3(b"two").digest()
    assert cache.stats()["hits"] == 0


def test_algorithms_are_cached_separately(tmp_path: pathlib.Path) -> None:
    path = settled(tmp_path / "f", b"abc")
    cache = StatCache(tmp_path / "stat.cache")
    b3 = hash_file(path, stat_cache=cache)
    sha = hash_file(path, stat_cache=cache, algorithm="sha256")
    assert (b3.algorithm, sha.algorithm) == ("blake3", "sha256")
    assert hash_file(path, stat_cache=cache, algorithm="sha256") == sha
    assert cache.stats() == {"hits": 1, "misses": 2, "entries": 2}


def test_directory_digest_with_warm_cache(tmp_path: pathlib.Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    for i in range(50):
        (tree / "sub" / f"f{i}").write_bytes(os.urandom(100 + i))
    time.sleep(RACY_WAIT_S)
    cache = StatCache(tmp_path / "stat.cache")
    cold = digest_directory(tree, stat_cache=cache)
    read_before = _native.core.debug_bytes_read()
    warm = digest_directory(tree, stat_cache=cache)
    assert _native.core.debug_bytes_read() == read_before
    assert warm.digest == cold.digest == digest_directory(tree).digest
    assert cache.stats() == {"hits": 50, "misses": 50, "entries": 50}
    # Keys are absolute paths, shared with hash_file and independent of a trailing "/".
    assert hash_file(tree / "sub" / "f0", stat_cache=cache) == warm.entries[1].digest
    digest_directory(str(tree) + "/", stat_cache=cache)
    assert cache.stats() == {"hits": 101, "misses": 50, "entries": 50}
    (tree / "sub" / "f3").write_bytes(b"changed")
    assert digest_directory(tree, stat_cache=cache).digest != cold.digest
    assert cache.stats()["misses"] == 51


def test_damaged_or_deleted_cache_file_is_rebuilt(tmp_path: pathlib.Path) -> None:
    path = settled(tmp_path / "f", b"abc")
    cache_path = tmp_path / "stat.cache"
    cache_path.write_bytes(b"this is not a stat cache")
    cache = StatCache(cache_path)
    assert cache.stats()["entries"] == 0
    digest = hash_file(path, stat_cache=cache)
    cache.close()
    assert StatCache(cache_path).stats()["entries"] == 1
    StatCache(cache_path).close()
    cache_path.unlink()
    assert hash_file(path, stat_cache=StatCache(cache_path)) == digest


def test_same_path_shares_one_loaded_handle(tmp_path: pathlib.Path) -> None:
    path = settled(tmp_path / "f", b"abc")
    first = StatCache(tmp_path / "stat.cache")
    hash_file(path, stat_cache=first)
    second = StatCache(str(tmp_path / "stat.cache"))
    hash_file(path, stat_cache=second)
    assert second.stats() == {"hits": 1, "misses": 0, "entries": 1}
    assert second.path == str(tmp_path / "stat.cache")


def test_closed_cache_is_an_error(tmp_path: pathlib.Path) -> None:
    cache = StatCache(tmp_path / "stat.cache")
    cache.close()
    cache.close()  # idempotent
    with pytest.raises(ConfigError):
        hash_file(tmp_path / "stat.cache", stat_cache=cache)
    with pytest.raises(ConfigError):
        hash_file(tmp_path / "stat.cache", stat_cache="not a cache")


WORKER = """
import sys
from consist.hashing import StatCache, hash_files
cache = StatCache(sys.argv[1])
paths = sys.argv[2:]
for round_ in range(5):
    hash_files(paths[round_ % 3 :: 2], stat_cache=cache)
    cache._handle.refresh()
print(cache.stats()["entries"])
"""


def test_concurrent_processes_keep_the_cache_valid(tmp_path: pathlib.Path) -> None:
    files = []
    for i in range(40):
        files.append(tmp_path / f"in{i:02d}")
        files[-1].write_bytes(os.urandom(64) * (i + 1))
    time.sleep(RACY_WAIT_S)
    cache_path = tmp_path / "shared.cache"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(cache_path), *map(str, files[k::2])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in (0, 1, 0, 1)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
    merged = StatCache(cache_path)
    assert merged.stats()["entries"] == 40
    read_before = _native.core.debug_bytes_read()
    digests = hash_files(files, stat_cache=merged)
    assert _native.core.debug_bytes_read() == read_before
    assert digests == hash_files(files)
    assert merged.stats()["hits"] == 40
