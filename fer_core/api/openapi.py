"""The API's OpenAPI 3 description (served at GET /openapi.json), written by hand beside the routes in app.py so
other programs can generate a client; docs/api.md says the same in prose."""

from __future__ import annotations

from ..detect import DETECTOR_RANGES
from ..labels import EMOTIONS
from ..uploads import PHOTOS, VIDEOS, UploadKind
from .body import KNOWN_TYPES


def openapi_document(max_bytes: int) -> dict:
    """The whole document; `max_bytes` is the body limit the app enforces."""
    limit = f"Bodies over {max_bytes:,} bytes are refused with 413."
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "FER Studio API",
            "version": "1",
            "description": "Find the faces in a photo or a video and the probabilities of seven emotions on each. "
            f"Send the file's raw bytes as the request body. {limit}",
        },
        "paths": {
            "/health": {"get": _get("The server is up, and the emotion model it uses", "Health")},
            "/openapi.json": {"get": _get("This document", None)},
            "/v1/analyze": {"post": _post(PHOTOS, "Analyse one photo", "AnalysisDocument", ["tta", "range", "name"])},
            "/v1/analyze-video": {
                "post": _post(VIDEOS, "Analyse one video", "VideoDocument", ["every", "tta", "range", "name"])
            },
        },
        "components": {"schemas": _schemas()},
    }


def _get(summary: str, schema: str | None) -> dict:
    content = {"application/json": {"schema": _ref(schema) if schema else {"type": "object"}}}
    return {"summary": summary, "responses": {"200": {"description": summary, "content": content}}}


def _post(kind: UploadKind, summary: str, schema: str, parameters: list[str]) -> dict:
    media = [t for t, suffix in KNOWN_TYPES.items() if suffix in kind.types] + ["application/octet-stream"]
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    refusals = {
        "400": f"Not a {kind.noun} that can be read, or a wrong query parameter",
        "413": f"The {kind.noun} is over the size limit",
        "415": f"The Content-Type or ?name= is not {kind.described}",
        "503": "The emotion model is missing or damaged",
    }
    return {
        "summary": summary,
        "parameters": _parameters(parameters),
        "requestBody": {
            "required": True,
            "description": f"The {kind.noun}'s bytes, as they are in the file (not a form)",
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in media},
        },
        "responses": {
            "200": {"description": "Analysed", "content": {"application/json": {"schema": _ref(schema)}}},
            **{code: {"description": text, "content": error} for code, text in refusals.items()},
        },
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _parameters(names: list[str]) -> list[dict]:
    """The query parameters called `names`, in that order."""
    known = {
        "tta": _query("tta", {"type": "integer", "enum": [0, 1], "default": 0}, "1: average 12 views of each face"),
        "range": _query(
            "range",
            {"type": "string", "enum": list(DETECTOR_RANGES)},
            "Face detector range (default: the server's for photos, near for videos)",
        ),
        "name": _query("name", {"type": "string"}, "The file's name: reported back as `path`, its extension checked"),
        "every": _query("every", {"type": "integer", "minimum": 1, "default": 1}, "Analyse every Nth frame"),
    }
    return [known[name] for name in names]


def _schemas() -> dict:
    number, integer, string = {"type": "number"}, {"type": "integer"}, {"type": "string"}
    probabilities = {"type": "object", "properties": {e: number for e in EMOTIONS}}
    box = {"type": "object", "properties": {k: integer for k in ("x", "y", "width", "height")}}
    face = {
        "type": "object",
        "properties": {
            "face": integer,
            "box": box,
            "detection_score": number,
            "keypoints": {"type": "object", "additionalProperties": {"type": "array", "items": number}},
            "emotion": string,
            "confidence": number,
            "uncertain": {"type": "boolean"},
            "label": string,
            "probabilities": probabilities,
        },
    }
    image = {
        "type": "object",
        "properties": {
            "path": string,
            "width": integer,
            "height": integer,
            "error": {"type": "string", "nullable": True},
            "faces": {"type": "array", "items": face},
        },
    }
    emotions = {"type": "array", "items": string}
    person = {"type": "object", "description": "One row of the per-person summary (docs/cli.md)"}
    row = {"type": "object", "description": "One row of the video CSV (docs/cli.md): time, frame, person, box, ..."}
    video = {"type": "object", "properties": {k: number for k in ("width", "height", "fps", "frames", "duration")}}
    return {
        "Error": {"type": "object", "properties": {"error": string}, "required": ["error"]},
        "Health": {"type": "object", "properties": {"status": string, "model": string}},
        "AnalysisDocument": {
            "type": "object",
            "description": "The `analyze --json` document (docs/cli.md)",
            "properties": {"model": string, "emotions": emotions, "images": {"type": "array", "items": image}},
        },
        "VideoDocument": {
            "type": "object",
            "properties": {
                "model": string,
                "emotions": emotions,
                "video": video,
                "frames_read": integer,
                "frames_analyzed": integer,
                "seconds": number,
                "notes": {"type": "array", "items": string},
                "people": {"type": "array", "items": person},
                "faces": {"type": "array", "items": row},
            },
        },
    }
