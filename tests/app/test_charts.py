"""The pages' shared charts (pages/_charts.py): the emotions' shared colours and the confusion matrix as shares."""

from __future__ import annotations

import numpy as np

from fer_core import COLORS, EMOTIONS
from pages import _charts as charts


def test_charts_colour_each_emotion_with_the_shared_colours():
    figure = charts.probability_bars(dict.fromkeys(EMOTIONS, 1 / 7))
    assert list(figure.data[0].marker.color) == [COLORS[e] for e in EMOTIONS]
    mix = charts.emotion_mix([0.0, 0.5], {e: [0.1, 0.2] for e in EMOTIONS})
    assert [trace.line.color for trace in mix.data] == [COLORS[e] for e in EMOTIONS]


def test_the_normalized_confusion_matrix_shows_each_true_emotion_as_shares():
    matrix = np.diag([2, 0, 1, 4, 1, 1, 3]).tolist()
    matrix[0][3] = 2
    figure = charts.confusion_heatmap(matrix, normalized=True)
    assert figure.data[0].z[0][0] == 0.5 and figure.data[0].z[1].sum() == 0


def test_each_probability_bar_is_labelled_with_its_share_so_no_number_can_fall_off_a_narrow_card():
    shares = dict.fromkeys(EMOTIONS, 0.01) | {"sad": 0.65, "neutral": 0.29}
    figure = charts.probability_bars(shares)
    assert list(figure.data[0].y) == [f"{e} {shares[e]:.0%}" for e in EMOTIONS]
    assert figure.data[0].text is None and tuple(figure.layout.xaxis.range) == (0, 1)
