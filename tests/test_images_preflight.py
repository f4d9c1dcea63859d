"""Preflight of start/end images against a corpus of hostile and awkward files made here.

Each file either becomes a clean, correct PreparedImage (checked by reopening the output) or is
refused with a specific UploadError; a refused file never reaches the publish step.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from studio.errors import UploadError
from studio.images import PreparedImage, prepare_image
from studio.images.limits import MAX_OUTPUT_BYTES

AUTHOR = "Jane Q. Photographer"
CAMERA = "SecretCam 9000"


# -- file makers ---------------------------------------------------------------------------
def _noise(size: tuple[int, int], seed: int = 1, *, dense: bool = False) -> Image.Image:
    """A sparse texture, or with ``dense`` incompressible noise. Both are seeded: random bytes
    drawn afresh could hold a metadata needle (b"sRGB", the author...) by chance in the encoded
    file and fail the cleanliness check about once in a hundred runs."""
    w, h = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(w * h * 3) if dense else bytes(_pattern(w * h * 3, seed)))


def _pattern(n: int, seed: int) -> bytearray:
    out = bytearray(n)
    x = seed * 2654435761 & 0xFFFFFFFF
    for i in range(0, n, 97):  # cheap deterministic texture, compressible enough to stay small
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = x >> 24
    return out


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_raw(width: int, height: int, bit_depth: int, colour: int, rows: bytes | None, *, level: int = 9) -> bytes:
    """A PNG written by hand; ``rows=None`` streams all-zero rows (a tiny file with a huge image)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    if rows is None:
        channels = {0: 1, 2: 3, 6: 4}[colour]
        row = bytes(1 + width * channels * bit_depth // 8)
        packer = zlib.compressobj(level)
        parts = [packer.compress(row) for _ in range(height)]
        idat = b"".join(parts) + packer.flush()
    else:
        idat = zlib.compress(rows, level)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = CAMERA
    exif[0x013B] = AUTHOR  # Artist
    exif[0x8298] = f"(c) {AUTHOR}"  # Copyright
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 22.0, 7.5), 3: "E", 4: (4.0, 53.0, 2.1)})
    return exif


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _xmp() -> bytes:
    return (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
        + AUTHOR.encode()
        + b"</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def _jpeg(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, **params)
    return buffer.getvalue()


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


class Publisher:
    """A stand-in publish step that records what reached it."""

    def __init__(self) -> None:
        self.published: list[PreparedImage] = []

    def run(self, src: Path, out: Path, **kwargs) -> PreparedImage:
        prepared = prepare_image(src, role=kwargs.pop("role", "start"), out_dir=out, **kwargs)
        self.published.append(prepared)
        return prepared


def assert_clean(prepared: PreparedImage) -> Image.Image:
    """The output reopens as a plain RGB image of the stated size and type, with no metadata."""
    raw = prepared.path.read_bytes()
    assert len(raw) == prepared.size_bytes <= MAX_OUTPUT_BYTES
    with Image.open(prepared.path) as image:
        image.load()
        assert image.size == (prepared.width, prepared.height)
        assert image.mode == "RGB"
        assert Image.MIME[image.format] == prepared.content_type
        exif = image.getexif()
        assert not exif and not exif.get_ifd(0x8825), "EXIF or GPS survived"
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Author", "Comment", "transparency"):
            assert key not in image.info, f"{key} survived"
        copy = image.copy()
    for needle in (AUTHOR.encode(), CAMERA.encode(), b"Exif\x00", b"xmpmeta", b"<script", b"PK\x03\x04", b"sRGB"):
        assert needle not in raw, f"{needle!r} survived"
    assert "metadata removed" in prepared.notes
    return copy


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


# -- accepted, cleaned -------------------------------------------------------------------
def test_exif_rotated_portrait_is_turned_upright_and_stripped(tmp_path):
    stored = Image.new("RGB", (800, 600), (20, 40, 200))
    stored.paste((255, 0, 0), (0, 0, 100, 100))  # stored top-left
    src = _write(tmp_path, "portrait.jpg", _jpeg(stored, exif=_exif(orientation=6), icc_profile=_icc(), xmp=_xmp()))
    with Image.open(src) as check:  # the corpus really carries the metadata
        assert check.getexif()[0x0110] == CAMERA and check.getexif().get_ifd(0x8825)[2] == (52.0, 22.0, 7.5)
        assert check.info.get("icc_profile") and check.info.get("xmp")
    publisher = Publisher()
    prepared = publisher.run(src, tmp_path / "out")
    image = assert_clean(prepared)
    assert (prepared.width, prepared.height) == (600, 800)  # orientation 6: turned a quarter clockwise
    assert close(image.getpixel((599 - 20, 20)), (255, 0, 0))  # stored top-left is now top-right
    assert "rotated per EXIF" in prepared.notes
    assert prepared.source_format == "JPEG" and prepared.content_type == "image/jpeg"
    assert prepared.path.name.startswith("start-") and "portrait" not in prepared.path.name


def test_png_text_chunks_and_exif_are_removed(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    info.add_itxt("Comment", f"shot with {CAMERA}")
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (10, 200, 10)).save(buffer, "PNG", pnginfo=info, exif=_exif(), icc_profile=_icc())
    prepared = prepare_image(_write(tmp_path, "a.png", buffer.getvalue()), role="start", out_dir=tmp_path / "o")
    assert_clean(prepared)
    assert prepared.content_type == "image/png" and prepared.source_format == "PNG"


def test_cmyk_jpeg_becomes_rgb_with_the_right_colour(tmp_path):
    src = _write(tmp_path, "print.jpg", _jpeg(Image.new("CMYK", (640, 480), (0, 255, 255, 0))))
    prepared = prepare_image(src, role="start", out_dir=tmp_path / "o")
    image = assert_clean(prepared)
    assert close(image.getpixel((320, 240)), (255, 0, 0), 20)
    assert "converted CMYK to RGB" in prepared.notes


def test_16_bit_grayscale_png_is_scaled_not_clipped(tmp_path):
    buffer = io.BytesIO()
    Image.new("I;16", (640, 480), 32768).save(buffer, "PNG")
    prepared = prepare_image(_write(tmp_path, "deep.png", buffer.getvalue()), role="start", out_dir=tmp_path / "o")
    image = assert_clean(prepared)
    assert close(image.getpixel((1, 1)), (128, 128, 128), 2)
    assert "converted 16-bit to 8-bit" in prepared.notes


def test_16_bit_rgb_png(tmp_path):
    rows = b"".join(b"\x00" + struct.pack(">HHH", 65535, 32768, 0) * 400 for _ in range(300))
    src = _write(tmp_path, "deep-rgb.png", _png_raw(400, 300, 16, 2, rows))
    prepared = prepare_image(src, role="start", out_dir=tmp_path / "o")
    image = assert_clean(prepared)
    assert close(image.getpixel((5, 5)), (255, 128, 0), 2)
    assert "converted 16-bit to 8-bit" in prepared.notes


def test_palette_png_with_transparency_is_flattened_onto_white(tmp_path):
    image = Image.new("P", (600, 400), 0)
    image.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    image.paste(1, (0, 0, 300, 400))  # left half red, right half index 0 = transparent
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0, pnginfo=info)
    prepared = prepare_image(_write(tmp_path, "logo.png", buffer.getvalue()), role="start", out_dir=tmp_path / "o")
    out = assert_clean(prepared)
    assert out.getpixel((100, 200)) == (200, 30, 30)
    assert out.getpixel((500, 200)) == (255, 255, 255)
    assert "flattened transparency onto white" in prepared.notes
    assert "converted palette image to RGB" in prepared.notes


