"""The studio's one error tree, and the one place an HTTP status becomes an error class.

StudioError
├── ValidationError(problems)      bad input, caught before anything is uploaded or paid
├── ConfigError                     a missing or bad setting (token, host, budget)
├── UploadError                     an image could not be prepared or published
├── DownloadError                   a result file could not be fetched safely
├── JobFailed(job_id, reason)       the job ran and failed, or was cancelled
├── JobTimeout(job_id, waited_s)    the job did not finish before its deadline
├── SubmitUnknown(...)              a paid submit whose outcome is unknown; never retried
├── NetworkError / RequestTimeout   the host could not be reached or did not answer
└── ApiError(status_code, ...)      the API answered with an error
    ├── BadRequest 400 · AuthError 401/403 · NotFound 404 · PaymentRequired 402
    ├── Conflict 409 · PayloadTooLarge 413 · Unprocessable 422 · RateLimited 429
    └── ServerError ≥500

Messages are written for the person at the keyboard; none contains a token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Problem",
    "one_line",
    "shown_field",
    "StudioError",
    "ValidationError",
    "ConfigError",
    "UploadError",
    "DownloadError",
    "JobFailed",
    "JobTimeout",
    "SubmitUnknown",
    "NetworkError",
    "RequestTimeout",
    "ApiError",
    "BadRequest",
    "AuthError",
    "PaymentRequired",
    "NotFound",
    "Conflict",
    "PayloadTooLarge",
    "Unprocessable",
    "RateLimited",
    "ServerError",
    "error_for_status",
    "detail_problems",
]


def one_line(text: str) -> str:
    """``text`` with every unprintable character (newlines, tabs, controls, line separators,
    lone surrogates) shown as its escape, as ``repr`` shows it, so it stays on one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


# A shot's key after its list and position, e.g. ``shots[2].zoom`` (the key may be odd).
_PATH_HEAD = re.compile(r"^[A-Za-z0-9_]+\[\d+\]\.")
# A variant's label before the field it concerns, e.g. ``tier pro: duration`` (studio/domain/variants.py).
_LABEL = re.compile(r"^[^\s:\"\\]+ [^\s:\"\\]+: ")


def _plain(name: str) -> bool:
    """A name that reads unambiguously as it is: printable, no ":", quote or backslash, no
    space at either end. An empty key, shown as ``""``, counts as plain."""
    if name == '""':
        return True
    return bool(name) and name == name.strip() and name.isprintable() and not any(ch in name for ch in ':"\\')


def _escaped(ch: str) -> str:
    """One character as JSON's ``\\uXXXX`` escape (a surrogate pair beyond the BMP)."""
    code = ord(ch)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _quoted(text: str) -> str:
    """``text`` as a JSON string literal that stays on one line and holds no ":" (so a problem
    line's field always ends at its first ": "): unprintable characters and ":" are escaped."""
    dumped = json.dumps(text, ensure_ascii=False)  # escapes quotes, backslashes and C0 controls
    return "".join(_escaped(ch) if ch == ":" or not ch.isprintable() else ch for ch in dumped)


def shown_field(field: str) -> str:
    r"""How a problem's field is shown: as it is when plain (``duration``, ``shots[2].camera``,
    ``start image``, a variant's ``tier pro: duration``), else quoted as a JSON string, so a key
    the user typed with a ":", a newline, a quote or edge spaces is shown unambiguously on one
    line: ``":"`` is shown as ``"\u003a"``, and a shot's odd key is quoted after its plain
    ``shots[2].`` (``shots[2]."a\u003ab"``). The quoted form, read as JSON, is the exact key."""
    label = _LABEL.match(field)
    if label:
        return label.group() + shown_field(field[label.end():])
    head = _PATH_HEAD.match(field)
    if head:
        key = field[head.end():]
        return field if _plain(key) else head.group() + _quoted(key)
    return field if _plain(field) else _quoted(field)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, naming the field it concerns.

    ``field`` is the name as the user wrote it (a key may hold any text); ``str()`` gives the
    one-line form ``field: message`` with an odd field name quoted (see :func:`shown_field`)
    and any unprintable character escaped.
    """

    field: str
    message: str

    def __str__(self) -> str:
        return f"{shown_field(self.field)}: {one_line(self.message)}"


class StudioError(Exception):
    """Base of every error the studio raises on purpose; its text is fit to show a user."""


class ValidationError(StudioError):
    """The input has one or more problems; nothing was uploaded, submitted or charged."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid input")


class ConfigError(StudioError):
    """A setting is missing or wrong (for example no API token, or no image host)."""


class UploadError(StudioError):
    """An image could not be checked, prepared or published to the public URL host."""


class DownloadError(StudioError):
    """A result file could not be downloaded safely."""


class JobFailed(StudioError):
    """The job reached a terminal state other than success (failed or cancelled)."""

    def __init__(self, job_id: str, reason: str, *, cancelled: bool = False) -> None:
        self.job_id = job_id
        self.reason = reason
        self.cancelled = cancelled
        super().__init__(f"job {job_id} {'was cancelled' if cancelled else 'failed'}: {reason}")


