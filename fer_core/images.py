"""Turn whatever a user hands us (bytes, a path, a file object, an array) into an upright RGB uint8 array."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps

from .errors import InvalidImageError

MAX_PIXELS = 40_000_000
"""Largest image we decode (40 megapixels, about 120 MB as RGB); bigger headers are refused before decoding."""

MIN_SIDE = 16
"""Smallest width or height we accept: anything smaller cannot hold a face."""

IMAGE_SUFFIXES: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")
"""File extensions read as images everywhere: uploads, datasets, archives and the command line."""

ImageSource = bytes | bytearray | str | Path | BinaryIO | np.ndarray


def load_image(source: ImageSource) -> np.ndarray:
    """Decode `source` into an HxWx3 RGB uint8 array, EXIF-rotated upright, or raise InvalidImageError."""
    if isinstance(source, np.ndarray):
        return _check_size(_array_to_rgb(source))
    data = _read_bytes(source)
    if not data:
        raise InvalidImageError("The file is empty.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InvalidImageError(
                f"The image is too large; the limit is {MAX_PIXELS // 1_000_000} megapixels."
            ) from exc
        except Exception as exc:
            raise InvalidImageError(
                "This file is not an image we can read (JPEG, PNG, WebP, BMP, TIFF or GIF)."
            ) from exc
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise InvalidImageError(
                f"The image is too large ({width}x{height} pixels); the limit is {MAX_PIXELS // 1_000_000} megapixels."
            )
        try:
            image.load()
        except Exception as exc:
            raise InvalidImageError("The image file is damaged or incomplete and cannot be decoded.") from exc
    image = _upright(image)
    return _check_size(_pil_to_rgb(image))


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """RGB uint8 -> single-channel uint8 with the ITU-R 601 weights (what OpenCV and FER2013 use)."""
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.clip(rgb.astype(np.float32) @ weights + 0.5, 0, 255).astype(np.uint8)


def square_crop(rgb: np.ndarray, x: int, y: int, side: int) -> np.ndarray:
    """The `side`-pixel square of `rgb` from (x, y), black where it reaches past the image's edges."""
    height, width = rgb.shape[:2]
    crop = np.zeros((side, side, 3), np.uint8)
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + side, width), min(y + side, height)
    if x1 > x0 and y1 > y0:
        crop[y0 - y : y1 - y, x0 - x : x1 - x] = rgb[y0:y1, x0:x1]
    return crop


def _read_bytes(source: ImageSource) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise InvalidImageError(f"No such file: {path}")
        return path.read_bytes()
    if hasattr(source, "read"):
        return source.read()
    raise InvalidImageError(f"Cannot read an image from a {type(source).__name__}.")


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag; a broken EXIF block leaves the image as stored."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _pil_to_rgb(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return _array_to_rgb(np.asarray(image))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.asarray(image.convert("RGB"))


def _array_to_rgb(array: np.ndarray) -> np.ndarray:
    """Gray, RGB or RGBA arrays of any numeric type -> RGB uint8 (alpha composited on white)."""
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise InvalidImageError(f"An image array must be HxW, HxWx3 or HxWx4, not {array.shape}.")
    array = _to_uint8(array)
    if array.ndim == 2:
        return np.ascontiguousarray(np.repeat(array[:, :, None], 3, axis=2))
    if array.shape[2] == 4:
        alpha = array[:, :, 3:].astype(np.float32) / 255.0
        array = (array[:, :, :3] * alpha + 255.0 * (1.0 - alpha) + 0.5).astype(np.uint8)
    return np.ascontiguousarray(array)


def _to_uint8(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    values = array.astype(np.float64)
    if np.issubdtype(array.dtype, np.floating) and values.size and values.max() <= 1.0:
        values = values * 255.0
    elif values.size and values.max() > 255:
        values = values / 257.0 if values.max() <= 65535 else values * (255.0 / values.max())
    return np.clip(values + 0.5, 0, 255).astype(np.uint8)


def _check_size(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise InvalidImageError(
            f"The image is too small ({width}x{height} pixels); it must be at least {MIN_SIDE} pixels on each side."
        )
    if height * width > MAX_PIXELS:
        raise InvalidImageError(f"The image is too large ({width}x{height} pixels).")
    return rgb