def test_rgba_webp_is_accepted_and_flattened(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGBA", (640, 360), (0, 0, 255, 0)).save(buffer, "WEBP", lossless=True)
    prepared = prepare_image(_write(tmp_path, "x.webp", buffer.getvalue()), role="start", out_dir=tmp_path / "o")
    assert prepared.source_format == "WEBP"
    assert assert_clean(prepared).getpixel((10, 10)) == (255, 255, 255)


def test_png_named_jpg_is_accepted_and_the_note_says_so(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), "white").save(buffer, "PNG")
    prepared = prepare_image(_write(tmp_path, "photo.jpg", buffer.getvalue()), role="start", out_dir=tmp_path / "o")
    assert prepared.source_format == "PNG"
    assert "the file is really a PNG (named .jpg)" in prepared.notes


def test_jpeg_zip_html_polyglot_is_re_encoded_without_its_payload(tmp_path):
    payload = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
    jpeg = _jpeg(Image.new("RGB", (640, 360), (90, 90, 90)), comment=b"<script>alert(1)</script>")
    src = _write(tmp_path, "poly.jpg", jpeg + payload.getvalue())
    assert zipfile.is_zipfile(src)  # really both a JPEG and a ZIP
    prepared = prepare_image(src, role="start", out_dir=tmp_path / "o")
    assert_clean(prepared)
    assert not zipfile.is_zipfile(prepared.path)


