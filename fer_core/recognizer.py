"""The pipeline people use: image in, one FaceResult per face out (detect -> align -> classify)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .align import align_face
from .classify import DEFAULT_MODEL, EmotionClassifier
from .detect import Box, DetectorRange, Face, FaceDetector
from .images import ImageSource, load_image
from .labels import EMOTIONS


@dataclass(frozen=True)
class FaceResult:
    """One face: where it is, how sure the detector is, and the emotion probabilities (EMOTIONS order)."""

    box: Box
    detection_score: float
    keypoints: dict[str, tuple[float, float]]
    probabilities: dict[str, float]
    aligned: np.ndarray = field(repr=False, compare=False)
    uncertain_margin: float = 0.0
    """The model's threshold (calibration.json): a lead smaller than this over the runner-up is a toss-up."""
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)
    """The same probabilities as a read-only array in EMOTIONS order, the shape tracking and live analysis compute
    with; filled from `probabilities` when not given."""

    def __post_init__(self) -> None:
        given = self.vector if self.vector is not None else [self.probabilities[e] for e in EMOTIONS]
        vector = np.array(given, dtype=np.float64)
        vector.flags.writeable = False
        object.__setattr__(self, "vector", vector)

    @property
    def emotion(self) -> str:
        """The most probable emotion."""
        return max(self.probabilities, key=self.probabilities.get)

    @property
    def confidence(self) -> float:
        """The probability of that emotion."""
        return self.probabilities[self.emotion]

    @property
    def runner_up(self) -> str:
        """The second most probable emotion."""
        return sorted(self.probabilities, key=self.probabilities.get)[-2]

    @property
    def uncertain(self) -> bool:
        """True when the top emotion barely leads the runner-up, so one word would overstate what the model knows."""
        return self.confidence - self.probabilities[self.runner_up] < self.uncertain_margin

    @property
    def label(self) -> str:
        """What to tell a person: the emotion, or "neutral or sad?" when the call is uncertain."""
        return f"{self.emotion} or {self.runner_up}?" if self.uncertain else self.emotion

    def to_dict(self) -> dict:
        """A JSON-ready dict (the CLI's per-face schema; the aligned crop is left out)."""
        return {
            "box": {"x": self.box.x, "y": self.box.y, "width": self.box.width, "height": self.box.height},
            "detection_score": round(self.detection_score, 4),
            "keypoints": {k: [round(x, 1), round(y, 1)] for k, (x, y) in self.keypoints.items()},
            "emotion": self.emotion,
            "confidence": round(self.confidence, 4),
            "uncertain": self.uncertain,
            "label": self.label,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
        }


class EmotionRecognizer:
    """Finds every face in an image and says which of the 7 FER2013 emotions it shows.

    Models load on first use. One recognizer can be shared by threads (detection is serialised,
    classification is a thread-safe compiled function).
    """

    def __init__(
        self,
        model_path: str | Path = DEFAULT_MODEL,
        detector_range: DetectorRange = "auto",
        min_face_score: float = 0.5,
        tta: bool = False,
    ) -> None:
        self.detector = FaceDetector(detector_range, min_face_score)
        self.classifier = EmotionClassifier(model_path)
        self.tta = tta

    def with_tta(self, tta: bool = True) -> EmotionRecognizer:
        """This recognizer with test-time augmentation on (or off), sharing its detector and loaded model."""
        twin = copy.copy(self)
        twin.tta = tta
        return twin

    def analyze(self, image: ImageSource) -> list[FaceResult]:
        """Faces in `image` (bytes, path, file object or RGB array), largest first.

        Raises InvalidImageError for anything that is not a readable image; no face gives an empty list.
        """
        rgb = load_image(image)
        return self.analyze_faces(rgb, self.detector.detect(rgb))

    def analyze_faces(self, rgb: np.ndarray, faces: list[Face]) -> list[FaceResult]:
        """Classify faces already found in `rgb`, in one batched call."""
        if not faces:
            return []
        crops = np.stack([align_face(rgb, face) for face in faces])
        probabilities = self.classifier.probabilities(crops, self.tta)
        margin = self.classifier.calibration.uncertain_margin
        return [
            FaceResult(face.box, face.score, face.keypoints, _as_dict(p), crop, margin, vector=p)
            for face, p, crop in zip(faces, probabilities, crops, strict=True)
        ]


def _as_dict(vector: np.ndarray) -> dict[str, float]:
    """Probabilities in EMOTIONS order as emotion -> probability, the shape people read."""
    return dict(zip(EMOTIONS, map(float, vector), strict=True))
