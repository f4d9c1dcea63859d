"""The studio's tools for agents: the MCP server's deliberate tool set, and nothing else.

Each tool is a ``gr.api`` endpoint (so Gradio serves it at ``/gradio_api/mcp/`` and lists it
in the page's API too) whose docstring is the description an MCP client shows; the page's own
events are kept out of the MCP server by :mod:`studio.ui.mcp_server`. Like the JSON twin
(:mod:`studio.ui.api`), every tool calls the job manager, never HTTP, and every tool that reads
jobs or spends names the caller's private owner key: only that key's jobs are listed, followed
or returned. A visitor's own RunComfy key is used only when the studio runs live, is never logged
and never returned. Before anything is submitted, a tool checks the request, the per-call limit
of :data:`~studio.domain.bounds.MAX_JOBS_PER_ACTION` jobs, the confirmation a big spend needs
and the spending caps; a refused call submits nothing. Answers are JSON objects; videos are
linked by signed URLs (:class:`~studio.ui.media.MediaSigner`), never by a server path.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import gradio as gr

from studio.domain import bounds
from studio.domain.catalog import ENDPOINTS, LIMITS, Endpoint
from studio.domain.job_status import IN_FLIGHT
from studio.domain.models import GenerationRequest
from studio.domain.payload import build_payload
from studio.domain.pricing import quote_request as price_request
from studio.domain.pricing import usd_text
from studio.domain.recipes import read_recipe
from studio.domain.storyboard import MAX_STORYBOARD_SECONDS, Storyboard, plan, storyboard_from_json
from studio.domain.storyboard import quote as price_storyboard
from studio.domain.validation import check_input
from studio.domain.vocabulary import KEY_TO_CONCEPT
from studio.errors import Problem, SubmitUnknown, ValidationError
from studio.jobs.journal import JobRecord
from studio.jobs.manager import JobManager, LiveState, owner_id
from studio.ui.agent_args import RecentCalls, check_confirmed, read_endpoint, read_object, reason, refusal, site_root, visitor_key, within
from studio.ui.card_text import prompt_text
from studio.ui.gallery_view import shown_videos, story_films
from studio.ui.media import MediaSigner
from studio.ui.plan import needs_confirmation

__all__ = ["AgentTools", "TOOL_NAMES", "register_tools"]

# The MCP tools, in the order they are listed (each is also the endpoint's api_name).
TOOL_NAMES = (
    "list_endpoints", "quote_request", "validate_request", "generate_video", "job_status",
    "list_my_videos", "plan_storyboard", "start_storyboard", "storyboard_progress",
)
EXAMPLE_REQUEST = {"prompt": "Wide shot, slow push-in on a lighthouse at dusk", "duration": 5, "aspect_ratio": "16:9", "generate_audio": False}


@dataclass(frozen=True)
class Checked:
    """A request ready to submit: its endpoint, the same with the live rates and schema, the body."""

    endpoint: Endpoint
    live: Endpoint
    request: GenerationRequest
    payload: dict[str, Any]


def _usd(amount: Decimal | None) -> str | None:
    return None if amount is None else usd_text(amount)


def _job(record: JobRecord, live: LiveState | None = None) -> dict[str, Any]:
    """A job as a tool shows it: never the owner, never a token, never a server path."""
    out = {**record.summary(), "label": record.meta.get("variant"), "request": record.request, "finished": record.finished}
    if live is not None:
        out["stage"] = live.stage
        out["queue_position"] = live.position if live.position is not None else record.queue_position
        out["progress"] = {"running_since": live.running_since, "bytes_done": live.bytes_done, "bytes_total": live.bytes_total, "message": live.message}
    return out


class AgentTools:
    """The tools, each a method whose docstring an MCP client shows (Args one per line)."""

    def __init__(self, manager: JobManager, signer: MediaSigner) -> None:
        self.manager = manager
        self.signer = signer
        self.settings = manager.settings
        # A call repeated a moment later (an agent retrying after a lost answer) is refused.
        self.recent = RecentCalls(self.settings.double_submit_seconds)

    # -- reading arguments ------------------------------------------------------------------
    def _request(self, model_id: Any, request: Any, visitor: str | None = None) -> Checked:
        """The request checked against the schema and rates a submit would use (every problem at once)."""
        ep = read_endpoint(model_id)
        data = read_object(request, "request", bounds.MAX_REQUEST_JSON_CHARS)
        live = self.manager.live_endpoint(ep, visitor)
        hosts = self.settings.http_image_hosts
        try:
            parsed, problems = check_input(data, live, allow_http_hosts=hosts)
            if problems:
                raise ValidationError(problems)
            payload = build_payload(parsed, live, allow_http_hosts=hosts)
        except ValidationError as exc:
            raise within("request", exc) from None
        return Checked(ep, live, parsed, payload)

    def _board(self, storyboard: Any) -> Storyboard:
        data = read_object(storyboard, "storyboard", bounds.MAX_STORYBOARD_JSON_CHARS)
        try:
            found = read_recipe(data) if "kind" in data else storyboard_from_json(data)
            if not isinstance(found, Storyboard):
                raise ValidationError([Problem("kind", "this recipe is a single job; use generate_video")])
            plan(found)  # every problem now, before a price or a run
        except ValidationError as exc:
            raise within("storyboard", exc) from None
        return found

    def _big(self, total: Decimal, count: int) -> bool:
        """Whether a spend needs ``confirm_total_usd`` (the page asks before the same clicks)."""
        return needs_confirmation(total, count, self.settings.confirm_above_usd, self.settings.confirm_above_jobs)

    # -- the catalog --------------------------------------------------------------------------
    @refusal
    def list_endpoints(self) -> dict[str, Any]:
        """The six Kling 3.0 endpoints (Standard, Pro, 4K; text-to-video, image-to-video) with their per-second prices and guidance, the limits of one clip, and how this studio runs: offline (local previews, nothing is charged) or live on RunComfy, with its spending caps.

        Returns:
            {"studio": {"live", "mode", "confirm_above_usd", "confirm_above_jobs", "session_cap_usd", "daily_cap_usd"}, "endpoints": [{"model_id", "tier", "mode", "resolution", "usd_per_second": {"silent", "with_audio"}, "tier_guidance", "mode_guidance"}], "limits": {...}, "request_fields": [...], "example_request": {...}}
        """
        budget = self.manager.studio.budget
        limits = budget.limits if budget is not None else None
        endpoints = []
        for ep in ENDPOINTS:
            rates = self.manager.live_endpoint(ep).rates
            endpoints.append({
                "model_id": ep.model_id, "tier": ep.tier.key, "mode": ep.mode.key, "label": ep.label, "resolution": ep.tier.resolution,
                "usd_per_second": {"silent": str(rates.silent), "with_audio": str(rates.audio)},
                "tier_guidance": ep.tier.guidance, "mode_guidance": ep.mode.guidance,
            })
        return {
            "studio": {
                "live": self.manager.studio.mode.live, "mode": self.manager.studio.mode.description,
                "confirm_above_usd": usd_text(Decimal(str(self.settings.confirm_above_usd))), "confirm_above_jobs": self.settings.confirm_above_jobs,
                "session_cap_usd": _usd(limits.session_usd if limits else None), "daily_cap_usd": _usd(limits.daily_usd if limits else None),
            },
            "endpoints": endpoints,
            "limits": {
                "min_seconds": LIMITS.min_duration, "max_seconds": LIMITS.max_duration, "max_shots": LIMITS.max_shots,
                "max_prompt_chars": LIMITS.max_prompt_chars, "max_jobs_per_call": bounds.MAX_JOBS_PER_ACTION,
                "max_storyboard_seconds": MAX_STORYBOARD_SECONDS,
            },
            "request_fields": sorted(KEY_TO_CONCEPT),
            "example_request": EXAMPLE_REQUEST,
        }

    @refusal
    def quote_request(self, model_id: str, request: dict[str, Any], takes: int = 1) -> dict[str, Any]:
        """Price a request before paying: itemised (rate × seconds, audio, × takes), at the rates generate_video would use. Nothing is submitted.

        Args:
            model_id: one of the six endpoints from list_endpoints, e.g. "kling/kling-3.0/pro/text-to-video".
            request: the request, in the Kling 3.0 skill's or RunComfy's field names, e.g. {"prompt": "Wide shot of a harbour at dawn", "duration": 5, "generate_audio": false}; images as public https URLs (image_url, tail_image_url).
            takes: how many versions to price, 1-8.
        Returns:
            {"model_id", "takes", "currency", "items": [...], "total_usd", "rounding", "needs_confirmation"}
        """
        count = bounds.whole_number(takes, "takes", 1, bounds.MAX_JOBS_PER_ACTION)
        checked = self._request(model_id, request)
        price = price_request(checked.request, checked.live, variants=count)
        return {"model_id": checked.endpoint.model_id, "takes": count, **price.as_json(), "needs_confirmation": self._big(price.total, count)}

    @refusal
    def validate_request(self, model_id: str, request: dict[str, Any]) -> dict[str, Any]:
        """Check a request without paying: every problem at once, each naming its field (request.duration, request.prompt ...), and when it is valid the exact body the studio would send to RunComfy.

        Args:
            model_id: one of the six endpoints from list_endpoints, e.g. "kling/kling-3.0/standard/text-to-video".
            request: the request to check, in the Kling 3.0 skill's or RunComfy's field names.
        Returns:
            {"valid": true|false, "model_id", "problems": [{"field", "message"}], "payload": the body to POST (when valid)}
        """
        try:
            checked = self._request(model_id, request)
        except ValidationError as exc:
            return {"valid": False, "problems": [{"field": p.field, "message": p.message} for p in exc.problems]}
        return {"valid": True, "model_id": checked.endpoint.model_id, "problems": [], "payload": checked.payload}

    # -- spending -------------------------------------------------------------------------------
    @refusal
    def generate_video(
        self, owner_key: str, model_id: str, request: dict[str, Any], takes: int = 1, confirm_total_usd: str = "", runcomfy_api_key: str = ""
    ) -> dict[str, Any]:
        """Submit a request (1-8 takes) and return at once with the job ids; the videos are made in the background (follow each with job_status). Checked first, and refused with nothing submitted: a bad request, more than 8 jobs, a big spend (quote_request says needs_confirmation) without confirm_total_usd, or a spend that would cross a spending cap. Offline, nothing is charged.

        Args:
            owner_key: your private key, any random text of up to 256 characters (use a long random one and keep it): your jobs and videos are listed under it and only it sees them.
            model_id: one of the six endpoints from list_endpoints, e.g. "kling/kling-3.0/standard/text-to-video".
            request: the request, in the Kling 3.0 skill's or RunComfy's field names, e.g. {"prompt": "Wide shot of a harbour at dawn", "duration": 5}; images as public https URLs.
            takes: how many versions to make of the same request, 1-8.
            confirm_total_usd: the total_usd of quote_request, repeated to agree to a big spend (needed when quote_request says needs_confirmation).
            runcomfy_api_key: your own RunComfy API key, to pay with it on a shared live studio (optional; used only when the studio runs live, never stored, logged or returned).
        Returns:
            {"job_ids": [...], "jobs": [...], "total_usd", "live": true|false}
        """
        owner, visitor = bounds.owner_key(owner_key), visitor_key(runcomfy_api_key)
        count = bounds.whole_number(takes, "takes", 1, bounds.MAX_JOBS_PER_ACTION)
        checked = self._request(model_id, request, visitor)
        total = price_request(checked.request, checked.live, variants=count).total
        check_confirmed(confirm_total_usd, total, count, self._big(total, count))
        call = (owner_id(owner), repr((checked.endpoint.model_id, checked.request, count)))
        self.recent.begin(*call)
        records: list[JobRecord] = []
        stopped: str | None = None
        try:
            budget = self.manager.studio.budget
            if budget is not None:  # the whole call at once: never a take or two and then a refusal
                budget.check(call[0], total)
            for n in range(1, count + 1):
                label = f"take {n} of {count}" if count > 1 else None
                records.append(self.manager.submit_request(checked.endpoint, checked.request, owner, visitor_token=visitor, label=label))
        except Exception as exc:
            if not records:
                if not isinstance(exc, SubmitUnknown):  # RunComfy may have taken that one: never again at once
                    self.recent.forget(*call)
                raise
            stopped = reason(exc)
        answer = {
            "job_ids": [r.job_id for r in records], "jobs": [_job(r) for r in records],
            "total_usd": usd_text(sum((Decimal(r.quote_usd) for r in records), Decimal(0))), "live": self.manager.studio.mode.live,
        }
        return answer | ({"stopped": f"{len(records)} of {count} submitted: {stopped}"} if stopped else {})

    # -- following ------------------------------------------------------------------------------
    @refusal
    def job_status(self, owner_key: str, job_id: str, runcomfy_api_key: str = "", request: gr.Request | None = None) -> dict[str, Any]:
        """Where one of your jobs is: submitting, queued (with its place in line), running, downloading, then succeeded (with a signed video_url to the MP4), failed (with RunComfy's reason), cancelled or unknown (a submit whose answer never came; never resubmitted).

        Args:
            owner_key: the private key the job was submitted with.
            job_id: a job id from generate_video.
            runcomfy_api_key: the key the job was paid with, if it was your own: needed only after the studio restarted while the job was unfinished, to follow it again (optional; never stored, logged or returned).
        Returns:
            {"job_id", "status", "stage", "queue_position", "model_id", "quote_usd", "cost_usd", "error", "finished", "video_url" (when succeeded)}
        """
        owner, job, visitor = bounds.owner_key(owner_key), bounds.identifier(job_id, "job_id"), visitor_key(runcomfy_api_key)
        record = self.manager.job(owner, job)
        if record is None:
            raise ValidationError([Problem("job_id", "no such job for this owner key")])
        if visitor and record.status in IN_FLIGHT:
            self.manager.attach(owner, visitor)  # live only: follows this owner's unfinished jobs again
        live = None
        if record.status in IN_FLIGHT:
            live = next((state for r, state in self.manager.jobs(owner, limit=200) if r.job_id == job), None)
        out = _job(record, live)
        if record.status == "succeeded" and record.files and not record.meta.get("deleted_at"):
            out["video_url"] = site_root(request) + self.signer.url(record)
        return out

    @refusal
    def list_my_videos(self, owner_key: str, limit: int = 20, request: gr.Request | None = None) -> dict[str, Any]:
        """Your finished videos, newest first, each with a signed video_url that downloads the MP4, and your finished storyboard films (one stitched MP4 each). Only your owner key lists them.

        Args:
            owner_key: your private key (the one your jobs were submitted with).
            limit: at most this many videos and this many films, 1-100.
        Returns:
            {"videos": [{"job_id", "model_id", "label", "prompt", "seconds", "quote_usd", "cost_usd", "created_at", "video_url"}], "films": [{"run_id", "title", "seconds", "finished_at", "clip_job_ids", "video_url"}]}
        """
        owner = bounds.owner_key(owner_key)
        count = bounds.whole_number(limit, "limit", 1, 100)
        root = site_root(request)
        records = [r for r, _ in self.manager.jobs(owner, limit=500)]
        runs = [r for r in self.manager.storyboard_runs(owner) if r.get("file")]
        films = story_films(runs, records, lambda run: root + self._film_path(run["run_id"], run["owner"]))
        videos = [
            {"job_id": r.job_id, "model_id": r.model_id, "label": r.meta.get("variant"), "prompt": prompt_text(r)[:500], "seconds": r.request.get("duration"),
             "quote_usd": r.quote_usd, "cost_usd": r.cost_usd, "created_at": r.created_at, "video_url": root + self.signer.url(r)}
            for r in shown_videos(records, films)[:count]
        ]
        shown = [
            {"run_id": f.run_id, "title": f.title, "seconds": f.seconds, "finished_at": f.finished_at, "clip_job_ids": [c.job_id for c in f.clips], "video_url": f.url}
            for f in films[:count]
        ]
        return {"videos": videos, "films": shown}

    def _film_path(self, run_id: str, owner: str) -> str:
        """A storyboard film's signed path (``owner`` is the journal's owner id)."""
        return f"/studio/story/{run_id}?sig={self.signer.signature(run_id, owner)}"

    # -- storyboards ----------------------------------------------------------------------------
    @refusal
    def plan_storyboard(self, storyboard: dict[str, Any]) -> dict[str, Any]:
        """Plan and price a storyboard of up to 2 minutes before anything runs: its shots are split, in order and at shot boundaries, into Kling clips of at most 15 s and 6 shots, each priced. Nothing is submitted.

        Args:
            storyboard: {"shots": [{"prompt": "the harbour at dawn", "duration": 5, "camera": "wide shot, slow push-in"}, ...], "tier": "standard"|"pro"|"4k", "audio": false, "continuity": true (each clip starts from the previous clip's last frame), "aspect_ratio": "16:9", "title": "Harbour"}; or a storyboard recipe.
        Returns:
            {"key", "title", "seconds", "clips": [{"clip", "seconds", "shots", "model_id", "chained"}], "items": [...], "total_usd", "needs_confirmation"}
        """
        board = self._board(storyboard)
        clips, price = plan(board), price_storyboard(board)
        shown = [{"clip": c.index, "seconds": c.seconds, "shots": len(c.shots), "model_id": c.endpoint.model_id, "chained": c.chained} for c in clips]
        return {"key": board.key, "title": board.title, "seconds": board.seconds, "clips": shown, **price.as_json(), "needs_confirmation": self._big(price.total, len(clips))}

    @refusal
    def start_storyboard(self, owner_key: str, storyboard: dict[str, Any], confirm_total_usd: str = "", runcomfy_api_key: str = "") -> dict[str, Any]:
        """Run a storyboard in the background: each clip is generated in turn (with continuity, from the previous clip's last frame) and the clips are stitched into one MP4; follow it with storyboard_progress. Starting the same storyboard again resumes it: finished clips are never paid for twice. Each clip is checked against the spending caps before it is submitted.

        Args:
            owner_key: your private key, any random text of up to 256 characters; the run and its film are listed under it.
            storyboard: the storyboard, as plan_storyboard takes it.
            confirm_total_usd: the total_usd of plan_storyboard, repeated to agree to a big spend (needed when plan_storyboard says needs_confirmation).
            runcomfy_api_key: your own RunComfy API key, to pay with it on a shared live studio (optional; never stored, logged or returned).
        Returns:
            {"run_id", "total_usd", "clips", "live"}
        """
        owner, visitor = bounds.owner_key(owner_key), visitor_key(runcomfy_api_key)
        board = self._board(storyboard)
        clips, total = len(plan(board)), price_storyboard(board).total
        check_confirmed(confirm_total_usd, total, clips, self._big(total, clips))
        run_id = self.manager.run_storyboard(board, owner, visitor_token=visitor)
        return {"run_id": run_id, "total_usd": usd_text(total), "clips": clips, "live": self.manager.studio.mode.live}

    @refusal
    def storyboard_progress(self, owner_key: str, run_id: str, request: gr.Request | None = None) -> dict[str, Any]:
        """Where one of your storyboard runs is ("clip 2 of 3: running"), each clip's status, and once stitched the film's signed video_url.

        Args:
            owner_key: the private key the storyboard was started with.
            run_id: a run id from start_storyboard.
        Returns:
            {"stage", "done", "error" (when it stopped), "seconds", "clips": [{"clip", "status", "quote_usd"}], "video_url" (when done)}
        """
        owner, run = bounds.owner_key(owner_key), bounds.identifier(run_id, "run_id")
        state = self.manager.storyboard_state(owner, run)
        if state is None:
            raise ValidationError([Problem("run_id", "no such storyboard for this owner key")])
        if state.pop("file", None):  # never a server path: the film at its signed URL
            state["video_url"] = site_root(request) + self._film_path(run, owner_id(owner))
        return state


def register_tools(manager: JobManager, signer: MediaSigner) -> AgentTools:
    """Add the tools to the Blocks being built, as public endpoints named as the tools.

    They are not queued: the MCP server then calls them in-process (no loopback through
    Gradio's client), and each returns at once (a generate submits; the job runs in the
    background)."""
    tools = AgentTools(manager, signer)
    for name in TOOL_NAMES:
        gr.api(getattr(tools, name), api_name=name, queue=False)
    return tools
