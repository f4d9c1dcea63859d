"""Logging for the studio's own loggers: one line per API call at INFO, never a token.

``python app.py --verbose`` and ``python -m studio --verbose …`` show INFO; ``STUDIO_LOG_LEVEL``
(``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``) sets the level when no flag does. By default only
warnings and errors are shown. Lines go to stderr. The HTTP layer never logs headers, bodies or
query strings; as a second guard, anything shaped like a bearer credential is masked here.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping

__all__ = ["LEVELS", "configure_logging", "level_from"]

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s'\",]+")


class _MaskCredentials(logging.Filter):
    """Masks ``Bearer <token>`` in a record's final text (a second guard, not the first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        masked = _BEARER.sub(r"\1***", text)
        if masked != text:
            record.msg, record.args = masked, None
        return True


def level_from(verbose: bool, environ: Mapping[str, str] = os.environ) -> int:
    """The level asked for: INFO with ``--verbose``, else ``STUDIO_LOG_LEVEL``, else WARNING.

    An unknown ``STUDIO_LOG_LEVEL`` raises ValueError naming the variable and the choices.
    """
    if verbose:
        return logging.INFO
    name = environ.get("STUDIO_LOG_LEVEL", "").strip().upper()
    if not name:
        return logging.WARNING
    if name not in LEVELS:
        raise ValueError(f"STUDIO_LOG_LEVEL: {name!r} is not a level; use one of {', '.join(LEVELS)}")
    return int(getattr(logging, name))


def configure_logging(verbose: bool = False, environ: Mapping[str, str] = os.environ) -> int:
    """Send the ``studio`` loggers to stderr at the level asked for; returns that level.

    Calling it again replaces the studio's handler (never adds a second one).
    """
    level = level_from(verbose, environ)
    logger = logging.getLogger("studio")
    for handler in [h for h in logger.handlers if getattr(h, "_studio", False)]:
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(_MaskCredentials())
    handler._studio = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    return level
