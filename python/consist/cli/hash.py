"""``consist hash PATH...`` and ``consist digest DIR``: digests from the command line.

``consist hash`` prints one ``<tag>:<hex>  <path>`` line per file (the hex
part equals ``b3sum``'s). ``consist digest`` prints a folder's root digest
and a summary, and with ``--manifest`` every entry. ``--json`` prints
machine-readable JSON instead. Long directory digests show a progress bar
on stderr when it is a terminal.

Example:
    >>> from click.testing import CliRunner
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"hello")
    >>> CliRunner().invoke(hash_command, [str(p)]).output.split()[0][:15]
    'blake3:ea8f163d'
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click

__all__ = ["digest_command", "hash_command"]

# Show a progress bar only when the digest is big enough to be worth watching.
PROGRESS_MIN_FILES = 2_000
PROGRESS_MIN_BYTES = 256 * 1024 * 1024
_POLL_SECONDS = 0.1

_algorithm = click.option(
    "--algorithm",
    "-a",
    type=click.Choice(["blake3", "sha256"]),
    default="blake3",
    show_default=True,
    help="Content digest algorithm.",
)
_strategy = click.option(
    "--strategy",
    type=click.Choice(["full", "fast"]),
    default="full",
    show_default=True,
    help="full: hash contents; fast: size + mtime + relative path (tagged fast:).",
)
_threads = click.option(
    "--threads", type=click.IntRange(min=1), default=None, help="Worker threads (default: all)."
)
_json = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
_stat_cache = click.option(
    "--stat-cache",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Stat cache file: unchanged files are not read again.",
)


def _open_cache(path: Path | None) -> Any:
    if path is None:
        return None
    from consist.hashing import StatCache

    return StatCache(path)


@click.command("hash")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_algorithm
@_strategy
@_threads
@_json
@_stat_cache
def hash_command(
    paths: tuple[Path, ...],
    algorithm: str,
    strategy: str,
    threads: int | None,
    as_json: bool,
    stat_cache: Path | None,
) -> None:
    """Print content digests of files (same hex as b3sum / sha256sum)."""
    from consist.errors import ConfigError
    from consist.hashing import hash_files

    for path in paths:
        if path.is_dir():
            raise ConfigError(
                f"Cannot hash a folder with `consist hash`: {path}",
                cause="`consist hash` digests files; folders have a tree digest",
                fix=f"run `consist digest {path}` to digest the folder",
            )
    cache = _open_cache(stat_cache)
    digests = hash_files(
        paths, algorithm=algorithm, threads=threads, stat_cache=cache, strategy=strategy
    )
    if cache is not None:
        cache.close()
    if as_json:
        rows = [{"path": str(p), "digest": str(d)} for p, d in zip(paths, digests, strict=True)]
        click.echo(json.dumps(rows, indent=2))
        return
    console = _console()
    for path, digest in zip(paths, digests, strict=True):
        console.print(f"{digest}  {path}", highlight=False, markup=False, soft_wrap=True)


@click.command("digest")
@click.argument("directory", type=click.Path(path_type=Path))
@_algorithm
@_strategy
@click.option("--include", multiple=True, help="Glob to keep (repeatable), e.g. '*.csv'.")
@click.option("--exclude", multiple=True, help="Glob to skip (repeatable), e.g. '__pycache__'.")
@click.option(
    "--symlinks",
    type=click.Choice(["error", "record_target"]),
    default="error",
    show_default=True,
    help="Reject symlinks, or record their target text.",
)
@click.option("--ignore-dotfiles", is_flag=True, help="Skip names starting with '.'.")
@click.option("--manifest", is_flag=True, help="Also list every entry.")
@_threads
@_json
@_stat_cache
def digest_command(
    directory: Path,
    algorithm: str,
    strategy: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    symlinks: str,
    ignore_dotfiles: bool,
    manifest: bool,
    threads: int | None,
    as_json: bool,
    stat_cache: Path | None,
) -> None:
    """Digest a folder: names, structure, executable bits and contents (format v1)."""
    from consist.hashing import DigestProgress, digest_directory

    cache = _open_cache(stat_cache)
    progress = DigestProgress()
    options = {
        "algorithm": algorithm,
        "strategy": strategy,
        "include": list(include) or None,
        "exclude": list(exclude) or None,
        "ignore_dotfiles": ignore_dotfiles,
        "symlinks": symlinks,
        "threads": threads,
        "stat_cache": cache,
        "progress": progress,
    }
    started = time.perf_counter()
    result = _run_with_progress(lambda: digest_directory(directory, **options), progress)
    elapsed = time.perf_counter() - started
    if cache is not None:
        cache.close()
    entries = result.entries
    if as_json:
        payload: dict[str, Any] = {
            "path": str(directory),
            "digest": str(result.digest),
            "algorithm": algorithm,
            "strategy": strategy,
            "files": entries.file_count,
            "dirs": entries.dir_count,
            "symlinks": entries.symlink_count,
            "bytes": entries.total_bytes,
        }
        if manifest:
            payload["entries"] = [
                {
                    "path": e.path,
                    "kind": e.kind,
                    "size": e.size,
                    "executable": e.executable,
                    "digest": None if e.digest is None else str(e.digest),
                }
                for e in entries
            ]
        click.echo(json.dumps(payload, indent=2))
        return
    console = _console()
    console.print(f"{result.digest}  {directory}", highlight=False, markup=False, soft_wrap=True)
    summary = (
        f"{entries.file_count} files, {entries.dir_count} folders"
        + (f", {entries.symlink_count} symlinks" if entries.symlink_count else "")
        + f", {_format_bytes(entries.total_bytes)} ({strategy}, {elapsed * 1000:.1f} ms)"
    )
    console.print(summary, style="dim", highlight=False, markup=False)
    if manifest:
        for e in entries:
            digest = "-" if e.digest is None else e.digest.hex[:16]
            flag = "x" if e.executable else "-"
            line = f"{e.kind:<7} {flag} {e.size:>12} {digest:<16}  {e.path}"
            console.print(line, highlight=False, markup=False, soft_wrap=True)


def _run_with_progress(work: Any, progress: Any) -> Any:
    """Run ``work`` in a thread; draw a bar on a terminal once the tree turns out big."""
    if not sys.stderr.isatty():
        return work()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # re-raised in the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(_POLL_SECONDS)
    if worker.is_alive():
        _draw_progress(worker, progress)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _draw_progress(worker: threading.Thread, progress: Any) -> None:
    while worker.is_alive():
        total_files, total_bytes, _, _ = progress.snapshot()
        if total_files or total_bytes:
            break
        worker.join(_POLL_SECONDS)
    total_files, total_bytes, _, _ = progress.snapshot()
    if total_files < PROGRESS_MIN_FILES and total_bytes < PROGRESS_MIN_BYTES:
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    # Big files: count bytes; many small files: count files.
    by_bytes = total_bytes >= PROGRESS_MIN_BYTES
    amount = (DownloadColumn(), TransferSpeedColumn()) if by_bytes else (MofNCompleteColumn(),)
    columns = (TextColumn("digesting"), BarColumn(), *amount, TimeRemainingColumn())
    field = 3 if by_bytes else 2
    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("digest", total=max(total_bytes if by_bytes else total_files, 1))
        while worker.is_alive():
            bar.update(task, completed=progress.snapshot()[field])
            worker.join(_POLL_SECONDS)


def _console(*, stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True, width=None if sys.stdout.isatty() else 10_000)


def _format_bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} B"
