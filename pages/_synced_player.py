"""The Video page's player with a timeline under it: one lane per person, coloured by the emotion shown; a marker
follows playback, and clicking a lane jumps the video there.

Plain HTML and JavaScript in the page's own iframe (st.components.v1.html): the video travels inside it as a
data URL, so nothing is fetched from anywhere else. Videos too large for that get the ordinary player.
"""

from __future__ import annotations

import base64
import json

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from fer_core import COLORS

MAX_INLINE_BYTES = 25_000_000
"""Largest annotated video sent inside the player (base64 makes it a third larger)."""
_LANE = 26


def synced_player(video: bytes, faces: pd.DataFrame, seconds: float, step: float) -> None:
    """The annotated video with its people's lanes under it, linked both ways."""
    if len(video) > MAX_INLINE_BYTES or faces.empty:
        st.video(video, format="video/mp4")
        return
    lanes = _lanes(faces, step)
    height = 300 + 8 + (_LANE + 2) * len(lanes) + 12
    components.html(_page(video, lanes, seconds), height=height)


def _lanes(faces: pd.DataFrame, step: float) -> list[dict]:
    """Per person, runs of the same emotion: [{"person": 1, "runs": [[start, end, colour, emotion], ...]}]."""
    lanes = []
    for person, rows in faces.groupby("person", sort=True):
        runs: list[list] = []
        for time, emotion in zip(rows["time"], rows["emotion"], strict=True):
            if runs and runs[-1][3] == emotion and time - runs[-1][1] <= 2 * step:
                runs[-1][1] = float(time) + step
            else:
                runs.append([float(time), float(time) + step, COLORS[emotion], emotion])
        lanes.append({"person": int(person), "runs": runs})
    return lanes


def _page(video: bytes, lanes: list[dict], seconds: float) -> str:
    """The player's HTML: the template with the video, the lanes and the length filled in."""
    source = "data:video/mp4;base64," + base64.b64encode(video).decode()
    return (
        _TEMPLATE.replace("__SOURCE__", source)
        .replace("__LANES__", json.dumps(lanes))
        .replace("__SECONDS__", f"{max(seconds, 0.01):.3f}")
        .replace("__LANE__", str(_LANE))
    )


_TEMPLATE = """<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;font:13px "Source Sans Pro",sans-serif;color:#31333f}
video{width:100%;height:300px;background:#000;border-radius:6px;display:block}
#lanes{position:relative;margin-top:8px;cursor:pointer}
.lane{position:relative;height:__LANE__px;margin-bottom:2px}
.name{position:absolute;left:0;width:70px;line-height:__LANE__px}
.track{position:absolute;left:72px;right:0;top:3px;bottom:3px;background:#f0f2f6;border-radius:3px}
.run{position:absolute;top:0;bottom:0}
#marker{position:absolute;top:0;bottom:0;width:2px;background:#31333f;pointer-events:none}
</style></head><body>
<video id="video" controls preload="metadata" src="__SOURCE__"></video>
<div id="lanes"><div id="marker"></div></div>
<script>
const lanes = __LANES__, seconds = __SECONDS__;
const video = document.getElementById("video"), box = document.getElementById("lanes");
const marker = document.getElementById("marker");
for (const lane of lanes) {
  const row = document.createElement("div"); row.className = "lane";
  row.innerHTML = `<span class="name">Person ${lane.person}</span><div class="track"></div>`;
  const track = row.querySelector(".track");
  for (const [start, end, colour, emotion] of lane.runs) {
    const run = document.createElement("div"); run.className = "run"; run.title = `${emotion}`;
    run.style.left = `${100 * start / seconds}%`;
    run.style.width = `${Math.max(0.3, 100 * (end - start) / seconds)}%`;
    run.style.background = colour;
    track.appendChild(run);
  }
  box.appendChild(row);
}
function trackBounds() { const t = box.querySelector(".track"); return t ? t.getBoundingClientRect() : null; }
function place() {
  const t = trackBounds(); if (!t) return;
  const share = Math.min(1, video.currentTime / seconds);
  marker.style.left = `${t.left - box.getBoundingClientRect().left + share * t.width}px`;
  marker.dataset.seconds = video.currentTime.toFixed(2);
}
video.addEventListener("timeupdate", place);
video.addEventListener("seeked", place);
window.addEventListener("resize", place);
(function follow() { place(); requestAnimationFrame(follow); })();
box.addEventListener("click", (event) => {
  const t = trackBounds(); if (!t) return;
  const share = Math.min(1, Math.max(0, (event.clientX - t.left) / t.width));
  video.currentTime = share * seconds;
  place();
});
</script></body></html>"""
