"""Run the click group and turn failures into exit codes and readable text.

- ``ConsistError`` -> its ``Problem:/Cause:/Fix:`` text on stderr, exit 1
  (with the traceback first when ``--debug`` is given);
- click usage errors -> click's usage message, exit 2;
- Ctrl-C -> ``Aborted.``, exit 130;
- any other exception -> one ``Problem:`` line naming it and a hint to rerun
  with ``--debug``, exit 1.

Example:
    >>> import click
    >>> @click.command()
    ... def boom():
    ...     from consist.errors import ConfigError
    ...     raise ConfigError("bad", cause="why", fix="how")
    >>> run_cli(boom, [], debug=lambda: False)  # doctest: +SKIP
    1
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence

import click

from consist.errors import ConsistError

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_USAGE", "render_error", "run_cli"]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def run_cli(command: click.Command, args: Sequence[str], *, debug: Callable[[], bool]) -> int:
    """Invoke ``command`` with ``args``; return the process exit code."""
    try:
        result = command.main(args=list(args), prog_name="consist", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ConsistError as exc:
        if debug():
            traceback.print_exc()
        render_error(exc)
        return EXIT_ERROR
    except Exception as exc:
        if debug():
            traceback.print_exc()
        render_unexpected(exc)
        return EXIT_ERROR
    return result if isinstance(result, int) else 0


def render_error(exc: ConsistError) -> None:
    """Print an error's three parts to stderr (labels coloured on a terminal)."""
    parts = [("Problem", exc.problem), ("Cause", exc.cause), ("Fix", exc.fix)]
    colours = {"Problem": "red", "Cause": "yellow", "Fix": "green"}
    for label, text in parts:
        if text:
            click.echo(f"{click.style(label + ':', fg=colours[label], bold=True)} {text}", err=True)


def render_unexpected(exc: BaseException) -> None:
    """A short report for an exception that is not a ``ConsistError``."""
    message = str(exc) or type(exc).__name__
    click.echo(f"{click.style('Problem:', fg='red', bold=True)} {message}", err=True)
    click.echo(f"{click.style('Cause:', fg='yellow', bold=True)} {type(exc).__name__}", err=True)
    click.echo(
        f"{click.style('Fix:', fg='green', bold=True)} rerun with `consist --debug ...` "
        "for the full traceback, and report it if it looks like a bug",
        err=True,
    )
