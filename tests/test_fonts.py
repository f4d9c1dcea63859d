"""Chinese prompts in the offline animatics: the font chosen for a text has its glyphs, so a
Chinese card shows characters, not the empty boxes of a font without them.

Needs a CJK font (Debian: ``fonts-noto-cjk``, in ``packages.txt`` and ``.ci/run``). Without one
these tests skip and say why, except with ``STUDIO_REQUIRE_BROWSER=1`` (CI), where they fail.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from studio.media import fonts, render_cards
from studio.media.render import Card, render_animatic

ZH = "黎明时的港口，水面上薄雾弥漫"
ZH_OTHER = "海鸥在渔船上空盘旋，渔夫收网"  # as many characters, different ones
ROOT = Path(__file__).resolve().parents[1]


def require(reason: str | None) -> None:
    if reason is None:
        return
    if os.environ.get("STUDIO_REQUIRE_BROWSER") == "1":
        pytest.fail(f"STUDIO_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    print(f"\nskipping: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cjk() -> fonts.FontFace:
    face = fonts.font_for(ZH)
    require(None if face is not None and fonts.covers(face, ZH) else "no installed font covers Chinese (apt-get install fonts-noto-cjk)")
    assert face is not None
    return face


def drawn(text: str, face: fonts.FontFace | None = None, size: int = 32) -> Image.Image:
    font = fonts.load_font(size, text=text) if face is None else fonts._load(face, size)
    image = Image.new("L", (size * (len(text) + 2), size * 2), 0)
    ImageDraw.Draw(image).text((size // 2, size // 2), text, font=font, fill=255)
    return image


def ink(image: Image.Image) -> int:
    return sum(image.convert("L").histogram()[129:])


def test_latin_text_keeps_dejavu() -> None:
    face = fonts.font_for("Wide shot, slow push-in on a lighthouse at dusk.")
    if not (fonts.DEJAVU / "DejaVuSans.ttf").is_file():
        pytest.skip("DejaVu Sans is not installed")
    assert face is not None and face.path.name == "DejaVuSans.ttf"
    bold = fonts.font_for("Shot 1 of 3", bold=True)
    assert bold is not None and bold.path.name == "DejaVuSans-Bold.ttf"


def test_chinese_text_gets_a_font_that_covers_it(cjk: fonts.FontFace) -> None:
    assert cjk.path.name != "DejaVuSans.ttf"
    assert fonts.covers(cjk, ZH + "Kling 3.0, wide shot")  # mixed text: one font draws all of it
    bold = fonts.font_for(ZH, bold=True)
    assert bold is not None and fonts.covers(bold, ZH)


def test_chinese_glyphs_are_drawn_not_boxes(cjk: fonts.FontFace) -> None:
    one, other, empty = drawn(ZH), drawn(ZH_OTHER), drawn("")
    assert ink(empty) == 0 and ink(one) > 500
    # Different characters draw differently; with a font lacking them both are rows of boxes.
    assert ImageChops.difference(one, other).getbbox() is not None
    dejavu = fonts.FontFace(fonts.DEJAVU / "DejaVuSans.ttf")
    if dejavu.path.is_file():
        assert not fonts.covers(dejavu, ZH)
        assert ImageChops.difference(drawn(ZH, dejavu), drawn(ZH_OTHER, dejavu)).getbbox() is None  # tofu


def test_a_face_without_the_characters_is_not_chosen_over_one_with_them(cjk: fonts.FontFace) -> None:
    faces = fonts.installed_faces()
    first_covering = next(face for face in faces if fonts.covers(face, ZH))
    assert fonts.font_for(ZH) == first_covering


def _renderer_picks_fonts_by_text() -> bool:
    return "text" in inspect.signature(render_cards.load_font).parameters


def test_an_animatic_card_draws_a_chinese_prompt(cjk: fonts.FontFace) -> None:
    require(None if _renderer_picks_fonts_by_text() else "studio.media.render_cards.load_font does not choose its font by the text yet (wire studio.media.fonts.load_font)")
    size = (640, 360)
    blank = render_cards.draw_card("镜头 1/1 · 0–5 秒", "", size)
    one = render_cards.draw_card("镜头 1/1 · 0–5 秒", ZH, size)
    other = render_cards.draw_card("镜头 1/1 · 0–5 秒", ZH_OTHER, size)
    body = ImageChops.difference(one, blank).getbbox()
    assert body is not None  # text pixels where the prompt is
    assert body[1] > size[1] * 0.2  # below the title, in the body
    assert ImageChops.difference(one, other).getbbox() is not None  # glyphs, not the same boxes


def test_a_chinese_animatic_renders(cjk: fonts.FontFace, tmp_path: Path) -> None:
    require(None if _renderer_picks_fonts_by_text() else "studio.media.render_cards.load_font does not choose its font by the text yet (wire studio.media.fonts.load_font)")
    import av

    out = tmp_path / "zh.mp4"
    render_animatic([Card("镜头 1/1", ZH, 1)], out, short_side=180, fps=8)
    with av.open(str(out)) as container:
        frame = next(f for i, f in enumerate(container.decode(video=0)) if i == 4).to_image().convert("L")
    blank_path = tmp_path / "blank.mp4"
    render_animatic([Card("镜头 1/1", "", 1)], blank_path, short_side=180, fps=8)
    with av.open(str(blank_path)) as container:
        blank = next(f for i, f in enumerate(container.decode(video=0)) if i == 4).to_image().convert("L")
    difference = ImageChops.difference(frame, blank).point(lambda v: 255 if v > 60 else 0)
    assert ink(difference) > 50


def test_the_font_package_is_installed_on_spaces_and_in_ci() -> None:
    packages = (ROOT / "packages.txt").read_text(encoding="utf-8").split()
    assert "fonts-noto-cjk" in packages
    assert "fonts-noto-cjk" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
