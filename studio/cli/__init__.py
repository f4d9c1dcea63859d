"""``python -m studio``: the studio's headless twin.

Each command module registers its sub-commands; ``main`` parses, dispatches and turns a
:class:`~studio.cli.exits.CliError` into lines on stderr and an exit code (sysexits). Every
problem is one line: a newline or other control character in a value the user typed is shown
escaped (``'\\n0'``), never printed raw.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from studio.cli import jobs, offline, projects, simulator_cmd
from studio.cli.exits import USAGE, CliError
from studio.errors import one_line
from studio.logs import configure_logging

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 64 (EX_USAGE), not argparse's 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {one_line(message)}", file=sys.stderr)
        raise SystemExit(USAGE)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """As argparse's, but unrecognized arguments are quoted when odd (``'\\n0'``, ``'a b'``),
        as argparse quotes an invalid choice, so the error stays one unambiguous line."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error("unrecognized arguments: " + " ".join(_shown_arg(a) for a in extras))
        return parsed


def _shown_arg(arg: str) -> str:
    """A command-line argument as an error shows it: as it is when plain, else its ``repr``."""
    plain = bool(arg) and arg.isprintable() and not any(ch.isspace() or ch in "'\"\\" for ch in arg)
    return arg if plain else repr(arg)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m studio", description="Kling Studio from the command line.")
    parser.add_argument("--verbose", action="store_true", help="log one line per API call to stderr (or set STUDIO_LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    offline.register(commands)
    jobs.register(commands)
    projects.register(commands)
    simulator_cmd.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        configure_logging(args.verbose)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        code: int = args.func(args)
    except CliError as exc:
        for line in exc.lines:
            print(one_line(line), file=sys.stderr)
        return exc.code
    return code
