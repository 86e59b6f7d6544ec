"""A page picture straightened, and its ruled tables found as grids of cell boxes (pixels).

A scanner feeds a page a little askew: the angle that makes the ink's rows most sharply
separated (the variance of the row sums) is the page's skew, undone before anything else.
Ruling lines are long thin runs of ink: opening the inked pixels with a long flat (or tall)
kernel keeps them and drops the strokes of characters. A table is a cluster of such lines;
its columns and rows are where the lines run, and two neighbouring grid positions belong to one
merged cell when no line separates them. An empty box is then a printed blank, not a zero
that recognition missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Pixel sizes below are for a page rendered at about 200 dpi; `Scale` adapts them.
_MAX_SKEW = 2.0  # degrees searched either way
_SKEW_STEP = 0.05


@dataclass(frozen=True)
class GridBox:
    """One printed cell: its box and the grid positions it covers, [r0, r1) × [c0, c1)."""

    box: tuple[int, int, int, int]  # x0, top, x1, bottom in pixels
    r0: int
    r1: int
    c0: int
    c1: int


@dataclass
class Grid:
    box: tuple[int, int, int, int]
    xs: list[int]
    ys: list[int]
    cells: list[GridBox]

    @property
    def columns(self) -> int:
        return len(self.xs) - 1

    @property
    def rows(self) -> int:
        return len(self.ys) - 1


def ink(gray: np.ndarray) -> np.ndarray:
    """Inked pixels (255) of a grayscale page: Otsu's threshold, so a grey scan counts too."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def skew(gray: np.ndarray) -> float:
    """The page's rotation in degrees (counter-clockwise positive), from the ink's rows."""
    small = gray
    factor = 1000 / max(gray.shape)
    if factor < 1:
        small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    binary = ink(small)
    if not binary.any():
        return 0.0
    h, w = binary.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rows = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    def best(angles: np.ndarray) -> float:
        return float(max(angles, key=sharpness))

    coarse = best(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.25))
    return best(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, _SKEW_STEP))


def straighten(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < _SKEW_STEP / 2:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def rulings(binary: np.ndarray, px_per_pt: float) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal and the vertical ruling lines of the page, as masks."""
    # Longer than any character stroke (body text is 10-12 pt), shorter than the narrowest cell.
    length = max(15, round(16 * px_per_pt))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    # A blurred scan breaks a line here and there; bridge gaps of a couple of pixels.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
    return horizontal, vertical


def grids(binary: np.ndarray, px_per_pt: float) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables of the page, top to bottom, and the mask of all ruling lines."""
    horizontal, vertical = rulings(binary, px_per_pt)
    lines = cv2.bitwise_or(horizontal, vertical)
    joined = cv2.dilate(lines, np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    out: list[Grid] = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w < 60 * px_per_pt or h < 20 * px_per_pt:
            continue  # an underline or a rule across the page, not a table
        grid = _grid(horizontal[y : y + h, x : x + w], vertical[y : y + h, x : x + w], (x, y), px_per_pt)
        if grid is not None:
            out.append(grid)
    out.sort(key=lambda g: g.box[1])
    return out, lines


def _positions(profile: np.ndarray, least: float) -> list[int]:
    """Centres of the runs of `profile` at or above `least` (one ruling line each)."""
    on = profile >= least
    out: list[int] = []
    start = None
    for i, v in enumerate([*on, False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


def _grid(horizontal: np.ndarray, vertical: np.ndarray, origin: tuple[int, int], px_per_pt: float) -> Grid | None:
    h, w = horizontal.shape
    least = 8 * px_per_pt  # a line at least as long as a narrow cell's side
    ys = _positions((horizontal > 0).sum(axis=1), least)
    xs = _positions((vertical > 0).sum(axis=0), least)
    if len(xs) < 3 or len(ys) < 2:
        return None  # a framed paragraph or a box of one column: its text is read as lines
    rows, cols = len(ys) - 1, len(xs) - 1
    band = max(2, round(1.5 * px_per_pt))

    def covered(mask: np.ndarray, fixed: int, a: int, b: int, along_x: bool) -> bool:
        inset = max(1, (b - a) // 6)
        a, b = a + inset, b - inset
        if b <= a:
            return True
        strip = mask[max(0, fixed - band) : fixed + band + 1, a:b] if along_x else mask[a:b, max(0, fixed - band) : fixed + band + 1]
        run = strip.max(axis=0 if along_x else 1) > 0
        return bool(run.mean() >= 0.6)

    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not covered(vertical, xs[c + 1], ys[r], ys[r + 1], along_x=False):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not covered(horizontal, ys[r + 1], xs[c], xs[c + 1], along_x=True):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    ox, oy = origin
    cells = []
    for members in groups.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members) + 1
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members) + 1
        cells.append(GridBox((ox + xs[c0], oy + ys[r0], ox + xs[c1], oy + ys[r1]), r0, r1, c0, c1))
    cells.sort(key=lambda g: (g.r0, g.c0))
    return Grid((ox, oy, ox + w, oy + h), [ox + x for x in xs], [oy + y for y in ys], cells)
