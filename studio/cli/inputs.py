"""Reading ``--input``: inline JSON, or ``@path/to/file.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.cli.exits import DATAERR, CliError

__all__ = ["read_input"]


def read_input(spec: str) -> Any:
    """The JSON value ``--input`` names; raises CliError(65) for a missing file or bad JSON."""
    source = "--input"
    text = spec
    if spec.startswith("@"):
        path = Path(spec[1:]).expanduser()
        shown = str(path)
        source = f"--input file {shown if shown.isprintable() else repr(shown)}"  # one line, always
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CliError(DATAERR, f"input: {source} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            raise CliError(DATAERR, f"input: cannot read {source}: {reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            DATAERR,
            f"input: {source} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
        ) from None
    except ValueError:  # json refuses integers of more than 4300 digits (sys.int_info)
        raise CliError(DATAERR, f"input: {source} holds a number too long to read (over 4300 digits)") from None
    except RecursionError:
        raise CliError(DATAERR, f"input: {source} is nested too deeply to read") from None
