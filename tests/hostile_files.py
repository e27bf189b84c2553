"""A corpus of malformed, hostile and unusual image files, generated from one fixture photo (nothing is stored).

Each case says whether a correct result is required ("image": it is a real image and must be analysed),
a clear refusal is required ("refuse"), or either is fine ("either": damaged bytes that may still decode).
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from .conftest import PHOTOS

Expect = Literal["image", "refuse", "either"]
BROKEN_EXIF = b"\xff\xe1\x00\x10Exif\x00\x00MM\x00*\xff\xff\xff\xff"
"""An APP1 EXIF segment whose first directory offset points far past the end of the file."""


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expect: Expect


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _png_header(width: int, height: int, bit_depth: int = 8, color_type: int = 2) -> bytes:
    """A PNG whose header claims width x height, with one tiny (wrong-sized) data chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _jpeg_with_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its frame header (SOF0) rewritten to claim width x height."""
    at = data.index(b"\xff\xc0")
    return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]


def _gif_with_size(width: int, height: int) -> bytes:
    small = _encode(Image.new("P", (4, 4)), "GIF")
    return small[:6] + struct.pack("<HH", width, height) + small[10:]


def _bmp_with_size(width: int, height: int) -> bytes:
    small = _encode(Image.new("RGB", (4, 4)), "BMP")
    return small[:18] + struct.pack("<ii", width, height) + small[26:]


def _with_exif_orientation(image: Image.Image, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _encode(image, "JPEG", exif=exif.tobytes(), quality=85)


def _animated_gif(frames: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def hostile_cases() -> list[Case]:
    """Over 200 cases: truncated and corrupted files, non-images, bombs, odd sizes and modes, EXIF rotations."""
    photo = Image.open(PHOTOS / "grace_hopper.jpg").convert("RGB")
    photo.thumbnail((320, 320))
    rng = np.random.default_rng(7)
    cases: list[Case] = []
    encoded = {
        "jpg": _encode(photo, "JPEG", quality=90),
        "png": _encode(photo, "PNG"),
        "webp": _encode(photo, "WEBP", quality=80),
        "bmp": _encode(photo, "BMP"),
        "tif": _encode(photo, "TIFF"),
        "gif": _encode(photo.convert("P"), "GIF"),
    }
    for ext, data in encoded.items():
        cases.append(Case(f"good.{ext}", data, "image"))
        for fraction in (0.0005, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99):
            expect: Expect = "refuse" if fraction < 0.02 else "either"
            cases.append(Case(f"truncated_{fraction}.{ext}", data[: max(1, int(len(data) * fraction))], expect))
        for seed in range(8):
            damaged = np.frombuffer(data, np.uint8).copy()
            spots = rng.integers(min(len(data) - 1, 64), len(data), 12)
            damaged[spots] = rng.integers(0, 256, len(spots))
            cases.append(Case(f"corrupted_{seed}.{ext}", damaged.tobytes(), "either"))
        for other in ("jpg", "png", "webp", "gif"):
            if other != ext:
                cases.append(Case(f"{ext}_named_as.{other}", data, "image"))
    cases.append(Case("no_extension", encoded["png"], "image"))
    cases.append(Case("photo.JPEG.exe", encoded["jpg"], "image"))

    texts = {
        "empty.jpg": b"",
        "empty.png": b"",
        "one_byte.jpg": b"\xff",
        "jpeg_magic_only.jpg": b"\xff\xd8\xff",
        "png_magic_only.png": b"\x89PNG\r\n\x1a\n",
        "notes.jpg": b"Dear diary, this is not a picture.\n" * 20,
        "page.html": b"<!doctype html><html><body><script>alert(1)</script><img src=x onerror=alert(2)></body></html>",
        "page.png": b"<html><body onload=alert(1)>hi</body></html>",
        "vector.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9"/></svg>',
        "vector.jpg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>',
        "data.json": b'{"emotion": "happy", "pixels": "1 2 3"}',
        "table.csv": b"emotion,pixels,Usage\n3,1 2 3,Training\n",
        "document.pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "archive.jpg": b"PK\x03\x04" + bytes(60),
        "program.png": b"\x7fELF\x02\x01\x01" + bytes(100),
        "script.webp": b"#!/bin/sh\nrm -rf /\n",
        "python.jpg": b"import os\nos.system('echo pwned')\n",
        "pickle.png": b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94.",
        "nul_bytes.jpg": bytes(4096),
        "riff_not_webp.webp": b"RIFF\x10\x00\x00\x00WAVEfmt " + bytes(16),
        "utf16.jpg": "not an image at all".encode("utf-16"),
        "gif_header_only.gif": b"GIF89a",
        "bmp_header_only.bmp": b"BM" + bytes(12),
        "tiff_header_only.tif": b"II*\x00\x08\x00\x00\x00",
    }
    for index in range(12):
        texts[f"random_{index}.jpg"] = rng.integers(0, 256, int(rng.integers(10, 20000))).astype(np.uint8).tobytes()
    cases += [Case(name, data, "refuse") for name, data in texts.items()]

    bombs = {
        "bomb_png_20000.png": _png_header(20000, 20000),
        "bomb_png_65535.png": _png_header(65535, 65535),
        "bomb_png_wide.png": _png_header(2_000_000, 100),
        "bomb_png_16bit.png": _png_header(30000, 30000, bit_depth=16),
        "bomb_jpeg_65000.jpg": _jpeg_with_size(encoded["jpg"], 65000, 65000),
        "bomb_jpeg_wide.jpg": _jpeg_with_size(encoded["jpg"], 65000, 1000),
        "bomb_gif.gif": _gif_with_size(65535, 65535),
        "bomb_bmp.bmp": _bmp_with_size(50000, 50000),
        "zero_size_png.png": _png_header(0, 0),
        "zero_width_jpeg.jpg": _jpeg_with_size(encoded["jpg"], 0, 200),
    }
    cases += [Case(name, data, "refuse") for name, data in bombs.items()]
    cases.append(Case("over_40_megapixels.jpg", _encode(Image.new("L", (7000, 6000), 128), "JPEG"), "refuse"))

    for width, height in ((1, 1), (1, 10000), (10000, 1), (2, 5000), (15, 15), (15, 400)):
        cases.append(Case(f"tiny_{width}x{height}.png", _encode(Image.new("RGB", (width, height)), "PNG"), "refuse"))
    for width, height in ((16, 16), (16, 3000), (3000, 16), (48, 48), (4000, 3000)):
        plain = _encode(Image.new("RGB", (width, height), "gray"), "PNG")
        cases.append(Case(f"size_{width}x{height}.png", plain, "image"))

    gray = photo.convert("L")
    modes = {
        "gray.png": _encode(gray, "PNG"),
        "gray16.png": _encode(Image.fromarray(np.asarray(gray, np.uint16) * 257), "PNG"),
        "int32.tif": _encode(Image.fromarray(np.asarray(gray, np.int32) * 1000), "TIFF"),
        "float.tif": _encode(Image.fromarray(np.asarray(gray, np.float32) / 255), "TIFF"),
        "cmyk.jpg": _encode(photo.convert("CMYK"), "JPEG"),
        "cmyk.tif": _encode(photo.convert("CMYK"), "TIFF"),
        "palette.png": _encode(photo.convert("P"), "PNG"),
        "palette_transparent.png": _encode(photo.convert("P"), "PNG", transparency=0),
        "rgba.png": _encode(photo.convert("RGBA"), "PNG"),
        "rgba_clear.png": _encode(Image.new("RGBA", photo.size, (0, 0, 0, 0)), "PNG"),
        "la.png": _encode(gray.convert("LA"), "PNG"),
        "one_bit.png": _encode(photo.convert("1"), "PNG"),
        "one_bit.tif": _encode(photo.convert("1"), "TIFF", compression="group4"),
        "ycbcr.jpg": _encode(photo, "JPEG", subsampling=2),
        "progressive.jpg": _encode(photo, "JPEG", progressive=True),
        "lossless.webp": _encode(photo, "WEBP", lossless=True),
        "rgba.webp": _encode(photo.convert("RGBA"), "WEBP"),
        "lzw.tif": _encode(photo, "TIFF", compression="tiff_lzw"),
        "animated.gif": _animated_gif([photo.convert("P"), photo.rotate(10).convert("P"), gray.convert("P")]),
        "animated.webp": _encode(photo, "WEBP", save_all=True, append_images=[photo.rotate(5)]),
        "animated.png": _encode(photo, "PNG", save_all=True, append_images=[photo.rotate(5)]),
        "multipage.tif": _encode(photo, "TIFF", save_all=True, append_images=[photo.rotate(5)]),
        "icon.ico": _encode(photo, "ICO", sizes=[(64, 64)]),
        "bad_exif.jpg": encoded["jpg"][:2] + BROKEN_EXIF + encoded["jpg"][2:],
    }
    cases += [Case(name, data, "image") for name, data in modes.items()]
    for orientation in range(1, 9):
        cases.append(Case(f"exif_orientation_{orientation}.jpg", _with_exif_orientation(photo, orientation), "image"))
    cases.append(Case("exif_orientation_99.jpg", _with_exif_orientation(photo, 99), "image"))
    return cases
