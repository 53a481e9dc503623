"""The anchor side of the hashing targets: b3sum, Consist 0.3.5, and Python primitives.

Each function returns a callable doing one repetition, timed round-robin with ours by
``side_by_side``; the Consist 0.3.5 one times itself inside the 0.3.5 worker process.

Example::

    Anchor("b3sum", throughput_at_least(0.95), once=b3sum_file_once(ctx, big))
    Anchor("Consist 0.3.5", speedup_at_least(6), once=consist035_checksum_once(ctx, big))
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

from harness.context import Context
from harness.timing import SelfTimed, command_once

SHA256_CHUNK_BYTES = 1 << 20


def b3sum_file_once(ctx: Context, path: Path) -> Callable[[], None]:
    """``b3sum FILE`` (mmap, all threads), process spawn included.

    Example: ``b3sum_file_once(ctx, big)()``.
    """

    def once() -> None:
        command_once([ctx.b3sum(), str(path)])()

    return once


def b3sum_tree_once(ctx: Context, tree: Path) -> Callable[[], None]:
    """``find . -type f -print0 | sort -z | xargs -0 b3sum`` inside ``tree``.

    The same pipeline the anchors were measured with (anchors.md section 1b).
    """

    def once() -> None:
        b3sum = shlex.quote(ctx.b3sum())
        pipeline = f"find . -type f -print0 | sort -z | xargs -0 {b3sum} > /dev/null"
        command_once(pipeline, cwd=tree)()

    return once


def consist035_checksum_once(ctx: Context, path: Path) -> SelfTimed:
    """Consist 0.3.5 ``IdentityManager.compute_file_checksum(path)``, strategy "full".

    One call per repetition in the long-lived 0.3.5 worker, timed inside that process.
    """
    return SelfTimed(lambda: ctx.reference_checksum(path))


def hashlib_sha256_once(path: Path) -> Callable[[], None]:
    """hashlib SHA-256 (OpenSSL) over 1 MiB ``readinto`` chunks: the SHA-256 ceiling.

    Example: ``hashlib_sha256_once(big)()``.
    """

    def once() -> None:
        digest = hashlib.sha256()
        view = memoryview(bytearray(SHA256_CHUNK_BYTES))
        with open(path, "rb", buffering=0) as handle:
            while n := handle.readinto(view):
                digest.update(view[:n])

    return once


def blake3_py_once(path: Path) -> Callable[[], None]:
    """blake3-py ``update_mmap`` with ``max_threads=AUTO`` (the anchors' 11 GB/s row).

    The returned callable raises ImportError if blake3-py is missing (``dev`` extra).
    """

    def once() -> None:
        import blake3

        hasher = blake3.blake3(max_threads=blake3.blake3.AUTO)
        hasher.update_mmap(path)
        hasher.digest()

    return once


def walk_and_stat_once(tree: Path) -> Callable[[], None]:
    """``os.walk`` + ``os.stat`` of every file: the metadata-only floor for a re-digest.

    Example: ``walk_and_stat_once(tree)()``.
    """

    def once() -> None:
        for dirpath, _dirs, names in os.walk(tree):
            for name in names:
                os.stat(os.path.join(dirpath, name))

    return once


def b3sum_hex(ctx: Context, path: Path) -> str:
    """The hex digest ``b3sum`` prints for one file (to check ours is byte-identical).

    Example: ``hash_file(p).hex == b3sum_hex(ctx, p)``.
    """
    done = subprocess.run([ctx.b3sum(), str(path)], capture_output=True, text=True, check=True)
    return done.stdout.split()[0]
