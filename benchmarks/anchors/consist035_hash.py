"""Time Consist 0.3.5's public checksum path on a file or a directory; print JSON.

Runs with the ``.bench/consist035`` interpreter. ``IdentityManager.compute_file_checksum``
is what Consist 0.3.5's Tracker calls for raw inputs: SHA-256 of the bytes for a file and,
for a directory with the "full" strategy, one SHA-256 over every file's bytes.

Example::

    .bench/consist035/bin/python benchmarks/anchors/consist035_hash.py \
        --path .bench/data/big_1024MiB.bin --reps 5 --warmup 1
    {"samples": [0.68, ...], "digest": "...", "strategy": "full"}
"""

from __future__ import annotations

import argparse
import json
import logging
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", required=True)
    parser.add_argument("--strategy", default="full", choices=["full", "fast"])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    # 0.3.5 logs "This can be slow" on every directory checksum; keep stdout clean.
    logging.disable(logging.WARNING)

    from consist.core.identity import IdentityManager

    manager = IdentityManager(project_root=".", hashing_strategy=args.strategy)
    digest = ""
    for _ in range(args.warmup):
        digest = manager.compute_file_checksum(args.path)
    samples = []
    for _ in range(args.reps):
        start = time.perf_counter()
        digest = manager.compute_file_checksum(args.path)
        samples.append(time.perf_counter() - start)
    print(json.dumps({"samples": samples, "digest": digest, "strategy": args.strategy}))


if __name__ == "__main__":
    main()
