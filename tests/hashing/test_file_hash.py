"""hash_file / hash_files against independent oracles (PyPI blake3, hashlib)."""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess

import blake3
import pytest

from consist import _native
from consist.digest import Digest
from consist.errors import ConfigError, HashError, HashFileNotFoundError
from consist.hashing import hash_file, hash_files

KIB = 1024
SIZES = [0, 1, KIB, 16 * KIB - 1, 16 * KIB, 16 * KIB + 1, 1024 * KIB]


def _data(size: int) -> bytes:
    return bytes((i * 7 + 3) % 251 for i in range(size))


@pytest.fixture(scope="module")
def sized_files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, pathlib.Path]:
    root = tmp_path_factory.mktemp("sized")
    files = {}
    for size in SIZES:
        path = root / f"f{size}"
        path.write_bytes(_data(size))
        files[size] = path
    return files


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("threads", [None, 1, 2])
def test_blake3_matches_reference(sized_files, size: int, threads: int | None) -> None:
    digest = hash_file(sized_files[size], threads=threads)
    assert digest == Digest("blake3", blake3.blake3(_data(size)).digest())


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("threads", [None, 1, 2])
def test_sha256_matches_hashlib(sized_files, size: int, threads: int | None) -> None:
    digest = hash_file(sized_files[size], algorithm="sha256", threads=threads)
    assert digest.hex == hashlib.sha256(_data(size)).hexdigest()
    assert str(digest).startswith("sha256:")


def test_str_and_pathlike_paths_agree(sized_files) -> None:
    path = sized_files[KIB]
    assert hash_file(str(path)) == hash_file(path) == hash_file(os.fsencode(path).decode())


@pytest.mark.skipif(shutil.which("b3sum") is None, reason="b3sum is not installed")
def test_matches_b3sum_cli(sized_files) -> None:
    path = sized_files[1024 * KIB]
    out = subprocess.run(["b3sum", "--no-names", str(path)], capture_output=True, text=True)
    assert hash_file(path).hex == out.stdout.strip()


def test_hash_files_keeps_input_order(sized_files) -> None:
    paths = [sized_files[s] for s in reversed(SIZES)]
    expected = [Digest("blake3", blake3.blake3(_data(s)).digest()) for s in reversed(SIZES)]
    assert hash_files(paths) == expected
    assert hash_files(paths, threads=1, algorithm="sha256") == [
        Digest("sha256", hashlib.sha256(_data(s)).digest()) for s in reversed(SIZES)
    ]
    assert hash_files([]) == []


def test_fast_strategy_is_metadata_identity(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"12345")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    first = hash_file(path, strategy="fast")
    assert first.algorithm == "fast" and not first.is_content
    assert str(first).startswith("fast:")
    path.write_bytes(b"54321")  # same size, new content
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert hash_file(path, strategy="fast") == first  # metadata only, by design
    os.utime(path, ns=(2_000_000_000, 2_000_000_000))
    assert hash_file(path, strategy="fast") != first
    assert hash_files([path], strategy="fast") == [hash_file(path, strategy="fast")]


def test_missing_file_is_file_not_found_naming_path(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nope.bin"
    with pytest.raises(HashFileNotFoundError) as info:
        hash_file(missing)
    err = info.value
    assert isinstance(err, FileNotFoundError)
    assert err.filename == str(missing)
    assert str(missing) in str(err)
    assert str(err).splitlines()[0].startswith("Problem:")
    with pytest.raises(FileNotFoundError):
        hash_files([tmp_path / "also-missing"])


def test_directory_is_a_hash_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(HashError) as info:
        hash_file(tmp_path)
    assert info.value.filename == str(tmp_path)


@pytest.mark.parametrize(
    "kwargs",
    [{"algorithm": "md5"}, {"strategy": "quick"}, {"threads": 0}, {"threads": True}],
)
def test_bad_options_are_config_errors(sized_files, kwargs) -> None:
    with pytest.raises(ConfigError):
        hash_file(sized_files[1], **kwargs)


def test_bytes_read_counter_counts_content(sized_files) -> None:
    before = _native.core.debug_bytes_read()
    hash_file(sized_files[KIB])
    assert _native.core.debug_bytes_read() - before == KIB


def test_hash_bytes_matches_blake3_and_derive_key() -> None:
    from consist.hashing import hash_bytes

    data = bytes(range(256)) * 20  # above the GIL-release threshold
    assert hash_bytes(data).value == blake3.blake3(data).digest()
    keyed = hash_bytes(data, context="consist test v1")
    assert keyed.value == blake3.blake3(data, derive_key_context="consist test v1").digest()
    assert hash_bytes(b"x", context="a v1") != hash_bytes(b"x", context="b v1")
    assert hash_bytes(bytearray(b"x")) == hash_bytes(b"x")
    with pytest.raises(ConfigError):
        hash_bytes("text")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        hash_bytes(b"x", context="")
