"""The model card is rendered from the metrics, history and recipe files, so its figures cannot drift."""

from __future__ import annotations

import json
from dataclasses import asdict

from fer_core import EmotionRecognizer
from fer_core.evaluate import evaluate
from fer_core.model_files import AVERAGE_FILE
from fer_core.training.model_card import write_model_card
from fer_core.training.recipe import Recipe
from tests.conftest import FER_TINY


def test_card_shows_the_measured_scores_per_class_and_best_epoch(tmp_path, recognizer):
    metrics = evaluate(FER_TINY, recognizer, crops=True)
    (tmp_path / "metrics.json").write_text(json.dumps(metrics))
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(Recipe())))
    (tmp_path / "history.csv").write_text(
        "epoch,accuracy,loss,val_accuracy,val_loss\n0,0.3,1.8,0.35,1.7\n1,0.5,1.4,0.61,1.2\n2,0.6,1.2,0.58,1.3\n"
    )
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    card = write_model_card(tmp_path).read_text()
    assert f"| single pass | {metrics['accuracy']:.2%} |" in card
    happy = metrics["per_class"]["happy"]
    assert f"| happy | {happy['precision']:.3f} | {happy['recall']:.3f} | {happy['f1']:.3f} | 3 |" in card
    assert "kept epoch 2 (val accuracy 61.00%)" in card
    assert "12 views averaged" not in card
    assert "Not for" in card and "hiring" in card


def test_card_says_when_training_stopped_before_the_recipes_last_epoch(tmp_path, recognizer):
    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    (tmp_path / "history.csv").write_text(
        "epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.4,0.61,1.2\n1,0.6,1.2,0.6,1.3\n"
    )
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(Recipe(epochs=2))))
    assert "- Ran 2 epochs; kept epoch 1 (val accuracy 61.00%)." in write_model_card(tmp_path).read_text()
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(Recipe(epochs=150))))
    assert (
        "- Ran 2 of the recipe's 150 epochs (training was stopped there); kept epoch 1 (val accuracy 61.00%)."
        in write_model_card(tmp_path).read_text()
    )


def test_card_adds_the_test_time_augmentation_row_when_it_was_measured(tmp_path):
    recognizer = EmotionRecognizer(tta=True)
    metrics = evaluate(FER_TINY, recognizer, crops=True)
    for name in ("metrics.json", "metrics_tta.json"):
        (tmp_path / name).write_text(json.dumps(metrics))
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(Recipe())))
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    assert (
        f"| 12 views averaged (mirrored and zoomed crops, `--tta`) | {metrics['accuracy']:.2%} |"
        in write_model_card(tmp_path).read_text()
    )


def test_card_reports_calibration_before_and_after_and_the_uncertain_rule(tmp_path, recognizer):
    from fer_core.calibration import Calibration

    metrics = evaluate(FER_TINY, recognizer, crops=True)
    metrics["calibration"] = {"temperature": 1.25, "uncertain_margin": 0.12}
    metrics["uncertain"] = {
        "uncertain_share": 0.3,
        "accuracy_when_certain": 0.81,
        "accuracy_when_uncertain": 0.4,
        "top_two_accuracy_when_uncertain": 0.75,
    }
    (tmp_path / "metrics.json").write_text(json.dumps(metrics))
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(Recipe())))
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    report = {
        "temperature_fitted_on": "1435 train faces kept out of training",
        "certain_accuracy_target": 0.8,
        "val_ece_before": 0.061,
        "val_ece_after": 0.019,
    }
    Calibration(1.25, 0.12).save(tmp_path, report)
    card = write_model_card(tmp_path).read_text()
    assert "(T = 1.250) fitted on 1435 train faces kept out of training" in card
    assert "0.061 before, 0.019 after" in card
    assert "less than 0.120" in card and "On val that is 30.0% of faces" in card and "75.0% of the time" in card


def test_card_says_so_when_the_model_is_not_calibrated(tmp_path, recognizer):
    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(Recipe())))
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    assert "Not calibrated" in write_model_card(tmp_path).read_text()


def test_card_gives_every_train_command_of_a_warm_restart_and_the_settings_no_flag_sets(tmp_path, recognizer):
    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    restart = Recipe(epochs=15, peak_learning_rate=0.01, warmup_epochs=1, init_from="/elsewhere/emotion.keras")
    first = Recipe(width=32)
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(restart) | {"init_recipe": asdict(first)}))
    (tmp_path / "history.csv").write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.4,0.61,1.2\n")
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    card = write_model_card(tmp_path).read_text()
    assert "Ran 1 of the recipe's 15 epochs in the last run (training was stopped there); kept epoch 1" in card
    assert "starting from the weights of an earlier run" in card
    train = "python -m fer_core.training train --data ../shared/data/fer2013 --out"
    assert (
        "# first set width=32 in fer_core.training.recipe.Recipe\n"
        f"{train} models-start\n"
        f"{train} models --epochs 15 --peak-lr 0.01 --warmup-epochs 1 --init models-start/emotion.keras\n"
    ) in card


