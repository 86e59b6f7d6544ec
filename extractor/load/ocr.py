"""OCR: a page picture → the same blocks a text-layer PDF page gives (text lines, ruled tables).

The page is straightened, its ruled tables found as grids of boxes (`ocr_grid`), and its text
lines detected. Outside the tables, each detected line is read into a line of words, as the
PDF reader makes them. Inside a table, each box is read on its own: the detected lines that
fall in it, clipped to it, and then whatever ink of the box no detected line covers, cut out
and read as a line of its own. Detection overlooks a lone "0" in a wide box; this second pass
does not, and a box whose ink still reads as nothing keeps confidence 0, so it is questioned
rather than taken for a printed blank. A box with no ink is a blank, read with certainty.

Every word and cell keeps the recogniser's confidence, and its box in points of the page
as it was scanned (the straightening undone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from ..limits import DEFAULT, Limits
from ..numbers import PLACEHOLDERS
from . import ocr_engine, ocr_grid, raster
from .budget import check_pages
from .document import Document
from .errors import LoadError
from .pagemarks import drop_furniture
from .pages import NO_TEXT_FOUND, stitch
from .pdf_page import GridCell, Line, Page, Table, Word, _lines

PxBox = tuple[int, int, int, int]
_DASHES = frozenset("-—–―一_~")
_NUMBER = re.compile(r"[-−]?\d[\d,.]*")
# Scans are made at 150-300 dpi; a PDF page of pictures is rendered at this resolution.
DPI = 200
# A recognition below this is tried again on a roomier picture of the same ink.
_RETRY_BELOW = 0.95
# A mark at most this many times as wide as it is tall is short: a number of a few digits.
_SHORT = 3.0
# Ink below this many square points is scanner noise, not a printed mark (a decimal point
# is about 1 square point at 8 pt).
_SPECK_PT2 = 0.3


@dataclass
class _Piece:
    """One line picture to recognise, and where its text goes."""

    box: PxBox
    cell: int | None  # index of the grid cell, None for a line outside the tables
    text: str = ""
    confidence: float = 0.0
    digits: str = ""  # the same ink read as digits alone, and how sure of them the model was
    digits_confidence: float = 0.0


def read_scan(name: str, data: bytes, number: int, limits: Limits = DEFAULT) -> Page:
    """Page `number` (1-based) of a PDF or an image file, read by OCR, its picture within the
    picture limit (a PDF page too large for it is drawn coarser; an image file past it fails)."""
    picture, px_per_pt = raster.render(data, number, DPI, limits=limits, name=name)
    return read_page(np.asarray(picture), number, px_per_pt)


def read_image(name: str, data: bytes, sha256: str, *, limits: Limits = DEFAULT) -> Document:
    """An image file (PNG, JPEG, TIFF of one page or several) as a document."""
    try:
        count = raster.page_count(data, limits, name)
        check_pages(limits, name, count)
        pages = [read_scan(name, data, n, limits) for n in range(1, count + 1)]
    except (OSError, ValueError, SyntaxError) as e:  # Pillow's word for a damaged file
        raise LoadError(name, f"damaged image: {e}") from None
    dropped = drop_furniture(pages)
    if not any(p.blocks for p in pages):
        raise LoadError(name, NO_TEXT_FOUND)
    doc = Document(path=name, format="image", sha256=sha256, pages=count)
    doc.notes.append(f"pages read by OCR: {', '.join(map(str, range(1, count + 1)))}")
    if dropped:
        doc.notes.append(f"{dropped} page numbers or running headers dropped")
    doc.rows = stitch(pages)
    return doc


def read_page(gray: np.ndarray, number: int, px_per_pt: float) -> Page:
    """One page picture (grayscale, `px_per_pt` pixels per point) as a page of blocks."""
    angle = ocr_grid.skew(gray)
    straight = ocr_grid.straighten(gray, angle)
    binary = ocr_grid.ink(straight)
    grids, rulings = ocr_grid.grids(binary, px_per_pt)
    h, w = gray.shape
    back = _unrotate(angle, w, h, px_per_pt)
    page = Page(number, h / px_per_pt, images=1)
    if not binary.any():
        return page
    clean = _without(straight, rulings)
    detected = ocr_engine.detect(clean)
    marks = _marks(binary, rulings, px_per_pt)
    pieces = [_Piece(box, None) for box in detected if not _in_table(box, grids)]
    inner = [_interior(c.box, px_per_pt) for g in grids for c in g.cells]
    for i, interior in enumerate(inner):
        pieces += [_Piece(b, i) for b in _cell_lines(interior, detected, marks, px_per_pt)]
    _recognise(clean, pieces)
    words = [Word(p.text, back(p.box), p.confidence) for p in pieces if p.cell is None and p.text]
    blocks: list[Line | Table] = [*_lines(words)]
    by_cell: dict[int, list[_Piece]] = {}
    for p in pieces:
        if p.cell is not None:
            by_cell.setdefault(p.cell, []).append(p)
    start = 0
    for g in grids:
        _settle_numbers(g, [by_cell.get(start + j, []) for j in range(len(g.cells))])
        cells = {}
        for j, c in enumerate(g.cells):
            cells[(c.r0, c.c0)] = (c, by_cell.get(start + j, []))
        start += len(g.cells)
        blocks.append(_table(g, cells, back))
    blocks.sort(key=lambda b: b.top)
    # Empty ruled boxes and nothing else is a form with no text, not a page that was read.
    page.blocks = blocks if words or any(p.text for p in pieces) else []
    page.chars = sum(len(w.text) for w in words)
    return page


def _without(gray: np.ndarray, rulings: np.ndarray) -> np.ndarray:
    """The page with its ruling lines painted white: detection then sees text alone."""
    out = gray.copy()
    out[cv2.dilate(rulings, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def _marks(binary: np.ndarray, rulings: np.ndarray, px_per_pt: float) -> np.ndarray:
    """Printed marks other than ruling lines, specks of scanner noise removed."""
    marks = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(rulings, np.ones((3, 3), np.uint8))))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    least = max(2, round(_SPECK_PT2 * px_per_pt * px_per_pt))
    keep = np.zeros(count, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= least
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _in_table(box: PxBox, grids: list[ocr_grid.Grid]) -> bool:
    """Whether a detected line's middle falls inside one of the tables."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(g.box[0] <= cx <= g.box[2] and g.box[1] <= cy <= g.box[3] for g in grids)


