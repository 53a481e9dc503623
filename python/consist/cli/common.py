"""Options and output helpers shared by the inspection and ``db`` commands.

Kept free of heavy imports: Rich is imported inside the helpers that draw
tables, so ``consist --help`` never pays for it.

Example:
    >>> parse_mounts(("inputs=/mnt/data",))
    {'inputs': '/mnt/data'}
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

__all__ = [
    "confirm_or_refuse",
    "db_path_option",
    "echo_json",
    "format_bytes",
    "json_option",
    "parse_mounts",
    "print_table",
    "resolution_options",
    "stdout_console",
    "to_jsonable",
]

_MOUNT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _damage_aware(func: Callable[..., Any]) -> Callable[..., Any]:
    # A damaged file can fail late (on the first query that reads a bad block):
    # report it the same way as a file that cannot be opened at all.
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from consist.errors import ConsistError

        try:
            return func(*args, **kwargs)
        except ConsistError:
            raise
        except Exception as exc:
            from consist.maintenance.database import damaged, is_damage

            if is_damage(exc):
                raise damaged(kwargs.get("db_path") or "the provenance database", exc) from exc
            raise

    return wrapper


def db_path_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db-path PATH``: which database (else $CONSIST_DB, else ./provenance.duckdb, ...).

    Also turns DuckDB errors that mean "damaged file" into ``DatabaseDamagedError``.
    """
    func = _damage_aware(func)
    return click.option(
        "--db-path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Provenance database (default: $CONSIST_DB, ./provenance.duckdb, "
        "then data/, db/, .consist/).",
    )(func)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


DEFAULT_RUN_DIR = Path("runs")


def discover_run_dir(ctx: Any, param: Any, value: Path | None) -> Path | None:
    """``--run-dir`` callback: the given folder, else ``./runs`` when it holds ``consist_runs/``.

    The guide's runbook runs from the project folder without ``--run-dir``; finding
    ``./runs`` there keeps ``db purge`` and ``db rebuild`` working on the same JSON
    snapshots (a purge that left them behind would let a rebuild bring the run back).

    Example:
        >>> discover_run_dir(None, None, Path("/x"))
        PosixPath('/x')
    """
    if value is not None:
        return value
    candidate = Path.cwd() / DEFAULT_RUN_DIR
    return candidate if (candidate / "consist_runs").is_dir() else None


RUN_DIR_HELP = "Run directory (default: ./runs when it holds consist_runs/)."


def run_dir_option(help_text: str = RUN_DIR_HELP) -> Callable[[Callable[..., Any]], Any]:
    """``--run-dir DIR`` with the ``./runs`` default of :func:`discover_run_dir`."""
    return click.option(
        "--run-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        callback=discover_run_dir,
        help=help_text,
    )


def resolution_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--run-dir``, ``--mount NAME=PATH`` (repeatable) and ``--trust-db``."""
    func = click.option(
        "--trust-db",
        is_flag=True,
        help="Also try the mounts and run directories recorded in the database.",
    )(func)
    func = click.option(
        "--mount",
        "mounts",
        multiple=True,
        metavar="NAME=PATH",
        help="Resolve NAME:// URIs under PATH (repeatable).",
    )(func)
    return run_dir_option(
        "Run directory: base of ./ URIs, also mounted as workspace:// "
        "(default: ./runs when it holds consist_runs/)."
    )(func)


def parse_mounts(values: Iterable[str]) -> dict[str, str]:
    """``("name=/path", ...)`` -> ``{"name": "/path"}``; a bad entry is a usage error (exit 2).

    Example:
        >>> parse_mounts(["a=/x", "b-2=/y"])
        {'a': '/x', 'b-2': '/y'}
    """
    mounts: dict[str, str] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not path or not _MOUNT_NAME.match(name):
            raise click.BadParameter(
                f"{value!r} is not NAME=PATH with NAME matching [A-Za-z][A-Za-z0-9_-]*.",
                param_hint="--mount",
            )
        mounts[name] = path
    return mounts


def to_jsonable(value: Any) -> Any:
    """Datetimes as ISO strings, paths as strings, sets as sorted lists, recursively.

    Example:
        >>> to_jsonable({"p": Path("/a"), "s": {2, 1}})
        {'p': '/a', 's': [1, 2]}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    return value


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout.

    Example:
        >>> echo_json({"ok": True})
        {
          "ok": true
        }
    """
    click.echo(json.dumps(to_jsonable(value), indent=2, default=str))


def format_bytes(size: float | None) -> str:
    """Human size with binary units.

    Example:
        >>> format_bytes(1536), format_bytes(None)
        ('1.5 KiB', '-')
    """
    if size is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def stdout_console() -> Any:
    """A Rich console on the current ``sys.stdout`` (so CliRunner captures it)."""
    from rich.console import Console

    stream = sys.stdout
    return Console(file=stream, soft_wrap=False, width=None if stream.isatty() else 160)


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Draw a Rich table; cells are converted with ``str`` (None shows as "-").

    Example:
        >>> print_table(None, ["a"], [[1]])  # doctest: +SKIP
    """
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("-" if cell is None else str(cell) for cell in row))
    stdout_console().print(table)


def confirm_or_refuse(action: str, *, yes: bool) -> None:
    """Ask before a destructive action; without a terminal, refuse unless ``yes``.

    Refusing is a usage error (exit 2) naming ``--yes``, so scripts fail loudly
    instead of hanging on a prompt nobody can answer.

    Example:
        >>> confirm_or_refuse("delete nothing", yes=True)
    """
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.UsageError(
            f"Refusing to {action} without --yes.\n"
            "Cause: standard input is not a terminal, so nobody can confirm.\n"
            "Fix: preview with --dry-run, then pass --yes to act."
        )
    click.confirm(f"{action[0].upper()}{action[1:]}?", abort=True)
