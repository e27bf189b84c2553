"""Serve the app with `streamlit run` on a free localhost port and watch the server process.

Shared by the e2e fixtures (tests/e2e/conftest.py) and the load and soak scripts in bench/, so all of them drive
the app exactly as a user's browser meets it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT / "pages" / "examples"
APP_ENV = {"MALLOC_ARENA_MAX": "2"}
"""What the README's command to start the app sets: glibc's malloc with 2 arenas, so memory freed by Streamlit's
thread-per-run is reused instead of piling up in up to 8 arenas per core (docs/performance.md)."""

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--allow-loopback-in-peer-connection",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""Flags for a headless Chromium in a container; background tabs are not throttled, so many sessions run at once."""


def chromium_args(fake_camera: Path | None, camera_allowed: bool = True) -> list[str]:
    """Chromium's flags; with `fake_camera` (a y4m file) every page's camera plays that video, and is granted
    without a prompt unless `camera_allowed` is False (headless Chromium then refuses it, as a person could)."""
    args = [*CHROMIUM_ARGS, "--disable-background-timer-throttling", "--disable-renderer-backgrounding"]
    if fake_camera is not None:
        args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={fake_camera}"]
        if camera_allowed:
            args.append("--use-fake-ui-for-media-stream")
    return args


def make_fake_camera(
    target: Path,
    ffmpeg: str = "ffmpeg",
    photo: Path = PHOTOS / "grace_hopper.jpg",
    size: tuple[int, int] = (640, 480),
    fps: int = 15,
) -> Path:
    """A 2 s y4m video of a face photo (640x480 at 15 fps unless told); Chromium loops it as the fake camera."""
    width, height = size
    scale = f"scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2"
    subprocess.run(
        [ffmpeg, "-y", "-loglevel", "error", "-loop", "1", "-i", str(photo)]
        + ["-vf", scale, "-t", "2", "-r", str(fps), "-pix_fmt", "yuv420p", str(target)],
        check=True,
    )
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LiveLine:
    """One per-second line a live session writes to the server's console."""

    at: datetime
    frames: int
    analyzed: int
    faces_seen: int
    fps: float
    read: int = 0
    """Analysed frames whose expressions were read (the others only moved the boxes)."""


_LIVE_LINE = re.compile(
    r"^(\S+ \S+) fer_core\.live live: (\d+) frames, (\d+) analyzed, (\d+) faces seen, ([\d.]+) fps \(session (\d+)\)"
    r"(?:, (\d+) read)?",
    re.MULTILINE,
)


def live_sessions(log: Path) -> dict[int, list[LiveLine]]:
    """Each live session's lines in the server's console, by session number."""
    sessions: dict[int, list[LiveLine]] = {}
    for match in _LIVE_LINE.finditer(log.read_text()):
        at = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f")
        line = LiveLine(at, int(match[2]), int(match[3]), int(match[4]), float(match[5]), int(match[7] or 0))
        sessions.setdefault(int(match[6]), []).append(line)
    return sessions


@dataclass(frozen=True)
class Server:
    """A running `streamlit run`: its address, its console log and its process."""

    url: str
    log: Path
    process: subprocess.Popen

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB (1 MB = 2**20 bytes)."""
        return self._status("VmRSS") / 1024

    def threads(self) -> int:
        """Threads the server process runs now."""
        return self._status("Threads")

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, all its threads)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return self.process.poll() is None

    def healthy(self) -> bool:
        """The server answers its health check."""
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5) as response:
                return response.read() == b"ok"
        except OSError:
            return False

    def _status(self, field: str) -> int:
        text = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(rf"^{field}:\s+(\d+)", text, re.MULTILINE).group(1))


@contextmanager
def serve(log: Path, env: dict[str, str] | None = None, limit: float = 180) -> Iterator[Server]:
    """Start the app with `env` added to this process's environment; stop it on the way out."""
    port = free_port()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **APP_ENV, **(env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", log, process)
    try:
        _wait_until_healthy(server, limit)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(server: Server, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"streamlit exited early:\n{server.log.read_text()[-3000:]}")
        if server.healthy():
            return
        time.sleep(0.5)
    raise RuntimeError(f"streamlit did not start within {limit} s:\n{server.log.read_text()[-3000:]}")