def test_multi_picture_jpeg_from_a_camera_uses_the_main_picture(tmp_path):
    buffer = io.BytesIO()
    main, preview = Image.new("RGB", (640, 480), (250, 0, 0)), Image.new("RGB", (320, 240), (0, 0, 250))
    main.save(buffer, "MPO", save_all=True, append_images=[preview])
    prepared = prepare_image(_write(tmp_path, "DSC0001.JPG", buffer.getvalue()), role="start", out_dir=tmp_path / "o")
    image = assert_clean(prepared)
    assert (prepared.width, prepared.height) == (640, 480) and prepared.source_format == "JPEG"
    assert close(image.getpixel((10, 10)), (250, 0, 0), 12)


def test_big_lossless_source_falls_back_to_jpeg_under_the_limit(tmp_path):
    buffer = io.BytesIO()
    _noise((2600, 1600), seed=5, dense=True).save(buffer, "PNG", compress_level=1)
    assert buffer.tell() > MAX_OUTPUT_BYTES
    prepared = prepare_image(_write(tmp_path, "noise.png", buffer.getvalue()), role="start", out_dir=tmp_path / "o")
    assert_clean(prepared)
    assert prepared.content_type == "image/jpeg"
    assert any(note.startswith("saved as JPEG") for note in prepared.notes)


# -- refused with a specific message, nothing published ----------------------------------------
def _gif(animated: bool) -> bytes:
    frames = [Image.new("P", (400, 400), i) for i in range(3 if animated else 1)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=animated, append_images=frames[1:])
    return buffer.getvalue()


def _animated_webp() -> bytes:
    frames = [Image.new("RGB", (400, 400), c) for c in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def _truncated_jpeg() -> bytes:
    data = _jpeg(_noise((800, 600), seed=3))
    return data[: len(data) // 2]


def _truncated_png() -> bytes:
    buffer = io.BytesIO()
    _noise((800, 600), seed=4).save(buffer, "PNG")
    return buffer.getvalue()[:-3000]


def _header_bomb() -> bytes:
    """A valid 1×1 PNG whose header (with a correct CRC) claims 100000×100000 pixels."""
    return _png_raw(100_000, 100_000, 8, 0, b"\x00\x00")


def _sixty_mb_noise_png(tmp: Path) -> Path:
    """Random noise (it cannot compress), stored: a genuine, valid 60+ MB PNG."""
    width, height = 4600, 4600
    noise = os.urandom(width * 3 * height)
    rows = b"".join(b"\x00" + noise[y * width * 3 : (y + 1) * width * 3] for y in range(height))
    path = _write(tmp, "huge.png", _png_raw(width, height, 8, 2, rows, level=0))
    assert path.stat().st_size > 60 * 1024 * 1024
    return path


def _strip() -> bytes:
    return _png_raw(1, 4000, 8, 0, b"\x00\x80" * 4000)


def _svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'


def _gif_js() -> bytes:
    return b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain);"


def _heic() -> bytes:
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)