def _interior(box: PxBox, px_per_pt: float) -> PxBox:
    inset = max(2, round(0.8 * px_per_pt))
    x0, top, x1, bottom = box
    return (x0 + inset, top + inset, max(x0 + inset + 1, x1 - inset), max(top + inset + 1, bottom - inset))


def _clip(box: PxBox, to: PxBox) -> PxBox | None:
    x0, top, x1, bottom = max(box[0], to[0]), max(box[1], to[1]), min(box[2], to[2]), min(box[3], to[3])
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


def _cell_lines(interior: PxBox, detected: list[PxBox], marks: np.ndarray, px_per_pt: float) -> list[PxBox]:
    """The line boxes to read in one cell: each detected line centred in it, grown to the whole
    marks it holds and clipped to the cell, then the cell's ink no such line holds, grouped
    into lines (a stray sliver of a ruling line is no line).

    A mark belongs to the detected line that covers most of it: detection pads its boxes, so the
    boxes of two lines set close together (a header wrapped in a tall cell) overlap, and the
    lower box reaches into the glyphs of the upper line."""
    x0, top, x1, bottom = interior
    ink = marks[top:bottom, x0:x1]
    if not ink.any():
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    lines = [b for b in (_clip(box, interior) for box in detected if _centred(box, interior)) if b is not None]
    owner = _owners(stats, lines, x0, top)
    out = [_union(stats, members, x0, top) for members in owner.values()]
    left = [i for i in range(1, count) if i not in {m for ms in owner.values() for m in ms}]
    tall = 2.5 * px_per_pt
    for group in _rows_of(stats, left, px_per_pt):
        line = _union(stats, group, x0, top)
        if line[3] - line[1] >= tall:
            out.append(line)
    return sorted(out, key=lambda b: (b[1], b[0]))


def _centred(box: PxBox, interior: PxBox) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return interior[0] <= cx <= interior[2] and interior[1] <= cy <= interior[3]


def _owners(stats: np.ndarray, lines: list[PxBox], dx: int, dy: int) -> dict[int, list[int]]:
    """For each line (by index) the marks it covers more of than any other line does."""
    owner: dict[int, list[int]] = {}
    if not lines:
        return owner
    boxes = np.array(lines, dtype=np.int64)
    left = dx + stats[1:, cv2.CC_STAT_LEFT].astype(np.int64)
    top = dy + stats[1:, cv2.CC_STAT_TOP].astype(np.int64)
    right = left + stats[1:, cv2.CC_STAT_WIDTH]
    bottom = top + stats[1:, cv2.CC_STAT_HEIGHT]
    w = np.minimum(right[:, None], boxes[None, :, 2]) - np.maximum(left[:, None], boxes[None, :, 0])
    h = np.minimum(bottom[:, None], boxes[None, :, 3]) - np.maximum(top[:, None], boxes[None, :, 1])
    # A mark a box only touches (a pixel's overlap) is the box's too: a lone "0" detection
    # outlines tightly. Each mark goes to the box covering the most of it.
    covered = np.clip(w, 0, None) * np.clip(h, 0, None) + ((w >= 0) & (h >= 0))
    best = covered.argmax(axis=1)
    for i, (line, amount) in enumerate(zip(best, covered[np.arange(len(best)), best])):
        if amount > 0:
            owner.setdefault(int(line), []).append(i + 1)
    return dict(sorted(owner.items()))


