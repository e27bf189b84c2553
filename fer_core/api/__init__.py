"""An HTTP API for other programs: POST a photo or a video, get the command line's JSON back (docs/api.md).

app (the Starlette routes, `create_app`), body (reading a body within the limit, refusals), engine (the models the
requests share), openapi (the route's description) and server (`serve`, with uvicorn). Needs starlette and
uvicorn (`pip install 'fer-core[api]'`; the app's requirements.txt has both).
"""

from .app import create_app, video_document
from .body import MAX_BODY_BYTES, Refusal
from .server import DEFAULT_HOST, DEFAULT_PORT, serve

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "MAX_BODY_BYTES", "Refusal", "create_app", "serve", "video_document"]
