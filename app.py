"""Start Kling Studio in the browser: ``python app.py [--verbose]``.

With a RunComfy token (``RUNCOMFY_TOKEN``, ``RUNCOMFY_API_KEY`` or ``runcomfy login``) it runs
live; with none it runs fully offline on the embedded simulator (local previews, no charges).
It is also a Hugging Face Space's entry point (``app_file`` in README.md's header): there it
listens on 0.0.0.0:7860 (see :func:`studio.ui.space.listen_address`). ``--verbose`` (or
``STUDIO_LOG_LEVEL``) logs one line per API call, never a token.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from studio.logs import configure_logging
from studio.ui import serve


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python app.py", description="Kling Studio in the browser.")
    parser.add_argument("--verbose", action="store_true", help="log one line per API call to stderr (or set STUDIO_LOG_LEVEL)")
    args = parser.parse_args(argv)
    try:
        configure_logging(args.verbose)
    except ValueError as exc:
        parser.error(str(exc))
    serve()


if __name__ == "__main__":
    main()
