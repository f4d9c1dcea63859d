"""Commands that need no network: ``validate``, ``payload`` and ``estimate``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from studio.cli.exits import DATAERR, OK, USAGE, CliError
from studio.cli.inputs import read_input
from studio.domain.catalog import Endpoint, endpoint_ids, find_endpoint
from studio.domain.payload import build_payload, request_from_input
from studio.domain.pricing import ROUNDING_RULE, quote_request
from studio.domain.prompts import advise
from studio.errors import ValidationError

__all__ = ["register", "resolve_endpoint", "load_request"]


def resolve_endpoint(model_id: str) -> Endpoint:
    """The catalog endpoint for a model id; CliError(64) naming the six when unknown."""
    found = find_endpoint(model_id)
    if found is None:
        raise CliError(
            USAGE,
            f"endpoint: {model_id!r} is not a Kling 3.0 endpoint; choose one of: "
            + ", ".join(endpoint_ids()),
        )
    return found


def load_request(args: argparse.Namespace) -> tuple[Endpoint, Any]:
    """The endpoint and the validated request named by ``ENDPOINT --input``."""
    endpoint = resolve_endpoint(args.endpoint)
    try:
        return endpoint, request_from_input(read_input(args.input), endpoint)
    except ValidationError as exc:
        raise CliError(DATAERR, *(str(p) for p in exc.problems)) from None


def _validate(args: argparse.Namespace) -> int:
    endpoint, request = load_request(args)
    for note in advise(request, endpoint):
        print(f"advice: {note}", file=sys.stderr)
    print(f"ok: valid for {endpoint.model_id}")
    return OK


def _payload(args: argparse.Namespace) -> int:
    endpoint, request = load_request(args)
    print(json.dumps(build_payload(request, endpoint), indent=2, ensure_ascii=False))
    return OK


def _estimate(args: argparse.Namespace) -> int:
    endpoint, request = load_request(args)
    if not 1 <= args.variants <= 8:
        raise CliError(USAGE, f"--variants: {args.variants} is outside 1-8")
    quote = quote_request(request, endpoint, variants=args.variants)
    if args.json:
        print(json.dumps({"endpoint": endpoint.model_id, "variants": args.variants, **quote.as_json()}))
    else:
        print(f"{endpoint.label}")
        for line in quote.lines():
            print(f"  {line}")
        print(f"  ({ROUNDING_RULE})")
    return OK


def _add_request_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("endpoint", metavar="ENDPOINT", help="one of: " + ", ".join(endpoint_ids()))
    parser.add_argument(
        "--input", required=True, metavar="JSON", help="inline JSON, or @path/to/file.json"
    )


def register(commands: Any) -> None:
    """Add the offline commands to the ``python -m studio`` sub-command parser."""
    p = commands.add_parser("validate", help="check an input; exit 65 listing every problem")
    _add_request_args(p)
    p.set_defaults(func=_validate)

    p = commands.add_parser("payload", help="print the exact JSON body that would be POSTed")
    _add_request_args(p)
    p.set_defaults(func=_payload)

    p = commands.add_parser("estimate", help="quote the cost before paying")
    _add_request_args(p)
    p.add_argument("--variants", type=int, default=1, metavar="N", help="number of variants (1-8)")
    p.add_argument("--json", action="store_true", help="print the quote as JSON")
    p.set_defaults(func=_estimate)
