"""fer_core: find faces in images and tell which of seven emotions each shows, offline.

>>> from fer_core import EmotionRecognizer
>>> for face in EmotionRecognizer().analyze("photo.jpg"):
...     print(face.box, face.emotion, face.confidence)
"""

from .annotate import annotate
from .detect import Box, Face, FaceDetector
from .errors import DatasetError, FerError, InvalidImageError, InvalidVideoError, ModelNotFoundError
from .images import load_image
from .labels import COLORS, EMOTIONS
from .recognizer import EmotionRecognizer, FaceResult

__all__ = [
    "COLORS",
    "EMOTIONS",
    "Box",
    "DatasetError",
    "EmotionRecognizer",
    "Face",
    "FaceDetector",
    "FaceResult",
    "FerError",
    "InvalidImageError",
    "InvalidVideoError",
    "ModelNotFoundError",
    "annotate",
    "load_image",
]
