"""How alike a printed label is to a template's: a score from 0 to 100, character by character.

A label a typist or a recogniser damaged ("本年废纸件数" for 本年废止件数, "其他法律行政止公开")
keeps most of its characters in order, so a normalised edit similarity (rapidfuzz's Indel
ratio) still tells it from every other label of its table. A printed text much longer than
the template's label (a group label before a leaf, headers printed with it) is scored by its
best window; one about as long, or shorter, by the whole, so neither a fragment nor another
label that shares a character scores as the label.

    >>> round(likeness("本年废纸件数", ("本年废止件数",)))
    83
    >>> likeness("(三)不予公开1.属于国家秘密", ("属于国家秘密",))
    100.0
    >>> likeness("规苑性丈件", ("规章",)) < likeness("规苑性丈件", ("规范性文件",))
    True
    >>> likeness("国家", ("属于国家秘密",)) < 60
    True
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

EXACT = 100.0
# A printed text this much longer than a label holds more than the label (a group label, the
# headers run together with it) and is scored by its best window; one about as long is the
# label, damaged, and is scored whole ("规苑性丈件" is not "规章" because it starts with 规).
_LONGER = 1.5
_EXTRA = 2


def likeness(printed: str, labels: Iterable[str]) -> float:
    """The best score of the printed text (compact form) against any of a row's labels."""
    best = 0.0
    for label in labels:
        if not label or not printed:
            continue
        if len(printed) > _LONGER * len(label) + _EXTRA:
            score = fuzz.partial_ratio(label, printed)
        else:
            score = fuzz.ratio(label, printed)
        best = max(best, score)
    return best
