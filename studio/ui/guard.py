"""What Gradio hands the handlers: only this visitor's uploads, and values of the right kind.

A Gradio API caller can name any server path (or URL) in a file argument, and Gradio copies
what it names into its cache, which ``/gradio_api/file=`` serves. :class:`StudioBlocks` refuses
every file argument that is not in Gradio's upload folder before Gradio touches it, naming the
field; :func:`enforce_upload_checks` also turns on Gradio's own check (which ``launch()``
enables and a mount does not), and the handlers check again with :func:`uploaded_path` before
reading anything. A value Gradio cannot convert (a text file renamed ``.jpg``) is refused
naming its field ("start image: …"), never with Gradio's internal text and a server path.
Before Gradio's own conversion, each value is checked against its component (a choice among
the choices, a number within the slider, text for a text box), so a refusal names the field
in the studio's words and never echoes the value back. Refusals are in the visitor's language
(:mod:`studio.ui.translate`).
"""

from __future__ import annotations

import inspect
import logging
import math
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.exceptions import ComponentProcessingError
from gradio.utils import get_upload_folder
from PIL import Image

from studio.errors import Problem, ValidationError
from studio.images.limits import MAX_PIXELS
from studio.ui.i18n import language_of, t
from studio.ui.lang import current_lang, set_lang
from studio.ui.messages import error_title, plain
from studio.ui.translate import text

__all__ = ["StudioBlocks", "enforce_upload_checks", "is_upload", "request_lang", "upload_folder", "uploaded_path"]

log = logging.getLogger("studio.ui")


def upload_folder() -> Path:
    """Gradio's upload folder (``GRADIO_TEMP_DIR``), resolved."""
    return Path(get_upload_folder()).resolve()


def is_upload(path: Path) -> bool:
    """Whether ``path`` is a regular file inside Gradio's upload folder (links resolved)."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return False
    folder = upload_folder()
    return resolved.is_relative_to(folder) and resolved != folder and resolved.is_file() and not path.is_symlink()


def uploaded_path(value: Any, field: str) -> Path | None:
    """A file this visitor uploaded through Gradio, or None.

    Gradio hands handlers the path of an upload in its upload folder; a path anywhere else
    (a server file named by a caller) is refused, never read.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 4096:
        raise ValidationError([Problem(field, "upload the file from your computer")])
    path = Path(value)
    if not is_upload(path):
        log.warning("%s: refused a path outside the upload folder", field)
        raise ValidationError([Problem(field, "upload the file from your computer; files on the server are not accepted")])
    return path


def enforce_upload_checks(demo: gr.Blocks) -> None:
    """Make a mounted app check caller-supplied file paths as a launched one does.

    Gradio skips its "was this uploaded?" check of file arguments until ``has_launched`` is
    set, which only ``launch()`` does; ``mount_gradio_app`` never does.
    """
    demo.has_launched = True


# Element id -> the field's name in the studio's words.
FIELD_NAMES = {"start-image": "start image", "end-image": "end image", "recipe-file": "recipe", "duration": "clip length", "cfg": "creativity (cfg_scale)", "compare-tiers": "A/B tiers", "alt-prompt": "A/B prompt", "takes": "takes"}


def field_name(block: Any, parameter: str | None = None) -> str:
    """A component's name as a message shows it: from its element id, else the API parameter."""
    elem_id = getattr(block, "elem_id", None) or ""
    return FIELD_NAMES.get(elem_id) or elem_id.replace("-", " ") or parameter or "a form value"


