"""Time Consist 0.3.5's public checksum path on a file or a directory; print JSON.

Runs with the ``.bench/consist035`` interpreter. ``IdentityManager.compute_file_checksum``
is what Consist 0.3.5's Tracker calls for raw inputs: SHA-256 of the bytes for a file and,
for a directory with the "full" strategy, one SHA-256 over every file's bytes.

Two modes. One-shot: time ``--reps`` calls on ``--path`` and print the samples. Serve
(``--serve``): read one JSON request per stdin line, ``{"path": ..., "strategy": ...}``,
answer each with one timed call, ``{"seconds": s, "digest": d}``; the harness uses this
to interleave the 0.3.5 side with ours, repetition by repetition.

Example::

    .bench/consist035/bin/python benchmarks/anchors/consist035_hash.py \
        --path .bench/data/big_1024MiB.bin --reps 5 --warmup 1
    {"samples": [0.68, ...], "digest": "...", "strategy": "full"}
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time


def timed_checksum(managers: dict, path: str, strategy: str) -> tuple[float, str]:
    """One ``compute_file_checksum`` call: (seconds, digest)."""
    from consist.core.identity import IdentityManager

    if strategy not in managers:
        managers[strategy] = IdentityManager(project_root=".", hashing_strategy=strategy)
    start = time.perf_counter()
    digest = managers[strategy].compute_file_checksum(path)
    return time.perf_counter() - start, digest


def serve() -> None:
    managers: dict = {}
    for line in sys.stdin:
        request = json.loads(line)
        seconds, digest = timed_checksum(managers, request["path"], request.get("strategy", "full"))
        print(json.dumps({"seconds": seconds, "digest": digest}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path")
    parser.add_argument("--strategy", default="full", choices=["full", "fast"])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help="answer JSON requests on stdin")
    args = parser.parse_args()
    # 0.3.5 logs "This can be slow" on every directory checksum; keep stdout clean.
    logging.disable(logging.WARNING)
    if args.serve:
        serve()
        return
    if not args.path:
        parser.error("--path is required unless --serve is given")
    managers: dict = {}
    digest = ""
    for _ in range(args.warmup):
        _, digest = timed_checksum(managers, args.path, args.strategy)
    samples = []
    for _ in range(args.reps):
        seconds, digest = timed_checksum(managers, args.path, args.strategy)
        samples.append(seconds)
    print(json.dumps({"samples": samples, "digest": digest, "strategy": args.strategy}))


if __name__ == "__main__":
    main()
