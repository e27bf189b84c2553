"""FER+ crowd votes (ten people per FER2013 face): read them, leave out non-faces, and blend them into targets.

FER2013 gives each face one label from one person; FER+ (Barsoum et al., 2016) had ten people vote on every face
over the seven emotions plus contempt, unknown and not_face. Training on a blend of the two teaches the model
what most people see, while keeping FER2013's label in view.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DatasetError
from .labels import EMOTIONS

VOTE_NAMES: tuple[str, ...] = (*EMOTIONS, "contempt", "unknown", "not_face")
"""The vote columns of ferplus.csv, in order: FER2013's seven emotions first, in EMOTIONS order."""

_NOT_FACE = VOTE_NAMES.index("not_face")
MAJORITY = 5
"""Votes (of ten) that make a majority: a face is not a face, or has a crowd emotion, from 5 votes on."""


VOTES_FILE = "ferplus.csv"
"""Where a FER2013 folder copy keeps its FER+ votes (beside train/ and val/)."""


def read_votes(csv_path: str | Path, split_name: str, names: Sequence[str]) -> np.ndarray:
    """(N, 10) vote counts in VOTE_NAMES order for faces named `<class>/<file>` in one split of a folder copy.

    A face the CSV does not list gets no votes (all zeros), so its target falls back to FER2013's label.
    """
    if not names:
        raise DatasetError("FER+ votes need the FER2013 folders (train/, val/), not the CSV: its rows have no names.")
    try:
        table = pd.read_csv(csv_path, index_col="file")
    except (OSError, ValueError) as exc:
        raise DatasetError(f"Could not read the FER+ votes in {csv_path}: {exc}") from exc
    missing = set(VOTE_NAMES) - set(table.columns)
    if missing:
        raise DatasetError(f"{csv_path} lacks the vote column(s) {', '.join(sorted(missing))}.")
    files = [f"{split_name}/{name}" for name in names]
    return table.reindex(files)[list(VOTE_NAMES)].fillna(0).to_numpy(np.int64)


def is_face(votes: np.ndarray) -> np.ndarray:
    """(N,) bool: False where a majority of the crowd said the image is not a face (blank, text, cartoon)."""
    return votes[:, _NOT_FACE] < MAJORITY


def crowd_majority(votes: np.ndarray) -> np.ndarray:
    """(N,) the emotion index that 5 or more of the 10 votes name, more than any other answer; -1 where none does."""
    top = votes.argmax(axis=1)
    top_count = votes.max(axis=1)
    tied = (votes == top_count[:, None]).sum(axis=1) > 1
    clear = (top_count >= MAJORITY) & ~tied & (top < len(EMOTIONS))
    return np.where(clear, top, -1)


def crowd_targets(labels: np.ndarray, votes: np.ndarray, vote_weight: float) -> np.ndarray:
    """(N, 7) training targets: (1 - vote_weight) of FER2013's label plus vote_weight of the crowd's opinion.

    The crowd's opinion is its share of votes per emotion. Votes that name none of the seven (contempt, unknown)
    count for FER2013's label: those people either abstained or chose an answer the model cannot give, so the
    original labeller's choice stands for them. Non-faces should be left out before (see is_face).
    """
    label_one_hot = np.eye(len(EMOTIONS), dtype=np.float32)[labels]
    seven = votes[:, : len(EMOTIONS)].astype(np.float32)
    total = votes.sum(axis=1, keepdims=True).astype(np.float32)
    other = total - seven.sum(axis=1, keepdims=True)
    crowd = np.where(total > 0, (seven + other * label_one_hot) / np.maximum(total, 1), label_one_hot)
    return (1 - vote_weight) * label_one_hot + vote_weight * crowd
