"""One PDF page as blocks in reading order: text lines of words, and ruled tables as grids.

pdfplumber finds the tables from their ruling lines (`find_tables`); a table's cells keep their
boxes, merged cells included. The words outside the tables are grouped into lines by their
vertical position, each word its own cell, so every printed number keeps its own box.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom, in points from the page's top left

# Positions closer than this (points) are the same ruling line.
_SNAP = 1.0


@dataclass
class Word:
    text: str
    bbox: BBox
    confidence: float | None = None  # the recogniser's, for a word read by OCR


@dataclass
class Line:
    words: list[Word]
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class GridCell:
    text: str
    bbox: BBox
    copy: bool = False  # a position covered by a merged cell that starts elsewhere
    confidence: float | None = None  # the recogniser's, for a cell read by OCR


@dataclass
class Table:
    rows: list[list[GridCell | None]]
    bbox: BBox

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class Page:
    number: int  # 1-based
    height: float
    blocks: list[Line | Table] = field(default_factory=list)
    chars: int = 0  # characters with a readable text layer
    undecodable: int = 0  # characters whose font has no Unicode map ("(cid:N)")
    images: int = 0


def read_page(page: Any, rulings: bool = True) -> Page:
    """Blocks of one pdfplumber page, top to bottom. `rulings=False`: text lines only."""
    chars = page.chars
    undecodable = sum(1 for ch in chars if ch["text"].startswith("(cid:"))
    out = Page(page.page_number, float(page.height), chars=len(chars) - undecodable, undecodable=undecodable)
    out.images = len(page.images)
    if not chars:
        return out
    found = page.find_tables() if rulings else []
    tables = [t for t in (_table(t) for t in found) if t is not None]
    boxes = [t.bbox for t in tables]
    words = [
        Word(w["text"], (w["x0"], w["top"], w["x1"], w["bottom"]))
        for w in page.extract_words()
        if not _inside_any(w, boxes)
    ]
    blocks: list[Line | Table] = [*_lines(words), *tables]
    blocks.sort(key=lambda b: b.top)
    out.blocks = blocks
    return out


def _inside_any(w: dict, boxes: list[BBox]) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _lines(words: list[Word]) -> list[Line]:
    """Words grouped into lines: a word belongs to a line when its middle lies within the line."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.bbox[1], w.bbox[0])):
        middle = (w.bbox[1] + w.bbox[3]) / 2
        if lines and lines[-1].top <= middle <= lines[-1].bottom:
            line = lines[-1]
            line.words.append(w)
            line.bottom = max(line.bottom, w.bbox[3])
        else:
            lines.append(Line([w], w.bbox[1], w.bbox[3]))
    for line in lines:
        line.words.sort(key=lambda w: w.bbox[0])
    return lines


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _table(found: Any) -> Table | None:
    """A pdfplumber table as a full grid; None for a one-column box (a framed paragraph)."""
    cells: list[BBox] = list(found.cells)
    xs = _edges([c[0] for c in cells])
    ys = _edges([c[1] for c in cells])
    if len(xs) < 2:
        return None
    texts: dict[BBox, str] = {}
    for row, extracted in zip(found.rows, found.extract()):
        for box, text in zip(row.cells, extracted):
            if box is not None:
                texts[box] = text or ""
    grid: list[list[GridCell | None]] = [[None] * len(xs) for _ in ys]
    for box in cells:
        c0, c1 = _span(xs, box[0], box[2])
        r0, r1 = _span(ys, box[1], box[3])
        text = texts.get(box, "")
        for r in range(r0, r1):
            for c in range(c0, c1):
                grid[r][c] = GridCell(text, box, copy=(r, c) != (r0, c0))
    return Table(grid, tuple(found.bbox))


def _span(edges: list[float], start: float, end: float) -> tuple[int, int]:
    """The grid indices [first, last) a cell from `start` to `end` covers."""
    first = max(0, bisect_left(edges, start - _SNAP))
    last = max(first + 1, bisect_left(edges, end - _SNAP))
    return first, last
