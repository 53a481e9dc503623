"""The anchor side of the hashing targets: b3sum, Consist 0.3.5, and Python primitives.

Each function returns a ``Timing`` (median of ``ctx.reps`` after ``ctx.warmup``) measured
on the same data our side reads, in the same run.

Example::

    b3 = b3sum_file(ctx, big)               # `b3sum FILE`
    ref = consist035_checksum(ctx, tree)    # IdentityManager.compute_file_checksum(tree)
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
from pathlib import Path

from harness.context import Context
from harness.timing import Timing, time_call, time_command

SHA256_CHUNK_BYTES = 1 << 20


def b3sum_file(ctx: Context, path: Path) -> Timing:
    """``b3sum FILE`` (mmap, all threads), process spawn included.

    Example: ``b3sum_file(ctx, big).median``.
    """
    return time_command([ctx.b3sum(), str(path)], reps=ctx.reps, warmup=ctx.warmup)


def b3sum_tree(ctx: Context, tree: Path) -> Timing:
    """``find . -type f -print0 | sort -z | xargs -0 b3sum`` inside ``tree``.

    The same pipeline the anchors were measured with (anchors.md section 1b).
    """
    b3sum = shlex.quote(ctx.b3sum())
    pipeline = f"find . -type f -print0 | sort -z | xargs -0 {b3sum} > /dev/null"
    return time_command(pipeline, reps=ctx.reps, warmup=ctx.warmup, cwd=tree)


def consist035_checksum(ctx: Context, path: Path) -> Timing:
    """Consist 0.3.5 ``IdentityManager.compute_file_checksum(path)``, strategy "full".

    Runs in the ``.bench/consist035`` interpreter; the script times its own calls.
    """
    args = ["--path", str(path), "--reps", str(ctx.reps), "--warmup", str(ctx.warmup)]
    report = ctx.run_script(ctx.reference_python(), "consist035_hash.py", args)
    return Timing.from_list(report["samples"])


def hashlib_sha256_file(ctx: Context, path: Path) -> Timing:
    """hashlib SHA-256 (OpenSSL) over 1 MiB ``readinto`` chunks: the SHA-256 ceiling.

    Example: ``hashlib_sha256_file(ctx, big).median``.
    """

    def once() -> None:
        digest = hashlib.sha256()
        view = memoryview(bytearray(SHA256_CHUNK_BYTES))
        with open(path, "rb", buffering=0) as handle:
            while n := handle.readinto(view):
                digest.update(view[:n])

    return time_call(once, reps=ctx.reps, warmup=ctx.warmup)


def blake3_py_file(ctx: Context, path: Path) -> Timing:
    """blake3-py ``update_mmap`` with ``max_threads=AUTO`` (the anchors' 11 GB/s row).

    Raises ImportError if blake3-py is not installed (it is in the ``dev`` extra).
    """
    import blake3

    def once() -> None:
        hasher = blake3.blake3(max_threads=blake3.blake3.AUTO)
        hasher.update_mmap(path)
        hasher.digest()

    return time_call(once, reps=ctx.reps, warmup=ctx.warmup)


def walk_and_stat(ctx: Context, tree: Path) -> Timing:
    """``os.walk`` + ``os.stat`` of every file: the metadata-only floor for a re-digest.

    Example: ``walk_and_stat(ctx, tree).median``.
    """

    def once() -> None:
        for dirpath, _dirs, names in os.walk(tree):
            for name in names:
                os.stat(os.path.join(dirpath, name))

    return time_call(once, reps=ctx.reps, warmup=ctx.warmup)


def b3sum_hex(ctx: Context, path: Path) -> str:
    """The hex digest ``b3sum`` prints for one file (to check ours is byte-identical).

    Example: ``hash_file(p).hex == b3sum_hex(ctx, p)``.
    """
    done = subprocess.run([ctx.b3sum(), str(path)], capture_output=True, text=True, check=True)
    return done.stdout.split()[0]
