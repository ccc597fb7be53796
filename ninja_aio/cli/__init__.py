"""Command-line tools: ``python -m ninja_aio <command> [options]``.

Each command is a module with ``add_arguments(parser)`` and ``run(args) -> int``,
imported only when it is the one asked for.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["COMMANDS", "main"]

#: command name -> module path
COMMANDS = {"routes": "ninja_aio.cli.routes"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named first in ``argv`` (default ``sys.argv[1:]``); its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m ninja_aio",
        description="ninja_aio tools.",
        epilog="commands: " + ", ".join(sorted(COMMANDS)) + " (COMMAND --help for each)",
    )
    parser.add_argument("command", choices=sorted(COMMANDS), metavar="COMMAND")
    chosen = parser.parse_args(argv[:1])
    module = importlib.import_module(COMMANDS[chosen.command])
    command = argparse.ArgumentParser(
        prog=f"python -m ninja_aio {chosen.command}",
        description=(module.__doc__ or "").strip().splitlines()[0],
    )
    module.add_arguments(command)
    return module.run(command.parse_args(argv[1:]))
