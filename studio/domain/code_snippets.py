"""Copy as code: the jobs one form sends, as three snippets a person can run. Pure: no I/O.

For the same jobs, :func:`code_snippets` writes

- the RunComfy CLI's ``runcomfy run MODEL --input JSON --output-dir DIR``, with the JSON in the
  Kling 3.0 skill's field names (``image_url``, ``tail_image_url``, ``generate_audio``,
  ``prompt_segments``), since the skill documents those (:func:`skill_input`);
- the studio's own ``python -m studio run`` with the same arguments (it reads either
  vocabulary), plus ``--offline`` when the studio runs on its simulator;
- a ``gradio_client`` script that submits the same request to a running studio's
  ``/generate_video`` endpoint, follows each job with ``/job_status`` and saves the MP4s.

The JSON always states the clip length and the audio switch (RunComfy's own defaults differ
from the studio's: audio on, image-to-video 10 s), so every snippet pays what the page quotes.
Shots, the audio description and the identity anchor are folded as the studio folds them, so
each snippet sends the body the studio would send. A file uploaded in the studio cannot be named
in a command: such an image appears as a placeholder URL with a comment saying so. No snippet
ever holds a token; they name the environment variable instead.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.domain.catalog import Endpoint, find_endpoint
from studio.domain.models import GenerationRequest
from studio.domain.payload import wire_prompt
from studio.domain.prompts import multi_prompt_items
from studio.domain.schema import field_for, resolved_duration

__all__ = [
    "CodeJob",
    "IMAGE_PLACEHOLDERS",
    "NOTES",
    "OUTPUT_DIR",
    "SnippetOptions",
    "Snippets",
    "code_snippets",
    "skill_input",
    "snippets_for",
]

# Where every snippet saves its videos (relative to where it is run).
OUTPUT_DIR = "kling-videos"
DEFAULT_STUDIO_URL = "http://127.0.0.1:7860"
# Stand-ins for images the form holds only as uploads (or not yet at all).
IMAGE_PLACEHOLDERS: Mapping[str, str] = {"start_image_url": "https://…/start.png", "end_image_url": "https://…/end.png"}
_SKILL_IMAGE_NAMES = {"start_image_url": "image_url", "end_image_url": "tail_image_url"}

# The comment lines, in English; the page passes its visitor's language (studio.ui.code_view).
NOTES: Mapping[str, str] = {
    "runcomfy": "The RunComfy CLI (npm i -g @runcomfy/cli), signed in with `runcomfy login` or RUNCOMFY_TOKEN set.",
    "runcomfy_names": "Field names as the Kling 3.0 skill documents them; `python -m studio payload` prints RunComfy's own.",
    "studio": "Kling Studio's command line, run from the studio's folder.",
    "studio_offline": "Offline: a local animatic, nothing charged. Without --offline it runs live with RUNCOMFY_TOKEN.",
    "studio_live": "Live on RunComfy with RUNCOMFY_TOKEN (or `runcomfy login`); add --offline for a free local preview.",
    "python": "This studio's API through gradio_client (pip install gradio_client), while the studio runs.",
    "python_owner": "Your private owner key: the jobs are listed under it only (not in a browser's gallery). Keep it.",
    "python_key": "Your own RunComfy key, read from the environment (never written here).",
    "confirm": "Agrees to this spend, as the page's confirmation does.",
    "image": "{name}: a file on your computer cannot be named in a command; put a public https URL of the image here.",
    "takes": "{n} takes of the same request.",
}


@dataclass(frozen=True)
class CodeJob:
    """One distinct job of a click: its endpoint and request, and how many takes of it."""

    model_id: str
    request: GenerationRequest
    label: str = ""  # "tier pro · prompt B" when one click sends several different jobs
    takes: int = 1
    confirm_total_usd: str = ""  # the total the studio asks to agree to first ("6.72"), if it asks


@dataclass(frozen=True)
class SnippetOptions:
    """How the snippets are written for this studio and this visitor."""

    offline: bool = False
    studio_url: str = DEFAULT_STUDIO_URL
    # The images ("start_image_url", "end_image_url") the form has only as uploads.
    uploads: frozenset[str] = frozenset()
    # Pay with the visitor's own RunComfy key (a shared live studio that lends no token).
    visitor_key: bool = False
    notes: Mapping[str, str] = field(default_factory=lambda: NOTES)


@dataclass(frozen=True)
class Snippets:
    """The three snippets, each runnable as shown."""

    runcomfy: str
    studio: str
    python: str


def _endpoint(model_id: str) -> Endpoint:
    found = find_endpoint(model_id)
    if found is None:
        raise ValueError(f"{model_id!r} is not a Kling 3.0 endpoint")
    return found


def _images(request: GenerationRequest, endpoint: Endpoint, uploads: frozenset[str]) -> dict[str, str]:
    """Each image concept the command names, by concept: its https URL, else a placeholder."""
    images: dict[str, str] = {}
    for concept, placeholder in IMAGE_PLACEHOLDERS.items():
        if field_for(concept, endpoint) is None:
            continue
        url = getattr(request, concept)
        needed = concept == "start_image_url" or concept in uploads
        if url and concept not in uploads:
            images[concept] = url.strip()
        elif needed:
            images[concept] = placeholder
    return images


def skill_input(request: GenerationRequest, model_id: str, uploads: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The ``--input`` JSON in the skill's field names: what the studio would send, said so.

    The prompt is the one sent (shots numbered into it, the identity anchor added); shots are
    ``prompt_segments`` of ``{prompt, duration}``; duration and audio are always stated.
    """
    ep = _endpoint(model_id)
    data: dict[str, Any] = {"prompt": wire_prompt(request, ep)}
    if request.shots and field_for("shots", ep):
        data["prompt_segments"] = multi_prompt_items(request.shots)
    for concept, url in _images(request, ep, uploads).items():
        data[_SKILL_IMAGE_NAMES[concept]] = url
    if request.negative_prompt:
        data["negative_prompt"] = request.negative_prompt
    data["duration"] = resolved_duration(request, ep)
    if request.aspect_ratio is not None:
        data["aspect_ratio"] = request.aspect_ratio
    if request.cfg_scale is not None:
        data["cfg_scale"] = request.cfg_scale
    data["generate_audio"] = request.audio_on
    if request.seed is not None:
        data["seed"] = request.seed
    if request.shot_type is not None and not request.shots:
        data["shot_type"] = request.shot_type
    return data