def _union(stats: np.ndarray, members: list[int], dx: int, dy: int) -> PxBox:
    x = stats[members, cv2.CC_STAT_LEFT]
    y = stats[members, cv2.CC_STAT_TOP]
    return (
        dx + int(x.min()),
        dy + int(y.min()),
        dx + int((x + stats[members, cv2.CC_STAT_WIDTH]).max()),
        dy + int((y + stats[members, cv2.CC_STAT_HEIGHT]).max()),
    )


def _rows_of(stats: np.ndarray, members: list[int], px_per_pt: float) -> list[list[int]]:
    """Marks grouped into lines: a mark joins the line it overlaps vertically by a third of
    its height; the marks of a line are then split where they stand far apart."""
    rows: list[tuple[int, int, list[int]]] = []
    for i in sorted(members, key=lambda i: stats[i, cv2.CC_STAT_TOP]):
        top, h = int(stats[i, cv2.CC_STAT_TOP]), int(stats[i, cv2.CC_STAT_HEIGHT])
        if rows and top < rows[-1][1] - h / 3:
            first, bottom, group = rows[-1]
            rows[-1] = (first, max(bottom, top + h), [*group, i])
        else:
            rows.append((top, top + h, [i]))
    gap = 4 * px_per_pt
    out: list[list[int]] = []
    for _, _, group in rows:
        group.sort(key=lambda i: stats[i, cv2.CC_STAT_LEFT])
        run = [group[0]]
        for i in group[1:]:
            prev_end = max(stats[j, cv2.CC_STAT_LEFT] + stats[j, cv2.CC_STAT_WIDTH] for j in run)
            if stats[i, cv2.CC_STAT_LEFT] - prev_end > gap:
                out.append(run)
                run = [i]
            else:
                run.append(i)
        out.append(run)
    return out


def _picture(gray: np.ndarray, box: PxBox, room: float) -> np.ndarray:
    """The line's ink on a white margin `room` × its height wide on every side."""
    x0, top, x1, bottom = box
    crop = gray[top:bottom, x0:x1]
    h, w = crop.shape
    pad_y = max(2, round(room * h))
    # A narrow mark (one digit) gets room to be a line: the recogniser expects text running on.
    pad_x = max(pad_y, round((h - w) / 2) + pad_y) if w < h else pad_y
    return cv2.copyMakeBorder(crop, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_CONSTANT, value=255)


def _recognise(gray: np.ndarray, pieces: list[_Piece]) -> None:
    """Read every piece; a piece of a table cell read with doubt is read again with more room
    around its ink, and the surer reading kept."""
    _read(gray, pieces, 0.25)
    doubtful = [p for p in pieces if p.cell is not None and _doubtful(p)]
    short = [p for p in doubtful if p.box[2] - p.box[0] <= _SHORT * (p.box[3] - p.box[1])]
    _read(gray, [p for p in doubtful if p not in short], 0.8)
    _read(gray, short, 0.25, padded=True)
    _read_repeated(gray, [p for p in short if _doubtful(p)])


def _read(gray: np.ndarray, pieces: list[_Piece], room: float, padded: bool = False) -> None:
    """Read the pieces, each keeping the surer of this reading and what it had."""
    results = ocr_engine.recognise([_picture(gray, p.box, room) for p in pieces], padded)
    for p, r in zip(pieces, results):
        if r.text and (not p.text or r.confidence > p.confidence):
            p.text, p.confidence = r.text, r.confidence
        if r.digits_confidence > p.digits_confidence:
            p.digits, p.digits_confidence = r.digits, r.digits_confidence


def _doubtful(p: _Piece) -> bool:
    """A reading worth another look: unsure, or one sign that is no digit where a digit may
    stand (two "1"s whose serifs touch read as "目")."""
    if not p.text or p.confidence < _RETRY_BELOW:
        return True
    return len(p.text) == 1 and not p.text.isdigit() and (bool(p.digits) or _upright_dash(p))


