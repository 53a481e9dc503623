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
def hash_bytes(data: bytes, /, *, context: str | None = None) -> bytes: ...
def fast_file_identity(path: str | os.PathLike[str], /) -> bytes: ...
def debug_bytes_read() -> int: ...
def debug_raise_error(kind: str) -> None: ...
def digest_directory(
    path: str | os.PathLike[str],
    /,
    *,
    algorithm: str = "blake3",
    strategy: str = "full",
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    ignore_dotfiles: bool = False,
    symlinks: str = "error",
    threads: int | None = None,
    cache: StatCacheHandle | None = None,
    progress: ProgressHandle | None = None,
) -> tuple[bytes, ManifestHandle]: ...
def place_file(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], /, *, mode: str = "auto"
) -> str: ...

class ManifestHandle:
    def __len__(self) -> int: ...
    def entry(self, index: int) -> tuple[str, str, int, bool, bytes | None]: ...
    def counts(self) -> tuple[int, int, int, int]: ...

class ProgressHandle:
    def __init__(self) -> None: ...
    def snapshot(self) -> tuple[int, int, int, int]: ...

class StatCacheHandle:
    def __init__(self, path: str | os.PathLike[str]) -> None: ...
    def hash_files(
        self,
        paths: list[str | os.PathLike[str]],
        /,
        *,
        algorithm: str = "blake3",
        threads: int | None = None,
    ) -> list[bytes]: ...
    def stats(self) -> tuple[int, int, int]: ...
    def flush(self) -> None: ...
    def refresh(self) -> None: ...
    @property
    def path(self) -> str: ...
