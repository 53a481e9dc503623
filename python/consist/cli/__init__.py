"""The ``consist`` command line: a click group whose subcommands load lazily.

``consist --help`` must stay fast (< 200 ms), so no subcommand module is
imported until that command runs. ``COMMANDS`` maps each command name to
``("module:attribute", "short help")``; the short help is what the command
list in ``consist --help`` shows, without importing anything.

Adding a command is one line in ``COMMANDS``::

    "runs": ("consist.cli.runs:runs", "List recent runs."),

where ``consist.cli.runs`` defines ``runs`` as a ``click.Command`` (or a
``click.Group`` for command groups such as ``db``). Errors: raise a
``consist.errors.ConsistError`` and ``main()`` prints its Problem/Cause/Fix
text and exits 1; usage errors exit 2; Ctrl-C exits 130; ``--debug`` adds
the traceback.

Example:
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(cli, ["--version"]).output.startswith("consist ")
    True
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from consist import __version__

__all__ = ["COMMANDS", "LazyGroup", "cli", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    "digest": ("consist.cli.hash:digest_command", "Digest a folder (names, structure, contents)."),
    "hash": ("consist.cli.hash:hash_command", "Print content digests of files (like b3sum)."),
    "runs": ("consist.cli.runs:runs", "List recent runs (filters: --model, --status, --tag)."),
    "show": ("consist.cli.runs:show", "Show everything recorded about one run."),
    "artifacts": ("consist.cli.artifacts:artifacts", "List a run's inputs and outputs."),
    "lineage": ("consist.cli.lineage:lineage", "Upstream/downstream lineage (tree, dot, mermaid)."),
    "summary": ("consist.cli.runs:summary", "Database totals per model, status and driver."),
    "preview": ("consist.cli.artifacts:preview", "First rows of a tabular artifact."),
    "search": ("consist.cli.runs:search", "Find runs by id, model, description or tag."),
    "validate": ("consist.cli.artifacts:validate", "Check artifact files exist and match digests."),
    "scenarios": ("consist.cli.scenarios:scenarios", "List scenarios and their step counts."),
    "scenario": ("consist.cli.scenarios:scenario", "Show the runs of one scenario."),
    "db": ("consist.cli.db:db", "Database maintenance: snapshot, doctor, purge, merge, ..."),
    "bench": ("consist.cli.bench:bench", "Measure hashing and database speed on this machine."),
    "views": ("consist.cli.views:views", "Create SQL views over selected artifacts."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand only when it is invoked (or its help is shown)."""

    def __init__(self, *args: Any, lazy_commands: dict[str, tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target[0].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target[0]} is not a click command")
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help comes from the mapping, so listing commands imports nothing.
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy_commands:
                rows.append((name, self.lazy_commands[name][1]))
            elif (command := self.commands.get(name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str()))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class _State:
    debug = False


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(
    __version__, "-V", "--version", prog_name="consist", message="%(prog)s %(version)s"
)
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """consist: caching and provenance for scientific simulation workflows."""
    _State.debug = _State.debug or debug


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``consist = "consist.cli:main"``); exits with the command's code.

    Example:
        >>> main(["--version"])  # doctest: +SKIP
        consist 0.4.0
    """
    from consist.cli._render import run_cli

    args = list(sys.argv[1:] if argv is None else argv)
    _State.debug = "--debug" in args[: _first_command_index(args)]
    sys.exit(run_cli(cli, args, debug=lambda: _State.debug))


def _first_command_index(args: list[str]) -> int:
    for index, arg in enumerate(args):
        if not arg.startswith("-"):
            return index
    return len(args)
