"""Commands that talk to the API: ``run``, ``status``, ``result``, ``cancel``, ``models``,
``balance`` and ``resume`` — the headless twin of the studio, mirroring the official CLI.

Progress goes to stderr as the status changes; results go to stdout (JSON with ``--json``).
Ctrl-C while queued cancels the job before billing; while running it says plainly that the
job can no longer be cancelled and keeps it in the journal for ``resume``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from studio.cli.exits import (
    DATAERR,
    FAILED,
    NOPERM,
    OK,
    TEMPFAIL,
    UNAVAILABLE,
    USAGE,
    CliError,
)
from studio.cli.offline import load_request
from studio.client.job_states import Queued, Running, Succeeded
from studio.config import Settings
from studio.errors import (
    ApiError,
    AuthError,
    ConfigError,
    JobTimeout,
    NetworkError,
    RateLimited,
    RequestTimeout,
    ServerError,
    StudioError,
    SubmitUnknown,
    UploadError,
    ValidationError,
    one_line,
)
from studio.jobs.journal import JobRecord
from studio.jobs.runner import Interrupted, Progress
from studio.jobs.service import Studio

__all__ = ["register", "exit_code_for"]


def exit_code_for(exc: StudioError) -> int:
    """The sysexits code for an error, as the official CLI assigns them."""
    if isinstance(exc, (ValidationError, UploadError)):
        return DATAERR
    if isinstance(exc, (ConfigError, AuthError)):
        return NOPERM
    if isinstance(exc, (RateLimited, RequestTimeout, JobTimeout)):
        return TEMPFAIL
    if isinstance(exc, SubmitUnknown):
        return TEMPFAIL if exc.timeout else UNAVAILABLE
    if isinstance(exc, ApiError):
        if exc.status_code == 408:
            return TEMPFAIL
        return UNAVAILABLE if isinstance(exc, ServerError) or exc.status_code >= 500 else DATAERR
    if isinstance(exc, NetworkError):
        return UNAVAILABLE
    return FAILED  # JobFailed, DownloadError, Interrupted


class _Reporter:
    """Progress lines on stderr, one per change."""

    def __init__(self) -> None:
        self._last = ""

    def __call__(self, p: Progress) -> None:
        if p.stage == "queued":
            line = f"queued (position {p.position})" if p.position is not None else "queued"
        elif p.stage == "running":
            line = "running"
        elif p.stage == "downloading":
            done = (p.bytes_done or 0) / 1e6
            total = f" of {p.bytes_total / 1e6:.1f} MB" if p.bytes_total else ""
            step = int(100 * (p.bytes_done or 0) / p.bytes_total) // 10 if p.bytes_total else int(done)
            line = f"downloading {done:.1f} MB{total}"
            key = f"downloading {step}"
            if key == self._last:
                return
            self._last = key
            print(f"[{p.request_id}] {line}", file=sys.stderr)
            return
        elif p.stage == "succeeded":
            line = f"saved {p.message}"
        else:
            line = f"{p.stage}: {p.message}" if p.message else p.stage
        if line != self._last:
            self._last = line
            print(f"[{p.request_id}] {line}", file=sys.stderr)


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data) if getattr(args, "json", False) else text)


def _studio(args: argparse.Namespace) -> Studio:
    settings = Settings.from_env()
    if getattr(args, "poll_secs", None) is not None:
        settings = settings.evolve(poll_interval=args.poll_secs)
    if getattr(args, "timeout", None) is not None:
        settings = settings.evolve(job_deadline=args.timeout)
    return Studio.connect(settings, offline=bool(getattr(args, "offline", False)))


def _run_async(args: argparse.Namespace, fn: Callable[[Studio], Awaitable[int]]) -> int:
    """Open a studio, run ``fn``, close it, and map errors to exit codes."""

    async def main() -> int:
        studio = _studio(args)
        try:
            return await fn(studio)
        finally:
            await studio.aclose()

    try:
        return asyncio.run(main())
    except StudioError as exc:
        message = str(exc)
        fields = getattr(exc, "problems", ()) if isinstance(exc, ApiError) else ()
        if getattr(args, "json", False):
            print(json.dumps({"error": message, **({"problems": [{"field": p.field, "message": p.message} for p in fields]} if fields else {})}), file=sys.stderr)
        elif fields:  # a 422: RunComfy's reason, field by field
            print(f"error: HTTP {exc.status_code}: RunComfy refused the input:", file=sys.stderr)  # type: ignore[attr-defined]
            for p in fields:
                print(f"  {p}", file=sys.stderr)
        else:
            print(f"error: {one_line(message)}", file=sys.stderr)
        return exit_code_for(exc)


def _summary(record: JobRecord) -> dict[str, Any]:
    return {**record.summary(), "files": list(record.files)}


async def _interrupted(studio: Studio, stop_error: Interrupted) -> int:
    record, state = stop_error.record, stop_error.state
    if isinstance(state, Running):
        print(
            f"[{record.request_id}] the job is already running and can no longer be cancelled; it will "
            "be charged. It stays in the journal: `python -m studio resume` downloads it when done.",
            file=sys.stderr,
        )
        return FAILED
    outcome = await studio.runner.cancel(record)
    if outcome.cancelled:
        print(f"[{record.request_id}] cancelled while queued; it never ran and is not charged.", file=sys.stderr)
    else:
        print(
            f"[{record.request_id}] too late to cancel: the job has started and will be charged. It "
            "stays in the journal: `python -m studio resume` downloads it when done.",
            file=sys.stderr,
        )
    return FAILED


def _cmd_run(args: argparse.Namespace) -> int:
    endpoint, request = load_request(args)
    if args.poll_secs is not None and args.poll_secs < 0.1:
        raise CliError(USAGE, "--poll-secs: must be at least 0.1")
    output_dir = Path(args.output_dir).expanduser() if args.output_dir else Path.cwd()

    async def run(studio: Studio) -> int:
        print(f"{studio.mode.description}", file=sys.stderr)
        record = await studio.runner.submit(endpoint, request, output_dir=output_dir)
        print(f"[{record.request_id}] submitted to {endpoint.model_id} (quote ${record.quote_usd})", file=sys.stderr)
        if args.no_wait:
            print(json.dumps({"request_id": record.request_id, "wait": False}))
            return OK
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-Unix
            pass
        try:
            record = await studio.runner.follow(record, on_progress=_Reporter(), stop=stop)
        except Interrupted as exc:
            return await _interrupted(studio, exc)
        finally:
            loop.remove_signal_handler(signal.SIGINT)
        _emit(args, _summary(record), "\n".join(record.files))
        return OK

    return _run_async(args, run)


def _cmd_status(args: argparse.Namespace) -> int:
    async def run(studio: Studio) -> int:
        state = await studio.api.status(args.request_id)
        data: dict[str, Any] = {"request_id": args.request_id, "state": type(state).__name__.lower()}
        if isinstance(state, Queued):
            data["queue_position"] = state.position
        _emit(args, data, " ".join(f"{k}={v}" for k, v in data.items() if v is not None))
        return OK

    return _run_async(args, run)


def _cmd_result(args: argparse.Namespace) -> int:
    async def run(studio: Studio) -> int:
        state = await studio.api.result(args.request_id)
        if not isinstance(state, Succeeded):
            _emit(args, {"request_id": args.request_id, "state": type(state).__name__.lower()}, "not finished yet" if isinstance(state, (Queued, Running)) else type(state).__name__.lower())
            return OK if isinstance(state, (Queued, Running)) else FAILED
        data = {"request_id": args.request_id, "output": state.output, "cost_usd": str(state.cost) if state.cost is not None else None}
        _emit(args, data, json.dumps(data, indent=2))
        return OK

    return _run_async(args, run)


def _cmd_cancel(args: argparse.Namespace) -> int:
    async def run(studio: Studio) -> int:
        record = studio.journal.by_request_id(args.request_id)
        outcome = await (studio.runner.cancel(record) if record else studio.api.cancel(args.request_id))
        text = "cancelled: it never ran and is not charged" if outcome.cancelled else (
            "not cancellable: already running or finished; a running job will be charged"
        )
        _emit(args, {"request_id": args.request_id, "outcome": outcome.outcome}, text)
        return OK

    return _run_async(args, run)


def _cmd_models(args: argparse.Namespace) -> int:
    async def run(studio: Studio) -> int:
        models = await studio.api.models(search=args.search)
        _emit(args, {"models": [m.get("model_id") for m in models]}, "\n".join(str(m.get("model_id")) for m in models))
        return OK

    return _run_async(args, run)


def _cmd_balance(args: argparse.Namespace) -> int:
    async def run(studio: Studio) -> int:
        balance = await studio.api.balance()
        _emit(args, {"balance_usd": str(balance)}, f"${balance:.2f}")
        return OK

    return _run_async(args, run)


def _cmd_resume(args: argparse.Namespace) -> int:
    async def run(studio: Studio) -> int:
        code = OK
        for record in studio.runner.settle_interrupted_submits():
            print(f"error: job {record.job_id}: {one_line(str(record.error))}", file=sys.stderr)
            code = FAILED
        results = await studio.runner.resume(on_progress=_Reporter())
        for item in results:
            if isinstance(item, BaseException):
                print(f"error: {one_line(str(item))}", file=sys.stderr)
                code = max(code, exit_code_for(item) if isinstance(item, StudioError) else FAILED)
            else:
                _emit(args, _summary(item), "\n".join(item.files))
        if not results and code == OK:
            print("nothing to resume", file=sys.stderr)
        return code

    return _run_async(args, run)


def _common(p: argparse.ArgumentParser, *, offline: bool = False) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")
    if offline:
        p.add_argument("--offline", action="store_true", help="use the embedded local simulator (no charges)")


def register(commands: Any) -> None:
    """Add the API commands to the ``python -m studio`` sub-command parser."""
    p = commands.add_parser("run", help="submit, wait, download (like `runcomfy run`)")
    p.add_argument("endpoint", metavar="ENDPOINT")
    p.add_argument("--input", required=True, metavar="JSON", help="inline JSON, or @path/to/file.json")
    p.add_argument("--output-dir", metavar="DIR", help="where to save the video (default: .)")
    p.add_argument("--poll-secs", type=float, default=None, metavar="S", help=f"seconds between polls (default: $STUDIO_POLL_SECS, else {Settings.poll_interval:g})")
    p.add_argument("--timeout", type=float, default=None, metavar="S", help=f"give up waiting after S seconds (default: $STUDIO_JOB_DEADLINE, else {Settings.job_deadline:g})")
    p.add_argument("--no-wait", action="store_true", help="submit and print the request id only")
    _common(p, offline=True)
    p.set_defaults(func=_cmd_run)

    for name, fn, text in (
        ("status", _cmd_status, "a job's status"),
        ("result", _cmd_result, "a job's result (output URLs and cost)"),
        ("cancel", _cmd_cancel, "cancel a queued job"),
    ):
        p = commands.add_parser(name, help=text)
        p.add_argument("request_id", metavar="ID")
        _common(p)
        p.set_defaults(func=fn)

    p = commands.add_parser("models", help="list the catalog")
    p.add_argument("--search", default=None)
    _common(p)
    p.set_defaults(func=_cmd_models)

    p = commands.add_parser("balance", help="the account balance")
    _common(p)
    p.set_defaults(func=_cmd_balance)

    p = commands.add_parser("resume", help="reattach to unfinished jobs and download their videos")
    _common(p, offline=True)
    p.set_defaults(func=_cmd_resume)
