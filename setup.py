"""What the wheel holds, the one part pyproject.toml cannot say: every `fer_core*` package (found, so new
subpackages join by themselves) plus the shipped model, which lives at the top-level models/ in a checkout and is
installed as fer_core/models (fer_core.model_files looks in both places)."""

from setuptools import find_packages, setup

MODEL_FILES = ["*.keras", "*.json", "*.csv", "*.md"]  # models/'s own files; not models/resume/ (checkpoints)

setup(
    packages=[*find_packages(include=["fer_core", "fer_core.*"]), "fer_core.models"],
    package_dir={"fer_core.models": "models"},
    package_data={"fer_core.models": MODEL_FILES},
)