REFUSED = {  # case: (file name, maker, words the message must contain)
    "truncated JPEG": ("cut.jpg", _truncated_jpeg, ("JPEG", "damaged or incomplete", "again")),
    "truncated PNG": ("cut.png", _truncated_png, ("PNG", "damaged or incomplete")),
    "header bomb": ("bomb.png", _header_bomb, ("decompression bomb",)),
    "compressed bomb": ("zb.png", lambda: _png_raw(12_000, 12_000, 8, 0, None, level=1), ("decompression bomb",)),
    "over the pixel cap": ("big.png", lambda: _png_raw(8_000, 8_000, 8, 0, None, level=1), ("megapixels", "resize")),
    "animated GIF": ("anim.gif", lambda: _gif(True), ("GIF", "PNG or JPEG")),
    "still GIF named .png": ("still.png", lambda: _gif(False), ("GIF",)),
    "animated WebP": ("anim.webp", _animated_webp, ("animated WebP", "2 frames", "save the frame")),
    "1x4000 strip": ("strip.png", _strip, ("1:4000", "at least 300 px", "crop")),
    "200x200 tiny": ("tiny.jpg", lambda: _jpeg(Image.new("RGB", (200, 200))), ("200×200", "at least 300 px")),
    "text named .jpg": ("notes.jpg", lambda: b"Meeting notes\nbuy milk\n" * 20, ("really a text file", ".jpg")),
    "SVG": ("logo.png", _svg, ("SVG", "PNG")),
    "GIF+JS polyglot": ("poly.jpg", _gif_js, ("really a GIF", ".jpg")),
    "JPEG header, HTML body": ("fake.jpg", lambda: b"\xff\xd8\xff\xe0<html><script>1</script>", ("JPEG", "damaged")),
    "HEIC": ("IMG_0001.jpg", _heic, ("HEIC", "export it as JPEG")),
    "empty": ("empty.jpg", lambda: b"", ("empty",)),
    "random bytes": ("noise.webp", lambda: bytes(range(256)) * 4, ("not a JPEG, PNG or WebP",)),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
@pytest.mark.parametrize("role", ["start", "end"])
def test_hostile_and_awkward_files_are_refused_by_name(tmp_path, case, role):
    name, make, words = REFUSED[case]
    src = _write(tmp_path, name, make())
    publisher = Publisher()
    with pytest.raises(UploadError) as caught:
        publisher.run(src, tmp_path / "out", role=role)
    message = str(caught.value)
    assert message.startswith(f"{role} image: ")
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert "Traceback" not in message and str(tmp_path) not in message
    assert publisher.published == [] and not (tmp_path / "out").exists()


def test_sixty_megabyte_png_is_refused_before_decoding(tmp_path):
    publisher = Publisher()
    with pytest.raises(UploadError, match=r"^start image: the file is 6\d\.\d MB, over the 50\.0 MB") as caught:
        publisher.run(_sixty_mb_noise_png(tmp_path), tmp_path / "out")
    assert "export it smaller" in str(caught.value)
    assert publisher.published == [] and not (tmp_path / "out").exists()


def test_missing_file_is_a_message_not_a_crash(tmp_path):
    with pytest.raises(UploadError, match=r"^end image: could not be read"):
        prepare_image(tmp_path / "gone.jpg", role="end", out_dir=tmp_path / "out")


# -- crop and pad ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fit, ratio, size",
    [
        ("crop", "16:9", (1600, 900)),
        ("crop", "9:16", (675, 1200)),
        ("crop", "1:1", (1200, 1200)),
        ("pad", "16:9", (2133, 1200)),
        ("pad", "9:16", (1600, 2844)),
        ("pad", "1:1", (1600, 1600)),
    ],
)
def test_crop_or_pad_to_an_aspect_ratio(tmp_path, fit, ratio, size):
    source = Image.new("RGB", (1600, 1200), (200, 200, 0))
    source.paste((0, 0, 255), (790, 590, 810, 610))  # a centre mark
    src = _write(tmp_path, "four-three.jpg", _jpeg(source))
    prepared = prepare_image(src, role="start", out_dir=tmp_path / "o", fit=fit, aspect_ratio=ratio)
    image = assert_clean(prepared)
    assert (prepared.width, prepared.height) == size
    assert close(image.getpixel((size[0] // 2, size[1] // 2)), (0, 0, 255), 30)  # still centred
    assert any(note.startswith(f"{'cropped' if fit == 'crop' else 'padded'} to {ratio}") for note in prepared.notes)
    if fit == "pad":
        assert close(image.getpixel((2, 2)), (0, 0, 0), 6)  # the bars
        assert close(image.getpixel((size[0] // 2, size[1] // 2 + 100)), (200, 200, 0), 20)


def test_crop_rescues_an_extreme_panorama(tmp_path):
    src = _write(tmp_path, "pano.jpg", _jpeg(Image.new("RGB", (3200, 400), "gray")))
    with pytest.raises(UploadError, match="8:1"):
        prepare_image(src, role="start", out_dir=tmp_path / "o")
    prepared = prepare_image(src, role="start", out_dir=tmp_path / "o", fit="crop", aspect_ratio="16:9")
    assert (prepared.width, prepared.height) == (711, 400)


def test_a_bad_aspect_ratio_or_none_is_a_message(tmp_path):
    src = _write(tmp_path, "a.jpg", _jpeg(Image.new("RGB", (640, 480))))
    with pytest.raises(UploadError, match="'wide' is not like 16:9"):
        prepare_image(src, role="start", out_dir=tmp_path / "o", fit="crop", aspect_ratio="wide")
    with pytest.raises(UploadError, match="choose an aspect ratio"):
        prepare_image(src, role="start", out_dir=tmp_path / "o", fit="pad")


# -- the end image against the start image -------------------------------------------------
@pytest.fixture
def start(tmp_path) -> PreparedImage:
    src = _write(tmp_path, "start.jpg", _jpeg(Image.new("RGB", (1600, 900), "navy")))
    return prepare_image(src, role="start", out_dir=tmp_path / "o")


def test_end_image_of_the_same_shape_is_resized_to_the_start(tmp_path, start):
    src = _write(tmp_path, "end.jpg", _jpeg(Image.new("RGB", (1280, 722), "teal")))  # 0.3 % off
    end = prepare_image(src, role="end", out_dir=tmp_path / "o", match=start)
    assert (end.width, end.height) == (1600, 900)
    assert "resized to 1600×900 to match the start image" in end.notes
    assert end.role == "end" and end.path.name.startswith("end-")


def test_end_image_of_another_shape_is_refused_with_the_way_out(tmp_path, start):
    src = _write(tmp_path, "end.jpg", _jpeg(Image.new("RGB", (1200, 1200), "teal")))
    with pytest.raises(UploadError) as caught:
        prepare_image(src, role="end", out_dir=tmp_path / "o2", match=start)
    message = str(caught.value)
    assert message.startswith("end image: is 1:1 (1200×1200 px) but the start image is 16:9 (1600×900 px)")
    assert "crop or pad" in message
    assert not (tmp_path / "o2").exists()


@pytest.mark.parametrize("fit", ["crop", "pad"])
def test_end_image_can_be_fitted_to_the_start_images_shape(tmp_path, start, fit):
    src = _write(tmp_path, "end.jpg", _jpeg(Image.new("RGB", (1200, 1200), "teal")))
    end = prepare_image(src, role="end", out_dir=tmp_path / "o", fit=fit, match=start)
    assert (end.width, end.height) == (1600, 900)
    assert any("the start image's shape" in note for note in end.notes)