def test_card_says_when_the_kept_weights_are_an_average_of_epochs(tmp_path, recognizer):
    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    averaged = Recipe(epochs=30, average_epochs=27, floor_learning_rate=0.005, erase_probability=0.5)
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(averaged)))
    (tmp_path / "history.csv").write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.4,0.61,1.2\n")
    record = {"epochs_averaged": 27, "val_accuracy": 0.675, "best_epoch_val_accuracy": 0.669, "kept": True}
    (tmp_path / AVERAGE_FILE).write_text(json.dumps(record))
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    card = write_model_card(tmp_path).read_text()
    assert "kept the average of the weights of the last 27 (val accuracy 67.50%; best single epoch 66.90%)" in card
    assert "weights averaged over the last 27 epochs at learning rate 0.005" in card
    assert "--epochs 30 --average-epochs 27 --floor-lr 0.005 --erase 0.5" in card
    record["kept"] = False
    (tmp_path / AVERAGE_FILE).write_text(json.dumps(record))
    assert "kept epoch 1 (val accuracy 61.00%)" in write_model_card(tmp_path).read_text()


def test_card_gives_the_teachers_train_commands_once_each_before_the_distilled_run(tmp_path, recognizer):
    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    first = asdict(Recipe())
    restart = asdict(Recipe(epochs=15, init_from="/w/first/emotion.keras")) | {"init_recipe": first}
    teachers = ("/w/first/emotion.keras", "/w/restart/emotion.keras")
    student = Recipe(epochs=20, init_from=teachers[1], teachers=teachers)
    saved = asdict(student) | {"init_recipe": restart, "teacher_recipes": [first, restart]}
    (tmp_path / "recipe.json").write_text(json.dumps(saved))
    (tmp_path / "history.csv").write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.4,0.61,1.2\n")
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    card = write_model_card(tmp_path).read_text()
    train = "python -m fer_core.training train --data ../shared/data/fer2013 --out"
    assert (
        f"{train} models-start-start\n"
        f"{train} models-start --epochs 15 --init models-start-start/emotion.keras\n"
        f"{train} models --epochs 20 --init models-start/emotion.keras --teacher models-start-start/emotion.keras "
        "--teacher models-start/emotion.keras\n"
    ) in card
    assert "each target 70% the mean answer of 2 earlier model(s)" in card


def _accuracy_report() -> dict:
    recall = dict.fromkeys(("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"), 0.5)
    photos = {"n": 10, "accuracy": 0.6, "macro_f1": 0.55, "recall": recall}
    val = {"fer2013": {"accuracy": 0.675, "macro_f1": 0.66}, "ferplus_majority": {"accuracy": 0.8123, "n_counted": 90}}
    return {
        "command": "bench/accuracy.py --model models/emotion.keras",
        "date": "2026-12-02T06:00:00+00:00",
        "val": {"single": val, "tta12": val},
        "wild_dev": {
            "n_photos": 11,
            "no_face": ["x.jpg"],
            "single": {"all": photos, "report": photos},
            "tta12": {"all": photos, "report": photos},
            "most_photographed": {
                "tta12": [
                    {
                        "person": "Ann",
                        "half": "tune",
                        "faces": 3,
                        "share": 0.3,
                        "accuracy": 0.33,
                        "accuracy_without": 0.71,
                    }
                ]
            },
        },
        "speed": {"batch1_ms": 2.5, "batch1_tta12_ms": 16.0, "cpus": 2},
    }


def test_card_summarises_agreement_with_the_crowd_and_real_photos_from_the_accuracy_report(tmp_path, recognizer):
    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(Recipe())))
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    assert "Agreement with people" not in write_model_card(tmp_path).read_text()
    (tmp_path / "accuracy.json").write_text(json.dumps(_accuracy_report()))
    card = write_model_card(tmp_path).read_text()
    assert "| val: accuracy against the FER+ crowd majority (90 faces) | 81.23% | 81.23% |" in card
    assert "| wild_dev real photos, the held-out half (10 faces): accuracy / macro-F1 | 60.00% / 0.550 |" in card
    assert "| classifier time per face (batch 1, 2 CPU cores) | 2.5 ms | 16.0 ms |" in card
    assert "3 of its faces (30%) are one person, Ann (tune half): 33% right on them, 71% on everyone else's" in card


def test_card_says_a_model_trained_on_crowd_votes_was_chosen_by_agreement_with_the_crowd(tmp_path, recognizer):
    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    recipe = Recipe(epochs=2, votes="../shared/data/fer2013/ferplus.csv", vote_weight=0.7)
    (tmp_path / "recipe.json").write_text(json.dumps(asdict(recipe)))
    (tmp_path / "history.csv").write_text(
        "epoch,val_accuracy,val_crowd_accuracy,val_label_accuracy\n0,0.7,0.79,0.66\n1,0.69,0.81,0.67\n"
    )
    (tmp_path / "emotion.keras").write_bytes(recognizer.classifier.model_path.read_bytes())
    card = write_model_card(tmp_path).read_text()
    assert "kept epoch 2 (val agreement with the FER+ crowd majority 81.00%, with FER2013's labels 67.00%)" in card
    assert "--votes ../shared/data/fer2013/ferplus.csv --vote-weight 0.7" in card
    assert "FER+" in card.split("## Data and training")[1].split("- Reproduce")[0]
