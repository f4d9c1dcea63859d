"""Commands beyond one clip: ``storyboard``, ``variants`` and ``recipe``.

``storyboard FILE`` splits a long script into clips, shows the total cost first, generates
(or resumes) the clips and stitches them; ``variants`` runs 2–8 versions of one setup side by
side; ``recipe export`` prints a job as a recipe and ``recipe show`` checks and prices one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from studio.cli.exits import DATAERR, FAILED, OK, USAGE, CliError
from studio.cli.inputs import read_input
from studio.cli.jobs import _Reporter, _run_async, exit_code_for
from studio.cli.offline import load_request
from studio.domain.pricing import quote_request
from studio.domain.recipes import job_recipe, read_recipe
from studio.domain.storyboard import Storyboard, plan, quote, storyboard_from_json
from studio.domain.variants import by_prompt, by_seed, by_tier, quote_variants, takes
from studio.errors import StudioError, ValidationError
from studio.jobs.publisher import Publisher
from studio.jobs.storyboard_run import StoryboardRunner

__all__ = ["register"]


def _board(spec: str) -> Storyboard:
    data = read_input(spec if spec.startswith(("@", "{")) else f"@{spec}")
    try:
        if isinstance(data, dict) and "kind" in data:
            board = read_recipe(data)
            if not isinstance(board, Storyboard):
                raise ValidationError([])
            return board
        return storyboard_from_json(data)
    except ValidationError as exc:
        raise CliError(DATAERR, *(tuple(str(p) for p in exc.problems) or ("storyboard: this recipe is a single job; use `run`",))) from None


def _cmd_storyboard(args: argparse.Namespace) -> int:
    board = _board(args.file)
    try:
        clips, price = plan(board), quote(board)
    except ValidationError as exc:
        raise CliError(DATAERR, *(str(p) for p in exc.problems)) from None
    print(f"storyboard {board.key}: {board.seconds} s in {len(clips)} clips", file=sys.stderr)
    for line in price.lines():
        print(f"  {line}", file=sys.stderr)
    if args.dry_run:
        print(json.dumps({"key": board.key, "total_usd": price.as_json()["total_usd"]}))
        return OK
    output = Path(args.output_dir or ".").expanduser()

    async def run(studio: Any) -> int:
        publisher = Publisher(studio.settings, studio.http, simulator_base=getattr(studio.simulator, "base_url", None))
        runner = StoryboardRunner(studio.runner, publisher)
        last = [""]

        def report(p: Any) -> None:
            if str(p) != last[0]:
                last[0] = str(p)
                print(f"[storyboard] {p}", file=sys.stderr)

        result = await runner.run(board, output, on_progress=report, retry_unknown=args.retry_unknown)
        data = {
            "key": result.key, "file": str(result.path), "duration": round(result.duration, 2), "method": result.method,
            "clips": [r.request_id for r in result.clips], "reused_clips": list(result.reused),
        }
        print(json.dumps(data) if args.json else str(result.path))
        return OK

    return _run_async(args, run)


def _cmd_variants(args: argparse.Namespace) -> int:
    endpoint, request = load_request(args)
    chosen = [x for x in (args.tiers, args.prompts, args.seeds, args.takes) if x]
    if len(chosen) != 1:
        raise CliError(USAGE, "variants: give exactly one of --tiers, --prompts, --seeds or --takes")
    try:
        if args.tiers:
            variants = by_tier(endpoint, request, [t.strip() for t in args.tiers.split(",") if t.strip()])
        elif args.prompts:
            prompts = read_input(args.prompts)
            if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
                raise CliError(DATAERR, "prompts: must be a JSON list of prompt strings")
            variants = by_prompt(endpoint, request, prompts)
        elif args.seeds:
            variants = by_seed(endpoint, request, [int(s) for s in args.seeds.split(",")])
        else:
            variants = takes(endpoint, request, args.takes)
    except ValidationError as exc:
        raise CliError(DATAERR, *(str(p) for p in exc.problems)) from None
    except ValueError:
        raise CliError(USAGE, "--seeds: give whole numbers separated by commas") from None
    price = quote_variants(variants)
    for line in price.lines():
        print(f"  {line}", file=sys.stderr)
    if args.dry_run:
        print(json.dumps({"variants": [v.label for v in variants], "total_usd": price.as_json()["total_usd"]}))
        return OK
    output = Path(args.output_dir or ".").expanduser()

    async def run(studio: Any) -> int:
        group = f"var-{uuid.uuid4().hex[:16]}"
        records = [
            await studio.runner.submit(v.endpoint, v.request, group_id=group, meta={"variant": v.label}, output_dir=output / v.label.replace(" ", "-"))
            for v in variants
        ]
        results = await asyncio.gather(*(studio.runner.follow(r, on_progress=_Reporter()) for r in records), return_exceptions=True)
        code = OK
        rows: list[dict[str, Any]] = []
        for v, r in zip(variants, results, strict=True):
            if isinstance(r, BaseException):
                code = max(code, exit_code_for(r) if isinstance(r, StudioError) else FAILED)
                rows.append({"variant": v.label, "error": str(r)})
            else:
                rows.append({"variant": v.label, "model_id": r.model_id, "files": list(r.files), "cost_usd": r.cost_usd})
        print(json.dumps({"group": group, "variants": rows}) if args.json else "\n".join(f"{x['variant']}: {x.get('files') or x.get('error')}" for x in rows))
        return code

    return _run_async(args, run)


def _cmd_recipe(args: argparse.Namespace) -> int:
    if args.action == "export":
        async def run(studio: Any) -> int:
            record = studio.journal.get(args.target) or studio.journal.by_request_id(args.target)
            if record is None:
                raise CliError(DATAERR, f"recipe: no job {args.target!r} in the journal")
            print(json.dumps(job_recipe(record), indent=2))
            return OK

        return _run_async(args, run)
    data = read_input(args.target if args.target.startswith(("@", "{")) else f"@{args.target}")
    try:
        found = read_recipe(data)
        if isinstance(found, Storyboard):
            summary = {"kind": "storyboard", "key": found.key, "total_usd": quote(found).as_json()["total_usd"]}
        else:
            endpoint, request = found
            summary = {"kind": "job", "model_id": endpoint.model_id, "total_usd": quote_request(request, endpoint).as_json()["total_usd"]}
    except ValidationError as exc:
        raise CliError(DATAERR, *(str(p) for p in exc.problems)) from None
    print(json.dumps(summary))
    return OK


def register(commands: Any) -> None:
    """Add the storyboard, variants and recipe commands."""
    p = commands.add_parser("storyboard", help="split a long script into clips, generate, stitch (resumable)")
    p.add_argument("file", metavar="FILE", help="storyboard JSON (or recipe) file, or @file, or inline JSON")
    p.add_argument("--output-dir", metavar="DIR")
    p.add_argument("--dry-run", action="store_true", help="show the clips and total cost only")
    p.add_argument("--retry-unknown", action="store_true", help="resubmit clips whose submit outcome is unknown")
    p.add_argument("--offline", action="store_true", help="use the embedded local simulator (no charges)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_storyboard, poll_secs=None, timeout=None)

    p = commands.add_parser("variants", help="2-8 versions of one setup, side by side")
    p.add_argument("endpoint", metavar="ENDPOINT")
    p.add_argument("--input", required=True, metavar="JSON")
    p.add_argument("--tiers", help="comma-separated tiers, e.g. standard,pro")
    p.add_argument("--prompts", help="JSON list of alternative prompts (inline or @file)")
    p.add_argument("--seeds", help="comma-separated seeds (only where the schema offers a seed)")
    p.add_argument("--takes", type=int, help="plain takes of the same request (2-8)")
    p.add_argument("--output-dir", metavar="DIR")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--offline", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_variants, poll_secs=None, timeout=None)

    p = commands.add_parser("recipe", help="export a job as a recipe, or check and price a recipe")
    p.add_argument("action", choices=["export", "show"])
    p.add_argument("target", metavar="ID|FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_recipe, offline=False)
