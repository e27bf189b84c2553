"""Save a contact sheet of aligned faces from real photos above FER2013 crops, to check they are framed alike.

    .venv/bin/python bench/contact_sheet.py [PHOTO_DIR] [--fer DIR] [--out bench/results/contact_sheet.png]

Prints how many faces were found in each photo. PHOTO_DIR defaults to ../shared/data/faces (else the test
fixtures); the bottom row takes FER2013 val crops, one per emotion, when that folder exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fer_core import EMOTIONS, EmotionRecognizer  # noqa: E402
from fer_core.datasets import read_crop  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SCALE = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_photos = SHARED / "faces" if (SHARED / "faces").is_dir() else ROOT / "pages" / "examples"
    parser.add_argument("photos", nargs="?", default=str(default_photos))
    parser.add_argument("--fer", default=str(SHARED / "fer2013" / "val"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "contact_sheet.png"))
    args = parser.parse_args()

    recognizer = EmotionRecognizer().with_tta()  # as the Photos page analyses
    crops = []
    for path in sorted(p for p in Path(args.photos).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png")):
        faces = recognizer.analyze(path)
        print(f"{path.name}: {len(faces)} face(s): {', '.join(f'{f.emotion} {f.confidence:.0%}' for f in faces)}")
        crops += [_labelled(f.aligned, f"{f.emotion}") for f in faces]
    rows = [crops]
    fer = Path(args.fer)
    if fer.is_dir():
        rows.append([_labelled(read_crop(sorted((fer / e).glob("*.jpg"))[0]), f"FER {e}") for e in EMOTIONS])
    width = max(len(r) for r in rows)
    blank = np.full_like(crops[0], 255)
    sheet = np.vstack([np.hstack(r + [blank] * (width - len(r))) for r in rows])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(args.out, sheet)
    print(f"{len(crops)} aligned faces above {len(rows[-1]) if len(rows) > 1 else 0} FER2013 crops: {args.out}")


def _labelled(face: np.ndarray, text: str) -> np.ndarray:
    tile = cv2.resize(face, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC)
    tile = cv2.copyMakeBorder(tile, 0, 18, 2, 2, cv2.BORDER_CONSTANT, value=255)
    cv2.putText(tile, text, (3, tile.shape[0] - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.4, 0, 1, cv2.LINE_AA)
    return tile


if __name__ == "__main__":
    main()
