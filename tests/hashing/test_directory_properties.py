"""Property tests of the directory digest over random trees (hypothesis)."""

from __future__ import annotations

import os
import pathlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import assume, given
from hypothesis import strategies as st

from consist.hashing import digest_directory

NAMES = st.text(alphabet="ab-._0Z", min_size=1, max_size=4).filter(lambda n: n not in (".", ".."))
FILE_ITEM = st.tuples(
    st.lists(NAMES, min_size=1, max_size=3),  # path components
    st.binary(max_size=64),  # content
    st.booleans(),  # executable
)
TREES = st.lists(FILE_ITEM, min_size=1, max_size=12)


def normalize(items) -> dict[str, tuple[bytes, bool]]:
    """Drop items whose path collides with another item's folder."""
    files: dict[str, tuple[bytes, bool]] = {}
    for parts, content, executable in items:
        path = "/".join(parts)
        folders = {"/".join(parts[:i]) for i in range(1, len(parts))}
        if path in files or any(f in files for f in folders):
            continue
        if any(other.startswith(path + "/") for other in files):
            continue
        files[path] = (content, executable)
    return files


@contextmanager
def materialize(files: dict[str, tuple[bytes, bool]], order: int = 1) -> Iterator[pathlib.Path]:
    root = pathlib.Path(tempfile.mkdtemp(prefix="consist-prop-"))
    try:
        for path in sorted(files, reverse=order < 0):
            content, executable = files[path]
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            target.chmod(0o755 if executable else 0o644)
        yield root
    finally:
        shutil.rmtree(root)


@given(TREES)
def test_deterministic_and_walk_order_independent(items) -> None:
    files = normalize(items)
    with materialize(files, order=1) as a, materialize(files, order=-1) as b:
        first = digest_directory(a)
        assert digest_directory(a).digest == first.digest
        assert digest_directory(b).digest == first.digest
        keys = [e.path + ("/" if e.kind == "dir" else "") for e in first.entries]
        assert keys == sorted(keys, key=lambda k: k.encode())


@given(TREES, st.data())
def test_rename_move_and_exec_flip_change_digest(items, data) -> None:
    files = normalize(items)
    with materialize(files) as root:
        before = digest_directory(root).digest
        victim = data.draw(st.sampled_from(sorted(files)))
        path = root / victim

        path.chmod(path.stat().st_mode ^ 0o100)  # exec flip
        flipped = digest_directory(root).digest
        assert flipped != before
        path.chmod(path.stat().st_mode ^ 0o100)
        assert digest_directory(root).digest == before

        renamed = path.with_name(path.name + "Q")
        path.rename(renamed)
        assert digest_directory(root).digest != before
        renamed.rename(path)

        (root / "moved").mkdir()
        path.rename(root / "moved" / path.name)
        assert digest_directory(root).digest != before


@given(TREES, NAMES)
def test_empty_file_and_empty_folder_change_digest(items, name) -> None:
    files = normalize(items)
    assume(all(not p.startswith("new" + name) for p in files))
    with materialize(files) as root:
        before = digest_directory(root).digest
        (root / ("new" + name)).mkdir()
        with_folder = digest_directory(root).digest
        assert with_folder != before
        (root / ("new" + name) / "empty").touch()
        assert digest_directory(root).digest not in (before, with_folder)


@given(TREES, st.integers(min_value=0, max_value=2**40))
def test_timestamps_do_not_change_full_digest(items, seconds) -> None:
    files = normalize(items)
    with materialize(files) as root:
        full, fast = digest_directory(root), digest_directory(root, strategy="fast")
        for path in files:
            os.utime(root / path, ns=(seconds * 10**9 + 1, seconds * 10**9 + 1))
        assert digest_directory(root).digest == full.digest
        assert digest_directory(root, strategy="fast").digest != fast.digest
