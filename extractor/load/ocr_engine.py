"""The recogniser: RapidOCR's PP-OCRv4 Chinese models on onnxruntime, on the CPU, offline.

The models ship inside the `rapidocr-onnxruntime` wheel (the `[ocr]` extra), so nothing is
fetched at run time. Two jobs are used apart, not the library's whole pipeline: detection
finds the text lines of the page outside the tables, and recognition reads one line picture
at a time: a table cell's lines are cut from its box, so a lone "0" that detection overlooks
is still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy comes with the engine: nothing here imports it before a scan is met
    import numpy as np

EXTRA = "ocr"
MISSING = (
    f"scanned pages need the OCR engine: install the [{EXTRA}] extra "
    f"(pip install 'gov-report-extractor[{EXTRA}]')"
)


class EngineMissing(ImportError):
    pass


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:
        raise EngineMissing(MISSING) from e
    return RapidOCR(use_cls=False, print_verbose=False)


def available() -> bool:
    try:
        _engine()
    except EngineMissing:
        return False
    return True


def detect(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, top, x1, bottom, pixels) of the text lines of a page picture."""
    import cv2
    import numpy as np

    # Lines of 8 pt text are still 13 pixels high at this size; detection's time goes with the area.
    factor = min(1.0, _DETECT_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    boxes, _ = _engine().text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    if boxes is None:
        return []
    out = []
    for quad in boxes:
        xs, ys = quad[:, 0] / factor, quad[:, 1] / factor
        out.append((int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))))
    return out


@dataclass(frozen=True)
class Recognised:
    """One line picture as read: freely, and as digits alone (the same model's frames decoded
    over the digit classes only, with the probability the model gave those digits)."""

    text: str
    confidence: float
    digits: str
    digits_confidence: float


_BATCH = 8
_LEAST_RATIO = 2.0
_LINE_RATIO = 320 / 48
_DETECT_SIDE = 1400
_DIGITS = "0123456789."


def recognise(lines: list[np.ndarray], padded: bool = False) -> list[Recognised]:
    """Each picture (grayscale) of one line of text, read. `padded`: as the library does, each
    picture padded out to the width of a line of text (slower, surer for a lone mark)."""
    if not lines:
        return []
    import cv2
    import numpy as np

    rec = _engine().text_rec
    chars = rec.postprocess_op.character  # index 0 is CTC's blank
    allowed = np.array([0] + [i for i, ch in enumerate(chars) if ch in _DIGITS])
    order = sorted(range(len(lines)), key=lambda i: lines[i].shape[1] / lines[i].shape[0])
    out: list[Recognised | None] = [None] * len(lines)
    for start in range(0, len(order), _BATCH):
        batch = order[start : start + _BATCH]
        # The model reads any width; padding a lone digit out to the 320 pixels of a line of
        # text, as the library does, would spend most of the time on nothing.
        ratio = max(_LINE_RATIO if padded else _LEAST_RATIO, *(lines[i].shape[1] / lines[i].shape[0] for i in batch))
        pictures = [rec.resize_norm_img(cv2.cvtColor(lines[i], cv2.COLOR_GRAY2BGR), ratio)[np.newaxis] for i in batch]
        frames = rec.session(np.concatenate(pictures).astype(np.float32))[0]
        for i, probs in zip(batch, frames):
            text, confidence = _decode(probs, np.arange(probs.shape[1]), chars)
            digits, digits_confidence = _decode(probs, allowed, chars)
            out[i] = Recognised(text.strip(), confidence, digits, digits_confidence)
    return out  # type: ignore[return-value]


def _decode(probs: np.ndarray, classes: np.ndarray, chars: list[str]) -> tuple[str, float]:
    """Greedy CTC decoding over `classes` only: the text, and the mean probability of its characters."""
    sub = probs[:, classes]
    best = classes[sub.argmax(axis=1)]
    p = sub.max(axis=1)
    keep = best != 0
    keep[1:] &= best[1:] != best[:-1]
    if not keep.any():
        return "", 0.0
    return "".join(chars[i] for i in best[keep]), float(p[keep].mean())