# -- the shell commands ------------------------------------------------------------------


def _comments(*lines: str) -> list[str]:
    return [f"# {line}" for line in lines if line]


def _image_notes(job: CodeJob, options: SnippetOptions) -> list[str]:
    """One comment per image the command names only by a placeholder."""
    ep = _endpoint(job.model_id)
    shown = _images(job.request, ep, options.uploads)
    return [
        options.notes["image"].format(name=_SKILL_IMAGE_NAMES[concept])
        for concept, url in shown.items()
        if url == IMAGE_PLACEHOLDERS[concept]
    ]


def _command(program: str, job: CodeJob, options: SnippetOptions, tail: str = "") -> list[str]:
    """``program MODEL --input '{…}' --output-dir DIR``, over lines as the skill writes it."""
    data = skill_input(job.request, job.model_id, options.uploads)
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    lines = [
        f"{program} {shlex.quote(job.model_id)} \\",
        f"  --input {shlex.quote(text)} \\",
        f"  --output-dir {OUTPUT_DIR}{tail}",
    ]
    if job.takes > 1:
        body = "\n".join("  " + line for line in "\n".join(lines).split("\n"))
        lines = [f"for take in {' '.join(str(n) for n in range(1, job.takes + 1))}; do", body, "done"]
    return lines