def _upright_dash(p: _Piece) -> bool:
    """A dash read from a mark taller than it is wide: the mark is a "1", not a dash."""
    x0, top, x1, bottom = p.box
    return p.text in _DASHES and bottom - top > x1 - x0


def _read_repeated(gray: np.ndarray, pieces: list[_Piece]) -> None:
    """A short mark read once by a recogniser made for running text is its weak case (a lone
    "1", a "0"): the mark is printed three times in a row and read again; when the reading is
    one text three times over, that text is taken, with the confidence of the whole reading."""
    if not pieces:
        return
    results = ocr_engine.recognise([_repeated(gray, p.box) for p in pieces], padded=True)
    for p, r in zip(pieces, results):
        text = r.text.replace(" ", "")
        third = len(text) // 3
        if not third or text != text[:third] * 3 or r.confidence <= p.confidence:
            continue
        p.text, p.confidence = text[:third], r.confidence
    for p, r in zip(pieces, results):
        digits = r.digits.replace(" ", "")
        third = len(digits) // 3
        if third and digits == digits[:third] * 3 and r.digits_confidence > p.digits_confidence:
            p.digits, p.digits_confidence = digits[:third], r.digits_confidence


def _repeated(gray: np.ndarray, box: PxBox) -> np.ndarray:
    x0, top, x1, bottom = box
    crop = gray[top:bottom, x0:x1]
    h = crop.shape[0]
    gap = np.full((h, max(2, h)), 255, np.uint8)
    line = np.hstack([crop, gap, crop, gap, crop])
    pad = max(2, round(0.4 * h))
    return cv2.copyMakeBorder(line, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _settle_numbers(grid: ocr_grid.Grid, pieces: list[list[_Piece]]) -> None:
    """Where a table's row and column hold numbers, a cell read as one sign that is no number
    and no placeholder (two touching "1"s read as "目") is read as digits alone, and keeps the
    probability the model gave those digits: low, so the cell is questioned. With no digits
    to read it is ink that reads as nothing."""
    rows: dict[int, list[str]] = {}
    columns: dict[int, list[str]] = {}
    for box, ps in zip(grid.cells, pieces):
        text = "".join(p.text for p in ps)
        if text and box.c1 - box.c0 == 1:
            rows.setdefault(box.r0, []).append(text)
            columns.setdefault(box.c0, []).append(text)

    def numeric(texts: list[str]) -> bool:
        n = sum(bool(_NUMBER.fullmatch(t)) for t in texts)
        return n >= 2 and n * 2 >= len(texts)

    for box, ps in zip(grid.cells, pieces):
        if len(ps) != 1 or box.c1 - box.c0 != 1 or box.r1 - box.r0 != 1:
            continue
        p = ps[0]
        if _NUMBER.fullmatch(p.text) or (p.text in PLACEHOLDERS and not _upright_dash(p)) or len(p.text) > 1:
            continue
        if numeric(rows.get(box.r0, [])) and numeric(columns.get(box.c0, [])):
            p.text, p.confidence = (p.digits, p.digits_confidence) if p.digits else ("", 0.0)


def _table(grid: ocr_grid.Grid, cells: dict, back) -> Table:
    rows: list[list[GridCell | None]] = [[None] * grid.columns for _ in range(grid.rows)]
    for (r0, c0), (box, pieces) in cells.items():
        read = [p for p in pieces if p.text]
        text = "\n".join(p.text for p in read)
        if pieces and len(read) < len(pieces):
            confidence = 0.0  # ink that reads as nothing: a mark nobody can name
        elif read:
            confidence = min(p.confidence for p in read)
        else:
            confidence = 1.0  # no ink at all: a printed blank
        pts = back(box.box)
        for r in range(box.r0, box.r1):
            for c in range(box.c0, box.c1):
                if rows[r][c] is None:
                    rows[r][c] = GridCell(text, pts, copy=(r, c) != (r0, c0), confidence=confidence)
    return Table(rows, back(grid.box))


def _unrotate(angle: float, w: int, h: int, px_per_pt: float):
    """Pixel boxes of the straightened picture → point boxes of the page as scanned."""
    m = cv2.invertAffineTransform(cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0))

    def back(box: PxBox) -> tuple[float, float, float, float]:
        x0, top, x1, bottom = box
        corners = np.array([[x0, top, 1], [x1, top, 1], [x0, bottom, 1], [x1, bottom, 1]], dtype=np.float64)
        moved = corners @ m.T
        xs, ys = moved[:, 0] / px_per_pt, moved[:, 1] / px_per_pt
        return (round(float(xs.min()), 1), round(float(ys.min()), 1), round(float(xs.max()), 1), round(float(ys.max()), 1))

    return back
