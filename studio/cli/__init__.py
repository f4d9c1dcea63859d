"""``python -m studio``: the studio's headless twin.

Each command module registers its sub-commands; ``main`` parses, dispatches and turns a
:class:`~studio.cli.exits.CliError` into lines on stderr and an exit code (sysexits).
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn, Sequence

from . import jobs, offline, projects, simulator_cmd
from .exits import USAGE, CliError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 64 (EX_USAGE), not argparse's 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m studio", description="Kling Studio from the command line.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    offline.register(commands)
    jobs.register(commands)
    projects.register(commands)
    simulator_cmd.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except CliError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.code
    return code