def _shell(jobs: Sequence[CodeJob], options: SnippetOptions, program: str, header: list[str], tail: str = "") -> str:
    blocks = ["\n".join(_comments(*header))]
    for job in jobs:
        notes = [job.label, options.notes["takes"].format(n=job.takes) if job.takes > 1 else "", *_image_notes(job, options)]
        blocks.append("\n".join([*_comments(*notes), *_command(program, job, options, tail)]))
    return "\n\n".join(blocks) + "\n"


# -- the gradio_client script ------------------------------------------------------------


def _py(value: Any, indent: str = "") -> str:
    """A Python literal for a JSON value, one key per line for an object."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, dict):
        inner = indent + "    "
        items = "".join(f"{inner}{json.dumps(k, ensure_ascii=False)}: {_py(v, inner)},\n" for k, v in value.items())
        return "{\n" + items + indent + "}"
    if isinstance(value, list):
        inner = indent + "    "
        return "[\n" + "".join(f"{inner}{_py(v, inner)},\n" for v in value) + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def _python_call(job: CodeJob, options: SnippetOptions) -> list[str]:
    notes = options.notes
    args = [
        "    owner_key=owner_key,",
        f"    model_id={json.dumps(job.model_id)},",
        f"    request={_py(skill_input(job.request, job.model_id, options.uploads), '    ')},",
        f"    takes={job.takes},",
    ]
    if job.confirm_total_usd:
        args.append(f"    confirm_total_usd={json.dumps(job.confirm_total_usd)},  # {notes['confirm']}")
    if options.visitor_key:
        args.append(f'    runcomfy_api_key=os.environ["RUNCOMFY_TOKEN"],  # {notes["python_key"]}')
    notes_lines = _comments(job.label, *_image_notes(job, options))
    return [*notes_lines, "job_ids += client.predict(", *args, '    api_name="/generate_video",', ')["job_ids"]']


_FOLLOW = f"""
out = Path({json.dumps(OUTPUT_DIR)})
out.mkdir(exist_ok=True)
for job_id in job_ids:
    status = client.predict(owner_key=owner_key, job_id=job_id, api_name="/job_status")
    while not status["finished"]:
        time.sleep(2)
        status = client.predict(owner_key=owner_key, job_id=job_id, api_name="/job_status")
    if status["status"] != "succeeded":
        raise SystemExit(f"{{job_id}}: {{status['status']}}: {{status.get('error')}}")
    urllib.request.urlretrieve(status["video_url"], out / f"{{job_id}}.mp4")
    print(out / f"{{job_id}}.mp4")
"""


def _python(jobs: Sequence[CodeJob], options: SnippetOptions) -> str:
    notes = options.notes
    lines = [
        *_comments(notes["python"]),
        "import os",
        "import secrets",
        "import time",
        "import urllib.request",
        "from pathlib import Path",
        "",
        "from gradio_client import Client",
        "",
        f"client = Client({json.dumps(options.studio_url or DEFAULT_STUDIO_URL)}, verbose=False)",
        *_comments(notes["python_owner"]),
        'owner_key = os.environ.get("STUDIO_OWNER_KEY") or secrets.token_urlsafe(24)',
        "job_ids = []",
    ]
    for job in jobs:
        lines += _python_call(job, options)
    return "\n".join(lines) + "\n" + _FOLLOW


def code_snippets(jobs: Sequence[CodeJob], options: SnippetOptions | None = None) -> Snippets:
    """The three snippets for ``jobs`` (one click's distinct jobs, in order)."""
    options = options or SnippetOptions()
    notes = options.notes
    studio_header = [notes["studio"], notes["studio_offline" if options.offline else "studio_live"]]
    return Snippets(
        runcomfy=_shell(jobs, options, "runcomfy run", [notes["runcomfy"], notes["runcomfy_names"]]),
        studio=_shell(jobs, options, "python -m studio run", studio_header, " --offline" if options.offline else ""),
        python=_python(jobs, options),
    )


def snippets_for(model_id: str, request: GenerationRequest, options: SnippetOptions | None = None, *, takes: int = 1) -> Snippets:
    """The three snippets for one request on one endpoint."""
    return code_snippets([CodeJob(model_id, request, takes=takes)], options)
