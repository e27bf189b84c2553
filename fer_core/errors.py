"""Exceptions fer_core raises; every message is meant to be shown to a person as it is."""


class FerError(Exception):
    """Base class of every error fer_core raises on purpose."""


class InvalidImageError(FerError):
    """The input is not an image we can read (empty, corrupt, not an image, too large or too small)."""


class InvalidVideoError(FerError):
    """The file is not a video we can analyse: wrong type, too large, not a video, sound only or no frames."""


class ModelNotFoundError(FerError):
    """The emotion model file is missing or unreadable."""


class DatasetError(FerError):
    """A dataset (folder tree, CSV or archive) does not have the expected layout or content."""
