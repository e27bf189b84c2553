import numpy as np
import pytest

from fer_core.datasets import Split
from fer_core.errors import DatasetError
from fer_core.ferplus import VOTE_NAMES, crowd_majority, crowd_targets, is_face, read_votes
from fer_core.labels import EMOTIONS


def _votes(**counts: int) -> list[int]:
    return [counts.get(name, 0) for name in VOTE_NAMES]


def test_crowd_majority_needs_five_votes_and_no_tie():
    votes = np.array(
        [
            _votes(happy=5, neutral=4, unknown=1),  # clear majority
            _votes(happy=4, neutral=4, sad=2),  # no majority
            _votes(sad=5, neutral=5),  # 5-5 tie
            _votes(contempt=6, neutral=4),  # majority for an answer outside the seven
        ]
    )
    assert crowd_majority(votes).tolist() == [EMOTIONS.index("happy"), -1, -1, -1]


def test_non_faces_are_those_most_of_the_crowd_called_not_a_face():
    votes = np.array([_votes(not_face=10), _votes(not_face=4, neutral=6), _votes(happy=10)])
    assert is_face(votes).tolist() == [False, True, True]


def test_targets_blend_the_label_with_the_votes_and_sum_to_one():
    labels = np.array([EMOTIONS.index("sad")])
    votes = np.array([_votes(neutral=8, sad=2)])
    target = crowd_targets(labels, votes, vote_weight=0.5)[0]
    assert target.sum() == pytest.approx(1.0)
    assert target[EMOTIONS.index("neutral")] == pytest.approx(0.4)
    assert target[EMOTIONS.index("sad")] == pytest.approx(0.6)


def test_contempt_and_unknown_votes_count_for_the_official_label():
    labels = np.array([EMOTIONS.index("angry")])
    votes = np.array([_votes(disgust=4, contempt=3, unknown=3)])
    target = crowd_targets(labels, votes, vote_weight=1.0)[0]
    assert target[EMOTIONS.index("angry")] == pytest.approx(0.6)
    assert target[EMOTIONS.index("disgust")] == pytest.approx(0.4)


def test_a_face_without_votes_keeps_its_label():
    target = crowd_targets(np.array([2]), np.zeros((1, len(VOTE_NAMES)), np.int64), vote_weight=0.8)[0]
    assert target.tolist() == np.eye(len(EMOTIONS))[2].tolist()


def test_votes_are_matched_to_faces_by_file_name(tmp_path):
    csv = tmp_path / "ferplus.csv"
    header = "file," + ",".join(VOTE_NAMES)
    rows = ["val/happy/1.jpg," + ",".join(map(str, _votes(happy=9, neutral=1)))]
    rows.append("val/sad/2.jpg," + ",".join(map(str, _votes(not_face=10))))
    csv.write_text("\n".join([header, *rows]) + "\n")
    split = Split(np.zeros((3, 48, 48), np.uint8), np.array([4, 3, 6]), names=("sad/2.jpg", "happy/1.jpg", "x/3.jpg"))
    votes = read_votes(csv, "val", split.names)
    assert votes[0, VOTE_NAMES.index("not_face")] == 10
    assert votes[1, VOTE_NAMES.index("happy")] == 9
    assert votes[2].sum() == 0


def test_votes_need_named_faces():
    split = Split(np.zeros((1, 48, 48), np.uint8), np.array([0]))
    with pytest.raises(DatasetError, match="folders"):
        read_votes("unused.csv", "train", split.names)