class JobTimeout(StudioError):
    """The job did not reach a terminal state before the deadline; it may still finish."""

    def __init__(self, job_id: str, waited_s: float) -> None:
        self.job_id = job_id
        self.waited_s = waited_s
        super().__init__(
            f"job {job_id} did not finish within {waited_s:.0f} s; it is kept in the journal "
            "and `python -m studio resume` will fetch it when it is done"
        )


class NetworkError(StudioError):
    """The host could not be reached, or the connection broke."""


class RequestTimeout(NetworkError):
    """The host did not answer in time."""


class SubmitUnknown(StudioError):
    """A paid submit failed in a way that leaves its outcome unknown. It is never retried."""

    def __init__(self, reason: str, *, timeout: bool = False) -> None:
        self.reason = reason
        self.timeout = timeout
        super().__init__(
            f"the submit's outcome is unknown ({reason}); it was not retried, to avoid paying "
            "twice. Check your RunComfy dashboard before submitting again."
        )


class ApiError(StudioError):
    """The API answered with an error status (or an ``error_code`` in a 2xx body)."""

    status_code: int = 0

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_code: int | None = None,
        request_id: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.error_code = error_code
        self.request_id = request_id
        self.body = body
        self.retry_after = retry_after
        # A 422's ``detail`` list, field by field (RunComfy and FastAPI: ``{"loc", "msg", "type"}``).
        self.problems: tuple[Problem, ...] = detail_problems(body)
        super().__init__(message)


class BadRequest(ApiError):
    """HTTP 400: the request was malformed or named an unknown model."""


class AuthError(ApiError):
    """HTTP 401/403 (or error code 400004): the token is missing, wrong or not allowed."""


class PaymentRequired(ApiError):
    """HTTP 402 (or error code 400002): the account balance is too low."""


class NotFound(ApiError):
    """HTTP 404: unknown, deleted or expired model or request id."""


class Conflict(ApiError):
    """HTTP 409."""


class PayloadTooLarge(ApiError):
    """HTTP 413."""


class Unprocessable(ApiError):
    """HTTP 422: the input did not match the model's schema."""


class RateLimited(ApiError):
    """HTTP 429: too many requests; ``retry_after`` says when to try again, if known."""


class ServerError(ApiError):
    """HTTP 5xx: the API had a problem on its side."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: AuthError,
    402: PaymentRequired,
    403: AuthError,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    422: Unprocessable,
    429: RateLimited,
}

_BY_ERROR_CODE: dict[int, type[ApiError]] = {
    400001: BadRequest,
    400002: PaymentRequired,
    400004: AuthError,
    403001: AuthError,
    404001: NotFound,
    422001: Unprocessable,
}

_HINTS: dict[type[ApiError], str] = {
    AuthError: "the RunComfy token is missing, wrong or not allowed to do this",
    PaymentRequired: "the RunComfy balance is too low for this job",
    NotFound: "not found (unknown, deleted or expired)",
    RateLimited: "rate limited by RunComfy; try again in a moment",
    ApiError: "the API refused the request",
    ServerError: "RunComfy had a problem on its side",
    Unprocessable: "the input did not match the model's schema",
    BadRequest: "the request was refused",
}


def _error_code(body: Any) -> int | None:
    if isinstance(body, dict):
        for key in ("error_code", "code"):
            value = body.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.isdigit():
                return int(value)
    return None


def detail_problems(body: Any) -> tuple[Problem, ...]:
    """The problems a 422 body's ``detail`` list names: ``loc`` (``body`` dropped) and ``msg``."""
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, list):
        return ()
    out = []
    for item in detail[:20]:
        if not isinstance(item, dict):
            continue
        loc = item.get("loc")
        parts = [str(x) for x in loc if x != "body"] if isinstance(loc, list) else []
        where = ".".join(parts[:6])[:120] or "input"
        msg = item.get("msg")
        out.append(Problem(where, str(msg)[:300] if msg is not None else "was refused"))
    return tuple(out)


def _server_message(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("error_message", "message", "error", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:300]
    if isinstance(body, str) and body.strip():
        return body.strip()[:300]
    return ""


def error_for_status(
    status_code: int,
    body: Any,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> ApiError:
    """Map an HTTP status (and the body's ``error_code``) to the matching ApiError subclass."""
    code = _error_code(body)
    cls: type[ApiError]
    if code in _BY_ERROR_CODE:
        cls = _BY_ERROR_CODE[code]
    elif status_code >= 500:
        cls = ServerError
    else:
        cls = _BY_STATUS.get(status_code, ApiError)
    detail = _server_message(body)
    hint = _HINTS.get(cls, "the API refused the request")
    fields = detail_problems(body)
    if fields:
        detail = "; ".join(str(p) for p in fields)
    message = f"HTTP {status_code}: {hint}" + (f" ({detail})" if detail else "")
    return cls(
        message,
        status_code=status_code,
        error_code=code,
        request_id=request_id,
        body=body,
        retry_after=retry_after,
    )
