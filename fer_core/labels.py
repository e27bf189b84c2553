"""The seven FER2013 emotions: their order (the model's output order), names and colours, defined once."""

EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
"""FER2013 label index -> emotion name; the classifier's outputs follow this order."""

COLORS: dict[str, str] = {
    "angry": "#d62728",
    "disgust": "#8c564b",
    "fear": "#9467bd",
    "happy": "#f2b701",
    "sad": "#1f77b4",
    "surprise": "#ff7f0e",
    "neutral": "#7f7f7f",
}
"""One colour per emotion, shared by annotations and every chart."""

CSV_USAGE_TO_SPLIT: dict[str, str] = {"Training": "train", "PublicTest": "val", "PrivateTest": "test"}
"""The Kaggle CSV's `Usage` column -> our split names."""

IMAGE_SIZE = 48
"""FER2013 crops are 48x48 grayscale; the classifier takes exactly that."""


def color_bgr(emotion: str) -> tuple[int, int, int]:
    """An emotion's colour as an OpenCV BGR tuple."""
    r, g, b = _rgb(COLORS[emotion])
    return b, g, r


def ink_on(color: str) -> str:
    """ "#000000" or "#ffffff", whichever has the higher contrast on the background colour "#rrggbb" (WCAG)."""
    channels = [value / 255 for value in _rgb(color)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
