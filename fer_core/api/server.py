"""Run the API with uvicorn: `python -m fer_core serve` (fer_core/cli.py) calls `serve`."""

from __future__ import annotations

from ..recognizer import EmotionRecognizer
from .app import create_app

DEFAULT_HOST = "127.0.0.1"
"""Only programs on this computer can reach the API unless told otherwise (`--host 0.0.0.0`, docs/api.md)."""

DEFAULT_PORT = 8000


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, recognizer: EmotionRecognizer | None = None) -> None:
    """Load the models (a missing one raises ModelNotFoundError here, before listening), then answer requests on
    `host`:`port` until interrupted (Ctrl+C or SIGTERM, which let the requests in progress finish)."""
    import uvicorn

    app = create_app(recognizer)
    engine = app.state.engine
    engine.load(engine.base.detector.detector_range, "near")
    uvicorn.run(app, host=host, port=port, server_header=False, log_level="info")
