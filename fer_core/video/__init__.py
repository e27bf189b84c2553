"""Recorded videos as a library feature: `analyze_video(path, recognizer)` gives each person's emotions over time.

decode (open and read frames, VideoInfo), encode (the annotated MP4), people (numbered people, the faces table,
summary and timeline) and analysis (the pipeline, progress, VideoAnalysis). Uploads are checked by
`fer_core.uploads.check_upload`, the same check photos get.
"""

from ..uploads import VIDEO_TYPES
from .analysis import ProgressCallback, StopAnalysis, VideoAnalysis, VideoProgress, analyze_upload, analyze_video
from .decode import MAX_SIDE, VideoInfo, VideoSource
from .encode import ANNOTATED_TYPES, Mp4Writer
from .people import SUMMARY_COLUMNS, TABLE_COLUMNS

__all__ = [
    "ANNOTATED_TYPES",
    "MAX_SIDE",
    "SUMMARY_COLUMNS",
    "TABLE_COLUMNS",
    "VIDEO_TYPES",
    "Mp4Writer",
    "ProgressCallback",
    "StopAnalysis",
    "VideoAnalysis",
    "VideoInfo",
    "VideoProgress",
    "VideoSource",
    "analyze_upload",
    "analyze_video",
]
