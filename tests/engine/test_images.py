"""Loading images: every odd input either decodes upright to RGB uint8 or raises InvalidImageError with a reason."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from fer_core import InvalidImageError, load_image
from fer_core.images import MAX_PIXELS


def _png_bytes(array: np.ndarray, mode: str | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's first bytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = b"IDAT" + zlib.compress(b"\x00" * 64)
    body += struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    return b"\x89PNG\r\n\x1a\n" + body


def test_photo_decodes_to_rgb_uint8(portrait):
    rgb = load_image(portrait)
    assert rgb.dtype == np.uint8 and rgb.shape == (600, 512, 3)


def test_bytes_path_and_file_object_give_the_same_pixels(portrait):
    data = portrait.read_bytes()
    assert np.array_equal(load_image(data), load_image(portrait))
    assert np.array_equal(load_image(io.BytesIO(data)), load_image(str(portrait)))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"hello, this is text and not a picture\n" * 20, "not an image"),
        (b"<html><body>hi</body></html>", "not an image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not an image"),
    ],
)
def test_non_images_are_refused_with_a_reason(content, reason):
    with pytest.raises(InvalidImageError, match=reason):
        load_image(content)


def test_truncated_jpeg_is_refused_as_damaged(portrait):
    data = portrait.read_bytes()
    with pytest.raises(InvalidImageError, match="damaged"):
        load_image(data[: len(data) // 2])


def test_huge_dimension_header_is_refused_before_decoding():
    with pytest.raises(InvalidImageError, match="too large"):
        load_image(_png_header_claiming(20000, 20000))
    assert MAX_PIXELS < 20000 * 20000


@pytest.mark.parametrize("shape", [(1, 1), (1, 10000), (10, 400)])
def test_tiny_images_are_refused_as_too_small(shape):
    with pytest.raises(InvalidImageError, match="too small"):
        load_image(_png_bytes(np.zeros(shape, np.uint8)))


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(InvalidImageError, match="No such file"):
        load_image(tmp_path / "nope.jpg")


def test_rgba_is_composited_on_white():
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[:, :16] = (255, 0, 0, 255)
    rgb = load_image(_png_bytes(rgba, "RGBA"))
    assert tuple(rgb[0, 0]) == (255, 0, 0)
    assert tuple(rgb[0, 31]) == (255, 255, 255)


def test_sixteen_bit_png_is_scaled_not_clipped():
    ramp = np.tile(np.linspace(0, 65535, 64).astype(np.uint16), (32, 1))
    rgb = load_image(_png_bytes(ramp))
    assert rgb.dtype == np.uint8
    assert rgb[0, 0, 0] == 0 and rgb[0, -1, 0] == 255 and 100 < rgb[0, 32, 0] < 160


def test_grayscale_and_palette_images_become_rgb():
    gray = load_image(_png_bytes(np.full((20, 20), 77, np.uint8)))
    assert gray.shape == (20, 20, 3) and (gray == 77).all()
    palette = Image.fromarray(np.full((20, 20, 3), (10, 200, 30), np.uint8)).convert("P")
    buffer = io.BytesIO()
    palette.save(buffer, format="GIF")
    assert load_image(buffer.getvalue()).shape == (20, 20, 3)


def test_exif_rotated_photo_is_turned_upright(portrait):
    upright = load_image(portrait)
    stored = Image.fromarray(np.rot90(upright, k=1))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display": undoes the counter-clockwise rot90
    buffer = io.BytesIO()
    stored.save(buffer, format="JPEG", exif=exif, quality=95)
    loaded = load_image(buffer.getvalue())
    assert loaded.shape == upright.shape
    assert np.abs(loaded.astype(int) - upright.astype(int)).mean() < 6


def test_arrays_of_any_layout_are_accepted():
    assert load_image(np.zeros((20, 30), np.uint8)).shape == (20, 30, 3)
    assert load_image(np.ones((20, 30, 3), np.float32)).max() == 255
    with pytest.raises(InvalidImageError):
        load_image(np.zeros((20, 30, 5), np.uint8))
