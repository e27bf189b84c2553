"""What the Live page tells a person about the stream's connection, in its own words; Streamlit-free, so it is
tested without a browser.

The page reports on every run whether the browser says its stream plays (`page_sees`) and when the server's end
of the stream stops (`stream_ended`); frames come to its knowledge only through the updates its LiveView drained.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fer_core.live_view import LiveView

Notice = tuple[str, str]
"""("warning" or "info", message) for the person watching."""


class ConnectionWatch:
    """Follows one Live page's stream: when it started, whether frames keep reaching the server, when it stopped.

    `clock` must be the processor's (time.monotonic unless a test gives both another), since the updates'
    `arrived` times are read with it.
    """

    def __init__(self, view: LiveView, clock: Callable[[], float] = time.monotonic) -> None:
        self.view = view
        self.clock = clock
        self._playing = False
        self._watch_from = 0.0
        self._frames_at_start = 0
        self._ended = False
        self._stopped_after: int | None = None

    def page_sees(self, playing: bool) -> None:
        """Call on every page run, after draining, with whether the browser says its stream is playing."""
        if playing and not self._playing:
            self._watch_from = self.clock()
            self._frames_at_start = self._frames()
            self._ended = False
            self._stopped_after = None
        elif self._playing and not playing:
            self._stopped_after = self._frames() - self._frames_at_start
        self._playing = playing

    @property
    def playing(self) -> bool:
        """Whether the browser said, on the page's last run, that its stream plays."""
        return self._playing

    def stream_ended(self) -> None:
        """The server's end of the stream stopped (STOP was pressed, or the connection dropped)."""
        self._ended = True

    def notice(self, stall_after: float = 6.0, connect_within: float = 45.0) -> Notice | None:
        """What a person should know about the stream now, or None when all is well.

        While the browser says it plays: a warning when the server's end stopped or no frame came for `stall_after`
        seconds, or when no frame at all came in the first `connect_within` seconds. After it stopped: a note.
        """
        if not self._playing:
            if self._stopped_after is None:
                return None
            return "info", f"The video stopped after {self._stopped_after:,} frames. Press START to go on."
        now = self.clock()
        latest = self.view.latest
        had_frames = latest is not None and latest.arrived >= self._watch_from
        if self._ended or (had_frames and now - latest.arrived > stall_after):
            return "warning", (
                "The video connection to the server was lost, so nothing is being analysed. "
                "Press STOP, then START to connect again."
            )
        if not had_frames and now - self._watch_from > connect_within:
            return "warning", (
                f"No video has reached the server in {now - self._watch_from:.0f} s. If the app runs on another "
                "computer, it needs a STUN or TURN server (see FER_ICE_SERVERS); press STOP, then START to retry."
            )
        return None

    def _frames(self) -> int:
        """Frames the server has received in all, as far as the drained updates tell."""
        return self.view.latest.frame if self.view.latest else 0
