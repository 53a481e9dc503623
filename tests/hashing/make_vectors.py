"""Regenerate tests/vectors/dir-digest-v1.json from the pure-Python reference.

Run: .venv/bin/python tests/hashing/make_vectors.py
Only needed when vectors are added; the format itself never changes under v1.
"""

from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import dirdigest_reference as ref

TREES = {
    "empty": [],
    "one-file": [{"path": "a.txt", "kind": "file", "content": "hello"}],
    "empty-file": [{"path": "empty", "kind": "file", "content": ""}],
    "empty-folder": [{"path": "empty", "kind": "dir"}],
    "executable": [
        {"path": "run.sh", "kind": "file", "content": "#!/bin/sh\n", "executable": True}
    ],
    "nested-order": [
        {"path": "a", "kind": "dir"},
        {"path": "a/x.csv", "kind": "file", "content": "1,2\n"},
        {"path": "a-b", "kind": "file", "content": "dash"},
        {"path": "a.b", "kind": "file", "content": "dot"},
        {"path": "a0", "kind": "file", "content": "zero"},
        {"path": "b", "kind": "dir"},
        {"path": "b/c", "kind": "dir"},
        {"path": "b/c/deep.txt", "kind": "file", "content": "deep"},
    ],
    "unicode-names": [
        {"path": "données", "kind": "dir"},
        {"path": "données/é.txt", "kind": "file", "content": "accent"},
        {"path": "日本.txt", "kind": "file", "content": "kanji"},
    ],
    "symlink": [
        {"path": "data.csv", "kind": "file", "content": "x\n"},
        {"path": "latest", "kind": "symlink", "target": "data.csv"},
    ],
}

CASES = [
    (name, "blake3", "full", ("symlink" in name and "record_target") or "error") for name in TREES
] + [
    ("nested-order", "sha256", "full", "error"),
    ("one-file", "sha256", "full", "error"),
    ("symlink", "sha256", "full", "record_target"),
]

FAST_TREE = [
    {"path": "m", "kind": "dir"},
    {"path": "m/a.bin", "kind": "file", "content": "abc", "mtime_ns": 1_700_000_000_123_456_789},
    {"path": "z.bin", "kind": "file", "content": "", "mtime_ns": 1_600_000_000_000_000_001},
]


def vector(name: str, tree: list[dict], algorithm: str, strategy: str, symlinks: str) -> dict:
    tag = "fast" if strategy == "fast" else algorithm
    records = ref.records_for_tree(tree, algorithm, strategy)
    return {
        "name": f"{name}/{algorithm}/{strategy}",
        "algorithm": algorithm,
        "strategy": strategy,
        "symlinks": symlinks,
        "tree": tree,
        "encoded_hex": ref.encode(tag, records).hex(),
        "digest": f"{tag}:{ref.root_digest(tag, records).hex()}",
    }


def main() -> None:
    vectors = [vector(n, TREES[n], a, s, sl) for n, a, s, sl in CASES]
    vectors.append(vector("fast-metadata", FAST_TREE, "blake3", "fast", "error"))
    doc = {
        "format": "consist directory digest v1",
        "context": ref.DIR_CONTEXT,
        "fast_context": ref.FAST_CONTEXT,
        "notes": [
            "tree: entries to create; files get 'content' as UTF-8 bytes, mode 0755 when",
            "'executable' else 0644, and 'mtime_ns' (fast vectors only); symlinks point at",
            "'target'. encoded_hex is the exact byte stream hashed with BLAKE3 derive_key(context).",
        ],
        "vectors": vectors,
    }
    out = pathlib.Path(__file__).parents[1] / "vectors" / "dir-digest-v1.json"
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {out}")


if __name__ == "__main__":
    main()
