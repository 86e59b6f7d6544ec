"""The recogniser: RapidOCR's PP-OCRv4 Chinese models on onnxruntime, on the CPU, offline.

The models ship inside the `rapidocr-onnxruntime` wheel (the `[ocr]` extra), so nothing is
fetched at run time. Two jobs are used apart, not the library's whole pipeline: detection
finds the text lines of the page outside the tables, and recognition reads one line picture
at a time: a table cell's lines are cut from its box, so a lone "0" that detection overlooks
is still read.
"""

from __future__ import annotations

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

    boxes, _ = _engine().text_det(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
    if boxes is None:
        return []
    out = []
    for quad in boxes:
        xs, ys = quad[:, 0], quad[:, 1]
        out.append((int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))))
    return out


def recognise(lines: list[np.ndarray]) -> list[tuple[str, float]]:
    """The text and the confidence (0-1) of each picture of one line of text."""
    if not lines:
        return []
    import cv2

    pictures = [cv2.cvtColor(p, cv2.COLOR_GRAY2BGR) for p in lines]
    results, _ = _engine().text_rec(pictures)
    return [(text.strip(), float(score)) for text, score in results]
