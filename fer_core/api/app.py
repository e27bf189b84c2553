"""The HTTP API's routes: a photo or a video as the request body in, the command line's documents out as JSON.

Refusals answer with the app's own message as {"error": ...}, never a traceback. Analyses run in a worker thread so
the server keeps answering meanwhile; nothing is kept between requests, so it scales by running more copies.
"""

from __future__ import annotations

from dataclasses import asdict, replace

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..detect import DETECTOR_RANGES, DetectorRange
from ..errors import FerError, ModelNotFoundError
from ..export import analysis_document
from ..labels import EMOTIONS
from ..recognizer import EmotionRecognizer
from ..uploads import PHOTO_TYPES, PHOTOS, VIDEOS, PhotoResult, analyze_photo
from ..video import VideoAnalysis, analyze_video
from .body import MAX_BODY_BYTES, Refusal, read_body, upload_name
from .engine import Engine
from .openapi import openapi_document

INTERNAL_ERROR = "Something went wrong on the server and the file was not analysed; please try again."
"""The answer to a failure that is not the file's fault (the server's log has the details)."""


def create_app(recognizer: EmotionRecognizer | None = None, max_bytes: int = MAX_BODY_BYTES) -> Starlette:
    """The API around `recognizer` (EmotionRecognizer() when None; models load on first use), refusing bodies over
    `max_bytes`. Routes and documents: docs/api.md, or GET /openapi.json."""
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/v1/analyze", analyze, methods=["POST"]),
        Route("/v1/analyze-video", analyze_video_route, methods=["POST"]),
    ]
    handlers = {Refusal: _refused, FerError: _fer_error, HTTPException: _http_error, Exception: _crashed}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.engine = Engine(recognizer)
    app.state.max_bytes = max_bytes
    return app


async def health(request: Request) -> JSONResponse:
    """GET /health: the server is up; names the emotion model it uses."""
    return JSONResponse({"status": "ok", "model": request.app.state.engine.model_name})


async def openapi(request: Request) -> JSONResponse:
    """GET /openapi.json: the OpenAPI 3 description of these routes."""
    return JSONResponse(openapi_document(request.app.state.max_bytes))


async def analyze(request: Request) -> JSONResponse:
    """POST /v1/analyze: the photo in the body -> the `analyze --json` document, with that one photo in `images`."""
    engine: Engine = request.app.state.engine
    name = upload_name(request, PHOTOS)
    recognizer = engine.recognizer(_range(request), _flag(request, "tta"))
    data = await read_body(request, PHOTOS, request.app.state.max_bytes)
    photo = await run_in_threadpool(_photo, name, data, recognizer, request.app.state.max_bytes)
    if photo.error:
        raise Refusal(400, photo.error)
    return JSONResponse(analysis_document([photo], engine.model_name))


async def analyze_video_route(request: Request) -> JSONResponse:
    """POST /v1/analyze-video: the video in the body -> its facts, notes, each person's summary and the rows of the
    `video` command's CSV."""
    engine: Engine = request.app.state.engine
    upload_name(request, VIDEOS)
    every = _every(request)
    recognizer = engine.recognizer(_range(request) or "near", _flag(request, "tta"))
    data = await read_body(request, VIDEOS, request.app.state.max_bytes)
    analysis = await run_in_threadpool(analyze_video, data, recognizer, every)
    return JSONResponse(video_document(analysis, engine.model_name))


def video_document(analysis: VideoAnalysis, model_name: str) -> dict:
    """The answer for a video: its facts, what was analysed, notes, `people` (one summary row each) and `faces`
    (one row per person per analysed frame: the columns of the `video` command's CSV, docs/cli.md)."""
    return {
        "model": model_name,
        "emotions": list(EMOTIONS),
        "video": asdict(analysis.info),
        "frames_read": analysis.frames_read,
        "frames_analyzed": analysis.frames_analyzed,
        "seconds": round(analysis.seconds, 3),
        "notes": analysis.notes(),
        "people": analysis.summary().to_dict("records"),
        "faces": analysis.faces.to_dict("records"),
    }


def _photo(name: str | None, data: bytes, recognizer: EmotionRecognizer, max_bytes: int) -> PhotoResult:
    """Analyse one photo as the Photos page does; a missing model raises (503) instead of being the photo's error."""
    recognizer.classifier.model  # noqa: B018 (loads the model, or raises ModelNotFoundError)
    photo = analyze_photo(name or f"upload.{PHOTO_TYPES[0]}", data, recognizer, max_bytes)
    return photo if name else replace(photo, name="upload")


def _flag(request: Request, key: str) -> bool:
    value = request.query_params.get(key, "0").lower()
    if value not in ("0", "1", "false", "true", "no", "yes"):
        raise Refusal(400, f"?{key}= takes 1 or 0, not {value!r}.")
    return value in ("1", "true", "yes")


def _every(request: Request) -> int:
    value = request.query_params.get("every", "1")
    if not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise Refusal(400, f"?every= takes a whole number of 1 or more, not {value!r}.")
    return int(value)


def _range(request: Request) -> DetectorRange | None:
    value = request.query_params.get("range")
    if value is not None and value not in DETECTOR_RANGES:
        raise Refusal(400, f"?range= takes {', '.join(DETECTOR_RANGES)}, not {value!r}.")
    return value


async def _refused(request: Request, exc: Refusal) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, exc.status)


async def _fer_error(request: Request, exc: Exception) -> JSONResponse:
    """Bad input (InvalidImageError, InvalidVideoError) is the request's fault (400); a missing model is not (503)."""
    return JSONResponse({"error": str(exc)}, 503 if isinstance(exc, ModelNotFoundError) else 400)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """Unknown paths (404) and methods (405), as JSON like every other answer."""
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


async def _crashed(request: Request, exc: Exception) -> JSONResponse:
    """Anything else: a plain message (the traceback goes to the server's log, never into the answer)."""
    return JSONResponse({"error": INTERNAL_ERROR}, 500)
