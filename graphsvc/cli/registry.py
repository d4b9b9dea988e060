"""The command registry: ``@command`` declares a subcommand; ``graphsvc.cli.entry`` builds it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from graphsvc.config import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
Arguments = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, one-line help, an example, its arguments and its handler."""

    name: str
    help: str
    example: str
    run: Handler
    arguments: Arguments | None = None
    details: str = ""


#: Every registered command by name, in registration order (the order ``--help`` lists them).
COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    *,
    help: str,
    example: str,
    arguments: Arguments | None = None,
    details: str = "",
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``graphsvc NAME``.

    Parameters
    ----------
    name : str
        The subcommand, e.g. ``"stats"``.
    help : str
        One line: shown in ``graphsvc --help`` and as the description of ``graphsvc NAME --help``.
    example : str
        A complete command line starting with ``graphsvc NAME`` (a test enforces it).
    arguments : callable, optional
        ``arguments(parser)`` adds the command's own arguments; ``--json`` is always there.
    details : str, optional
        More paragraphs for ``graphsvc NAME --help``, below the one-line help.

    Examples
    --------
    >>> @command("hello", help="say hello", example="graphsvc hello")
    ... def cmd_hello(args, settings):
    ...     return 0
    >>> COMMANDS.pop("hello").example
    'graphsvc hello'
    """

    def register(fn: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"graphsvc command {name!r} is registered twice")
        COMMANDS[name] = Command(name, help, example, fn, arguments, details)
        return fn

    return register
