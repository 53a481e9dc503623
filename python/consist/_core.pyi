"""Type stub for the native module ``consist._core`` (built from ``rust/src/py``).

Call it through ``consist._native`` (error mapping) and ``consist.hashing``.
"""

import os

__version__: str
ERROR_KINDS: list[str]

def hash_file(
    path: str | os.PathLike[str], /, *, algorithm: str = "blake3", threads: int | None = None
) -> bytes: ...
def hash_files(
    paths: list[str | os.PathLike[str]],
    /,
    *,
    algorithm: str = "blake3",
    threads: int | None = None,
) -> list[bytes]: ...
def fast_file_identity(path: str | os.PathLike[str], /) -> bytes: ...
def debug_bytes_read() -> int: ...
def debug_raise_error(kind: str) -> None: ...
