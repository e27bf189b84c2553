"""The models one API app shares between requests: one loaded emotion model and one face detector per range,
so each request can choose its range and views without loading anything again."""

from __future__ import annotations

import threading

import numpy as np

from ..detect import DetectorRange, FaceDetector
from ..labels import IMAGE_SIZE
from ..recognizer import EmotionRecognizer


class Engine:
    """Hands each request a recognizer built around the shared model and detectors.

    Nothing about a request is kept. Sharing is thread-safe: each detector serialises its own calls, the
    classifier's compiled function may be called from many threads, and both load once, on first use.
    """

    def __init__(self, recognizer: EmotionRecognizer | None = None) -> None:
        self.base = recognizer if recognizer is not None else EmotionRecognizer()
        self._detectors = {self.base.detector.detector_range: self.base.detector}
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The emotion model's file name, as the `analyze --json` document gives it."""
        return self.base.classifier.model_path.name

    def recognizer(self, detector_range: DetectorRange | None = None, tta: bool = False) -> EmotionRecognizer:
        """A recognizer for one request: the shared model and the detector for `detector_range` (the base
        recognizer's own when None), with or without test-time augmentation."""
        twin = self.base.with_tta(tta)
        twin.detector = self._detector(detector_range or self.base.detector.detector_range)
        return twin

    def load(self, *ranges: DetectorRange) -> None:
        """Load and run the model and the detectors for `ranges` once, so the first request is not the slow one
        (raises ModelNotFoundError if the model is missing or damaged)."""
        self.base.classifier.probabilities(np.zeros((1, IMAGE_SIZE, IMAGE_SIZE), np.uint8))
        blank = np.zeros((64, 64, 3), np.uint8)
        for detector_range in ranges:
            self._detector(detector_range).detect(blank)

    def _detector(self, detector_range: DetectorRange) -> FaceDetector:
        with self._lock:
            if detector_range not in self._detectors:
                self._detectors[detector_range] = FaceDetector(detector_range, self.base.detector.min_score)
            return self._detectors[detector_range]
