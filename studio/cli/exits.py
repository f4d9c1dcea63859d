"""Exit codes of the command line (sysexits, as the official runcomfy CLI uses them)."""

from __future__ import annotations

__all__ = ["OK", "FAILED", "USAGE", "DATAERR", "UNAVAILABLE", "TEMPFAIL", "NOPERM", "CliError"]

OK = 0  # success
FAILED = 1  # the job failed or was cancelled
USAGE = 64  # bad command-line arguments
DATAERR = 65  # bad input, or any other 4xx from the API
UNAVAILABLE = 69  # the API answered 5xx
TEMPFAIL = 75  # timeout, or 429 after retries
NOPERM = 77  # no token, or the token was rejected


class CliError(Exception):
    """An error the command line reports on stderr (one line per entry) and exits with."""

    def __init__(self, code: int, *lines: str) -> None:
        self.code = code
        self.lines = lines
        super().__init__("; ".join(lines))
