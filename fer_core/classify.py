"""Run the emotion CNN on aligned 48x48 faces: all faces of an image in one compiled call."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import cv2
import numpy as np

from .calibration import Calibration, load_calibration
from .errors import ModelNotFoundError
from .labels import EMOTIONS, IMAGE_SIZE
from .model_files import DEFAULT_MODEL

TTA_CROP = 44
"""Side of the zoomed crops test-time augmentation adds (see tta_views)."""


class EmotionClassifier:
    """The trained Keras model behind a fixed-signature `tf.function` (~1-3 ms a call, unlike `predict`'s ~50 ms).

    Probabilities are calibrated with the `calibration.json` shipped beside the model (see calibrate.py) unless
    `calibrated` is False. The model is loaded on the first call, once, whichever thread gets there first.
    """

    def __init__(self, model_path: str | Path = DEFAULT_MODEL, calibrated: bool = True) -> None:
        self.model_path = Path(model_path)
        self.calibrated = calibrated
        self._lock = threading.Lock()
        self._model = None
        self._forward = None
        self._calibration = None

    def probabilities(self, faces: np.ndarray, tta: bool = False) -> np.ndarray:
        """(N, 48, 48) uint8 gray faces -> (N, 7) probabilities in EMOTIONS order.

        With tta (test-time augmentation), each face's twelve `tta_views` are classified in the same call
        and their calibrated answers averaged: slower, and more accurate on val (figures in models/metrics_tta.json).
        """
        faces = np.asarray(faces)
        if faces.ndim != 3 or faces.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(f"faces must be shaped (N, {IMAGE_SIZE}, {IMAGE_SIZE}), not {faces.shape}")
        if len(faces) == 0:
            return np.zeros((0, len(EMOTIONS)), np.float32)
        views = tta_views(faces) if tta else faces[None]
        batch = views.reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1).astype(np.float32)
        probabilities = self.calibration.apply(self._run(batch))
        return probabilities.reshape(len(views), len(faces), -1).mean(axis=0)

    @property
    def calibration(self) -> Calibration:
        """The temperature and uncertain margin in use (identity when `calibrated` is False)."""
        self._load()
        return self._calibration

    @property
    def model(self):
        """The Keras model (loaded on first access)."""
        self._load()
        return self._model

    def _run(self, batch: np.ndarray) -> np.ndarray:
        self._load()
        return self._forward(batch).numpy()

    def _load(self) -> None:
        with self._lock:
            if self._forward is not None:
                return
            _check_model_file(self.model_path)
            import keras
            import tensorflow as tf

            try:
                model = keras.models.load_model(self.model_path, compile=False)
            except Exception as exc:
                raise ModelNotFoundError(
                    f"The emotion model {self.model_path.name} could not be loaded (damaged, or not a model "
                    f"this version can read): {exc}"
                ) from exc
            spec = tf.TensorSpec((None, IMAGE_SIZE, IMAGE_SIZE, 1), tf.float32)
            self._calibration = load_calibration(self.model_path) if self.calibrated else Calibration()
            self._forward = tf.function(lambda x: model(x, training=False), input_signature=[spec])
            self._model = model


def tta_views(faces: np.ndarray) -> np.ndarray:
    """(N, 48, 48) faces -> (12, N, 48, 48): each face, its centre and four corner 44x44 crops zoomed back to 48x48
    (the shifts and zooms training augmented with), and the mirror image of all six."""
    inner, size = TTA_CROP, IMAGE_SIZE
    corners = [((size - inner) // 2,) * 2, (0, 0), (0, size - inner), (size - inner, 0), (size - inner,) * 2]
    views = [faces]
    for top, left in corners:
        crops = faces[:, top : top + inner, left : left + inner]
        views.append(np.stack([cv2.resize(crop, (size, size), interpolation=cv2.INTER_LINEAR) for crop in crops]))
    views += [view[:, :, ::-1] for view in views]
    return np.stack(views)


def _check_model_file(path: Path) -> None:
    """Raise ModelNotFoundError, saying what is wrong, unless `path` is a complete .keras (zip) file.

    Keras itself reports a damaged file as "File not found", which sends people looking in the wrong place.
    """
    if not path.exists():
        raise ModelNotFoundError(f"The emotion model is missing: {path} does not exist.")
    if not path.is_file():
        raise ModelNotFoundError(f"The emotion model is missing: {path} is a folder, not a .keras file.")
    if not zipfile.is_zipfile(path):
        raise ModelNotFoundError(
            f"The emotion model {path.name} could not be loaded: the file is damaged or cut short "
            "(it is not a complete .keras archive)."
        )
