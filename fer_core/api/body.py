"""Read a request's body as an upload: name it from `?name=` or its Content-Type, refuse a wrong type (415) or
a body over the limit (413) with the app's own messages, reading no further than the limit."""

from __future__ import annotations

import mimetypes
from types import MappingProxyType

from starlette.requests import Request

from ..errors import FerError
from ..uploads import UploadKind, check_upload

MAX_BODY_BYTES = 50 * 1024 * 1024
"""Largest photo or video a request may send: the app's `server.maxUploadSize = 50` (megabytes, as Streamlit
counts them) in .streamlit/config.toml, so both refuse the same files."""

KNOWN_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
        "image/bmp": "bmp",
        "image/tiff": "tiff",
        "image/gif": "gif",
        "video/mp4": "mp4",
        "video/quicktime": "mov",
        "video/x-m4v": "m4v",
        "video/webm": "webm",
        "video/x-matroska": "mkv",
        "video/x-msvideo": "avi",
    }
)
"""Content-Types of the files the app accepts, and the extension each means."""

UNSPECIFIED_TYPES = frozenset({"", "application/octet-stream", "application/x-www-form-urlencoded"})
"""Content-Types that say nothing about the file (`curl --data-binary` sends the last): the decoder decides."""


class Refusal(Exception):
    """A request the API turns down: the HTTP status and the message the app shows for the same file."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def upload_name(request: Request, kind: UploadKind) -> str | None:
    """The file name the request declares (`?name=`, else one made from its Content-Type), None when it declares
    nothing; raises Refusal(415) when that name is not a `kind` file."""
    name = request.query_params.get("name")
    if not name:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in UNSPECIFIED_TYPES:
            return None
        suffix = KNOWN_TYPES.get(content_type) or mimetypes.guess_extension(content_type) or content_type
        name = "upload." + suffix.rsplit("/", 1)[-1].lstrip(".")
    try:
        check_upload(name, 0, 1, kind)
    except FerError as exc:
        raise Refusal(415, str(exc)) from exc
    return name


async def read_body(request: Request, kind: UploadKind, max_bytes: int) -> bytes:
    """The whole body, or Refusal(413) as soon as it is known to be over `max_bytes`: from Content-Length before
    reading anything, else once that many bytes have arrived."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit():
        _check_size(int(declared), kind, max_bytes)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > max_bytes:
            raise Refusal(413, f"The {kind.noun} is too large; the limit is {max_bytes / 1e6:.0f} MB.")
    return bytes(data)


def _check_size(size: int, kind: UploadKind, max_bytes: int) -> None:
    try:
        check_upload(f"upload.{kind.types[0]}", size, max_bytes, kind)
    except FerError as exc:
        raise Refusal(413, str(exc)) from exc
