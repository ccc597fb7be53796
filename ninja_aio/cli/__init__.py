"""Command line: ``python -m ninja_aio <command> [options]``.

Each command is a module with ``add_arguments(parser)`` and ``run(args) -> int``; a
module imports what it needs (Django, the package's auth) inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Sequence

__all__ = ["COMMANDS", "main", "setup_django"]

#: name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "keygen": ("ninja_aio.cli.keygen", "write a signing key pair for local work"),
    "token": ("ninja_aio.cli.token", "mint a signed token with chosen claims"),
    "routes": ("ninja_aio.cli.routes", "print each route's method, path and effective auth"),
}


def setup_django(settings_module: str | None = None) -> None:
    """Configure Django: ``settings_module``, else DJANGO_SETTINGS_MODULE, else defaults."""
    import django
    from django.conf import settings

    if settings_module:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure()
    django.setup()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``) and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m ninja_aio")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    modules = {}
    for name, (module_path, summary) in COMMANDS.items():
        modules[name] = importlib.import_module(module_path)
        modules[name].add_arguments(commands.add_parser(name, help=summary, description=summary))
    args = parser.parse_args(argv)
    return modules[args.command].run(args)
