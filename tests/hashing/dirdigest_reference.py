"""An independent, pure-Python encoder of the directory digest format v1.

It follows docs/formats/directory-digest.md and shares no code with the Rust
core, so tests that compare the two check the implementation against the
written format. Also used to (re)generate tests/vectors/dir-digest-v1.json.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import blake3

DIR_CONTEXT = "consist directory digest v1"
FAST_CONTEXT = "consist fast identity v1"
KIND_BYTES = {"file": b"f", "dir": b"d", "symlink": b"l"}


@dataclass(frozen=True)
class Record:
    path: str
    kind: str
    executable: bool = False
    size: int = 0
    digest: bytes | None = None


def sort_key(record: Record) -> bytes:
    """Relative path bytes, with '/' appended for folders."""
    raw = record.path.encode("utf-8")
    return raw + b"/" if record.kind == "dir" else raw


def content_digest(data: bytes, algorithm: str) -> bytes:
    if algorithm == "sha256":
        return hashlib.sha256(data).digest()
    return blake3.blake3(data).digest()


def fast_identity(name: str, size: int, mtime_ns: int) -> bytes:
    raw = name.encode("utf-8")
    payload = struct.pack("<Q", len(raw)) + raw + struct.pack("<Qq", size, mtime_ns)
    return blake3.blake3(payload, derive_key_context=FAST_CONTEXT).digest()


def encode(tag: str, records: list[Record]) -> bytes:
    """The exact byte stream the root digest is computed over."""
    out = bytearray([len(tag)]) + tag.encode()
    for r in sorted(records, key=sort_key):
        path = r.path.encode("utf-8")
        out += KIND_BYTES[r.kind] + struct.pack("<I", len(path)) + path
        out += bytes([1 if r.executable else 0]) + struct.pack("<Q", r.size)
        if r.kind == "dir":
            out += b"\x00"
        else:
            assert r.digest is not None and len(r.digest) == 32
            out += b"\x20" + r.digest
    return bytes(out)


def root_digest(tag: str, records: list[Record]) -> bytes:
    return blake3.blake3(encode(tag, records), derive_key_context=DIR_CONTEXT).digest()


def records_for_tree(tree: list[dict], algorithm: str, strategy: str) -> list[Record]:
    """Records for a vector's tree description (see tests/vectors/README)."""
    records = []
    for item in tree:
        kind = item["kind"]
        if kind == "dir":
            records.append(Record(item["path"], "dir"))
        elif kind == "symlink":
            target = item["target"].encode("utf-8")
            link_algorithm = "blake3" if strategy == "fast" else algorithm
            digest = content_digest(target, link_algorithm)
            records.append(Record(item["path"], "symlink", False, len(target), digest))
        else:
            data = item["content"].encode("utf-8")
            if strategy == "fast":
                digest = fast_identity(item["path"], len(data), item["mtime_ns"])
            else:
                digest = content_digest(data, algorithm)
            records.append(
                Record(item["path"], "file", bool(item.get("executable")), len(data), digest)
            )
    return records
