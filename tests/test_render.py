"""The MP4 renderer: real encodes with the bundled ffmpeg, checked independently with PyAV."""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import av
import pytest
from PIL import Image, ImageStat

from studio.errors import StudioError
from studio.media import render, render_cards
from studio.media.render import (
    Card,
    RenderError,
    VideoInfo,
    frame_size,
    probe,
    render_animatic,
    render_image_motion,
)

CARDS = (
    Card("Shot 1 of 3 · 0.0–1.0 s", "Wide shot, slow push-in on a lighthouse at dusk.", 1),
    Card("Shot 2 of 3 · 1.0–3.0 s", "Close-up: the keeper's hands on the brass rail. " * 12, 2),
    Card("Shot 3 of 3 · 3.0–4.0 s", "", 1),
)
RATIOS = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0}


def pyav_facts(path: Path) -> dict[str, object]:
    """Duration, size, codecs and frame count, read with PyAV (independent of studio.media.render.probe)."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        return {
            "duration": container.duration / av.time_base,
            "width": video.width,
            "height": video.height,
            "codec": video.codec_context.name,
            "audio": [stream.codec_context.name for stream in container.streams.audio],
        }


def first_and_last_frames(path: Path) -> tuple[Image.Image, Image.Image]:
    with av.open(str(path)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
    return frames[0], frames[-1]


def mean_rgb(image: Image.Image) -> tuple[float, ...]:
    return tuple(ImageStat.Stat(image.convert("RGB")).mean)


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("images")
    gradient = Image.linear_gradient("L").resize((1200, 800)).convert("RGB")
    gradient.save(folder / "landscape.jpg", quality=90)
    Image.new("RGB", (600, 900), (30, 60, 200)).save(folder / "portrait.png")
    Image.new("RGB", (640, 480), (220, 40, 30)).save(folder / "red.jpg")
    Image.new("RGB", (3000, 300), (90, 90, 90)).save(folder / "banner.png")
    line = Image.new("RGB", (540, 360), (0, 0, 0))
    line.paste((255, 255, 255), (100, 0, 104, 360))
    line.save(folder / "line.png")
    exif = Image.Exif()
    exif[0x0112] = 6  # EXIF orientation: rotate 90° to display upright
    Image.new("RGB", (1200, 800), (120, 200, 90)).save(folder / "rotated.jpg", exif=exif)
    (folder / "notes.txt").write_text("this is not an image\n")
    return {p.stem: p for p in folder.iterdir()}


@pytest.mark.parametrize(
    ("ratio", "height", "expected"),
    [("16:9", 360, (640, 360)), ("9:16", 360, (360, 640)), ("1:1", 360, (360, 360)), ("16:9", 720, (1280, 720))],
)
def test_frame_size(ratio: str, height: int, expected: tuple[int, int]) -> None:
    assert frame_size(ratio, height) == expected


def test_frame_size_rejects_unknown_ratio() -> None:
    with pytest.raises(ValueError, match="21:9"):
        frame_size("21:9")


@pytest.mark.parametrize("seconds", [0, -1, 1.5, True])
def test_card_needs_whole_seconds(seconds: object) -> None:
    with pytest.raises(ValueError):
        Card("t", "x", seconds)  # type: ignore[arg-type]


@pytest.mark.parametrize("audio", [False, True], ids=["silent", "audio"])
@pytest.mark.parametrize("ratio", list(RATIOS))
def test_animatic(tmp_path: Path, ratio: str, audio: bool) -> None:
    out = tmp_path / "nested" / "animatic.mp4"
    info = render_animatic(CARDS, out, aspect_ratio=ratio, audio=audio)

    facts = pyav_facts(out)
    assert facts["duration"] == pytest.approx(4.0, abs=0.1)
    assert facts["codec"] == "h264"
    assert facts["audio"] == (["aac"] if audio else [])
    width, height = facts["width"], facts["height"]
    assert isinstance(width, int) and isinstance(height, int)
    assert width % 2 == 0 and height % 2 == 0 and min(width, height) == 360
    assert width / height == pytest.approx(RATIOS[ratio], rel=0.01)
    assert info == VideoInfo(info.duration, width, height, audio, "h264", fps=24.0)
    assert info.duration == pytest.approx(4.0, abs=0.1)
    assert [p.name for p in out.parent.iterdir()] == ["animatic.mp4"]  # no temp file left behind


def test_animatic_shows_each_card(tmp_path: Path) -> None:
    cards = (Card("Shot 1 of 2", "first", 1), Card("Shot 2 of 2", "second", 1))
    out = tmp_path / "two.mp4"
    render_animatic(cards, out, short_side=180)
    with av.open(str(out)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
    assert len(frames) == 48
    middle_1, middle_2 = mean_rgb(frames[12]), mean_rgb(frames[36])  # the cards have different hues
    assert max(abs(a - b) for a, b in zip(middle_1, middle_2, strict=True)) > 2


def test_animatic_needs_cards(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_animatic([], tmp_path / "x.mp4")


def test_image_motion_follows_landscape_start(tmp_path: Path, images: dict[str, Path]) -> None:
    out = tmp_path / "motion.mp4"
    info = render_image_motion(images["landscape"], out, seconds=2)
    facts = pyav_facts(out)
    assert facts["duration"] == pytest.approx(2.0, abs=0.1)
    assert (facts["width"], facts["height"]) == (540, 360)  # 1200x800 is 3:2
    assert facts["codec"] == "h264" and facts["audio"] == []
    assert (info.width, info.height, info.has_audio) == (540, 360, False)
    first, last = first_and_last_frames(out)
    assert first.size == last.size == (540, 360)


def test_image_motion_fades_to_end_image(tmp_path: Path, images: dict[str, Path]) -> None:
    out = tmp_path / "fade.mp4"
    info = render_image_motion(images["portrait"], out, seconds=3, end=images["red"], audio=True)
    facts = pyav_facts(out)
    assert facts["duration"] == pytest.approx(3.0, abs=0.1)
    assert (facts["width"], facts["height"]) == (360, 540)  # the start image's 2:3, not the end's 4:3
    assert facts["audio"] == ["aac"] and info.has_audio
    first, last = first_and_last_frames(out)
    r0, _, b0 = mean_rgb(first)
    r1, _, b1 = mean_rgb(last)
    assert b0 > 150 and r0 < 80  # starts on the blue start image
    assert r1 > 150 and b1 < 80  # ends on the red end image


def line_positions(path: Path) -> list[float]:
    """Sub-pixel x of the bright vertical line in each frame (intensity centroid of a middle band)."""
    positions = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            band = frame.to_image().convert("L").crop((0, 170, frame.width, 190)).resize((frame.width, 1))
            weights = [max(0, band.getpixel((x, 0)) - 20) for x in range(frame.width)]  # type: ignore[operator]
            positions.append(sum(x * w for x, w in enumerate(weights)) / sum(weights))
    return positions


def test_image_motion_zooms_smoothly(tmp_path: Path, images: dict[str, Path]) -> None:
    out = tmp_path / "zoom.mp4"
    render_image_motion(images["line"], out, seconds=2)
    xs = line_positions(out)
    assert len(xs) == 48
    assert xs[0] == pytest.approx(101.5, abs=0.5) and xs[-1] < xs[0] - 10  # moved out from the centre
    steps = [b - a for a, b in pairwise(xs)]
    assert all(step < 0.05 for step in steps)  # never steps back (zoompan's whole-pixel jitter would)
    assert max(-step for step in steps) < 1.5  # and never jumps


def test_image_motion_honours_exif_rotation(tmp_path: Path, images: dict[str, Path]) -> None:
    info = render_image_motion(images["rotated"], tmp_path / "upright.mp4", seconds=1)
    assert (info.width, info.height) == (360, 540)


def test_image_motion_clamps_extreme_aspect(tmp_path: Path, images: dict[str, Path]) -> None:
    info = render_image_motion(images["banner"], tmp_path / "banner.mp4", seconds=1, short_side=120)
    assert (info.width, info.height) == (300, 120)  # 10:1 clamped to 2.5:1
    assert pyav_facts(tmp_path / "banner.mp4")["duration"] == pytest.approx(1.0, abs=0.1)


def test_probe_agrees_with_pyav(tmp_path: Path) -> None:
    out = tmp_path / "probe.mp4"
    render_animatic(CARDS[:1], out, aspect_ratio="9:16", audio=True, short_side=240)
    info = probe(out)
    facts = pyav_facts(out)
    assert info.duration == pytest.approx(facts["duration"], abs=0.05)
    assert (info.width, info.height) == (facts["width"], facts["height"]) == (240, 426)
    assert info.has_audio is True and info.video_codec == facts["codec"] == "h264"


def test_corrupt_start_image_raises_and_leaves_no_output(tmp_path: Path, images: dict[str, Path]) -> None:
    out = tmp_path / "out.mp4"
    with pytest.raises(RenderError):
        render_image_motion(images["notes"], out, seconds=1)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_failed_render_keeps_previous_output(tmp_path: Path, images: dict[str, Path]) -> None:
    out = tmp_path / "out.mp4"
    out.write_bytes(b"previous")
    with pytest.raises(RenderError):
        render_image_motion(images["landscape"], out, seconds=1, end=tmp_path / "missing.png")
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


def test_an_ffmpeg_run_past_its_timeout_is_killed_and_named(tmp_path: Path) -> None:
    from studio.media.render import run_ffmpeg
    from studio.media.stitch import last_frame

    endless = ["-f", "lavfi", "-i", "testsrc=size=64x64:rate=25", "-f", "null", "-"]
    with pytest.raises(RenderError, match=r"did not finish within 0\.2 s"):
        run_ffmpeg(endless, timeout=0.2)
    clip = tmp_path / "clip.mp4"
    render_animatic(CARDS[:1], clip, short_side=64, fps=8)
    with pytest.raises(RenderError, match="did not finish within 1e-06 s"):
        last_frame(clip, tmp_path / "last.png", timeout=0.000001)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]  # no partial left behind
    assert last_frame(clip, tmp_path / "last.png", timeout=30).stat().st_size > 0


@pytest.mark.parametrize("name", ["notes", "portrait", "missing"])
def test_probe_rejects_non_videos(images: dict[str, Path], name: str) -> None:
    path = images.get(name, images["notes"].with_name("missing.mp4"))
    with pytest.raises(RenderError) as caught:
        probe(path)
    assert isinstance(caught.value, StudioError)


def test_long_text_is_wrapped_within_the_card() -> None:
    font = render_cards.load_font(20)
    lines = render_cards.wrap_text("a" * 300 + " tail words here", font, 200)
    assert len(lines) > 3 and all(font.getlength(line) <= 200 for line in lines)
    card = render_cards.draw_card("Shot 1 of 1 · 0.0–5.0 s", "word " * 600, (640, 360))
    assert card.size == (640, 360) and card.mode == "RGB"


def test_cards_draw_without_dejavu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    render_cards.load_font.cache_clear()
    monkeypatch.setattr(render_cards, "FONT_DIR", tmp_path / "no-fonts")
    try:
        card = render_cards.draw_card("Shot 1", "a bare machine still gets readable text", (360, 360))
        assert card.size == (360, 360)
    finally:
        render_cards.load_font.cache_clear()


@pytest.mark.parametrize("module", [render, render_cards])
def test_renderer_imports_neither_pyav_nor_network_nor_ui(module: ModuleType) -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert not imported & {"av", "httpx", "gradio"}
