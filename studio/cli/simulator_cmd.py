"""``python -m studio simulator``: serve the local RunComfy simulator in the foreground.

Only the registration lives here; the options and the server are in
:mod:`studio.simulator.server` (uvicorn itself is loaded only when the command runs).
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from studio.simulator.server import serve

    return serve(args)


def register(commands: Any) -> None:
    """Add the ``simulator`` command to the ``python -m studio`` sub-command parser."""
    from studio.simulator.server import add_arguments

    p = commands.add_parser(
        "simulator",
        help="serve a local RunComfy-compatible API until Ctrl-C (prints its base URL and token)",
    )
    add_arguments(p)
    p.set_defaults(func=_run)