def _parameter_name(block_fn: Any, index: int) -> str | None:
    """The name of the ``index``-th parameter of an API function (``owner_key``), if it has one."""
    try:
        names = [p.name for p in inspect.signature(block_fn.fn).parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    except (TypeError, ValueError):
        return None
    return names[index] if index < len(names) else None


def _file_payloads(value: Any, depth: int = 0) -> list[dict[str, Any]]:
    """The file entries (``{"path": …, "meta": {"_type": "gradio.FileData"}}``) inside a value."""
    if depth > 20:
        return []
    if isinstance(value, dict):
        if "path" in value or "url" in value:
            return [value]
        return [p for v in value.values() for p in _file_payloads(v, depth + 1)]
    if isinstance(value, list):
        return [p for v in value for p in _file_payloads(v, depth + 1)]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def value_problem(block: Any, value: Any, *, ranges: bool = True) -> str | None:
    """Why ``value`` cannot be a value of ``block`` (in the studio's words), or None.

    ``ranges``: also hold numbers to the slider's range. The page's own helper events (the cost
    note, the shot bar) see a number while it is being typed, out of range or not, and show the
    problem themselves; the actions (Generate and the API) refuse it.
    """
    if value is None:
        return None
    if isinstance(block, (gr.Image, gr.File)):
        payloads = _file_payloads(value)
        if not isinstance(value, dict) or not payloads:
            return "upload the file from your computer"
        for payload in payloads:
            path = payload.get("path")
            if not isinstance(path, str) or not is_upload(Path(path)):
                return "upload the file from your computer; files on the server and links are not accepted here."
        return None
    if _file_payloads(value):
        return "this field does not take a file"
    if isinstance(block, (gr.Radio, gr.Dropdown, gr.CheckboxGroup)):
        allowed = [choice[1] if isinstance(choice, tuple) else choice for choice in (block.choices or [])]
        items = value if isinstance(block, gr.CheckboxGroup) else [value]
        if not isinstance(items, list):
            return f"choose among {', '.join(map(str, allowed))}"
        if len(items) > len(allowed):
            return f"{len(items):,} items; choose at most {len(allowed)} of {', '.join(map(str, allowed))}"
        if any(not isinstance(v, (str, int, float)) or v not in allowed for v in items):
            return f"choose among {', '.join(map(str, allowed))}"
        return None
    if isinstance(block, (gr.Slider, gr.Number)):
        if not _is_number(value):
            return "must be a number"
        low, high = getattr(block, "minimum", None), getattr(block, "maximum", None)
        if not ranges:
            return None if abs(value) <= 1e9 else "is far out of range"
        if (low is not None and value < low) or (high is not None and value > high):
            return f"must be from {low:g} to {high:g}" if low is not None and high is not None else "is out of range"
        return None
    if isinstance(block, gr.Checkbox):
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(block, gr.Textbox):
        return None if isinstance(value, str) else "must be text"
    return None


def _clamped(block: Any, value: Any) -> Any:
    """A slider's number held to its range (other values as they are)."""
    if isinstance(block, gr.Slider) and _is_number(value):
        return min(max(value, block.minimum), block.maximum)
    return value


def request_lang(request: Any) -> str:
    """The language (``"en"``/``"zh"``) a request's ``Accept-Language`` asks for (the first of a batch)."""
    if isinstance(request, list):
        request = request[0] if request else None
    headers = getattr(request, "headers", None)
    getter = getattr(headers, "get", None)
    accept = getter("accept-language") if callable(getter) else None
    return language_of(accept if isinstance(accept, str) else None)


class StudioBlocks(gr.Blocks):
    """``gr.Blocks`` that checks every value against its component, and files against uploads,
    and makes each event's language (the request's ``Accept-Language``) the one
    :func:`~studio.ui.lang.current_lang` answers while it is handled."""

    async def process_api(self, block_fn: Any, inputs: list[Any], state: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> Any:
        # Every event (queued or not, a load, a helper, the API) passes here with its request,
        # before its values are checked; the handler, in Gradio's worker thread, gets a copy of
        # this context, so it sees the same language.
        set_lang(request_lang(request))
        return await super().process_api(block_fn, inputs, state, request, *args, **kwargs)

    async def preprocess_data(self, block_fn: Any, inputs: list[Any], state: Any, explicit_call: bool = False) -> Any:
        public = getattr(block_fn, "api_visibility", "public") != "private"
        if not public:  # the page's helpers see a number being typed within the slider's range
            inputs = [_clamped(block, value) for block, value in zip(block_fn.inputs, inputs, strict=False)]  # Gradio tolerates extra inputs
        for index, (block, value) in enumerate(zip(block_fn.inputs, inputs, strict=False)):
            problem = value_problem(block, value, ranges=public)
            if problem:
                name = field_name(block, _parameter_name(block_fn, index))
                log.info("%s: refused a value (%s)", name, problem)
                raise gr.Error(plain(text(f"{name}: {problem}", current_lang())), title=t("please_check"))
        try:
            return await super().preprocess_data(block_fn, inputs, state, explicit_call)
        except gr.Error:
            raise
        except ComponentProcessingError as exc:
            raise gr.Error(plain(str(exc)), title=t("please_check")) from None
        except Exception:
            log.exception("could not read the values of an event")
            raise gr.Error(t("unreadable_request"), title=error_title()) from None

    @staticmethod
    def _format_processing_error(block_fn: Any, index: int, block: Any, value: Any, is_input: bool, original_error: Exception) -> str:
        """What a visitor reads when Gradio cannot convert a value (Gradio's own text names server paths)."""
        log.info("%s: unreadable value (%s)", field_name(block), type(original_error).__name__)
        if isinstance(block, gr.Image) and isinstance(original_error, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
            english = (
                f"{field_name(block)}: declares an enormous picture size (a decompression bomb); "
                f"use a normal photo of at most {MAX_PIXELS / 1e6:.0f} megapixels"
            )
        elif isinstance(block, gr.Image):
            english = f"{field_name(block)}: this file is not a picture the studio can read. Use a JPEG, PNG or WebP image."
        elif isinstance(block, gr.File):
            english = f"{field_name(block)}: this file could not be read"
        else:
            english = f"{field_name(block)}: this value could not be read"
        return text(english, current_lang())
