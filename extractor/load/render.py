"""A PDF page as a picture, with a cell's box drawn on it: what a person checking a cell looks at.

Boxes are in points from the page's top left, as the PDF reader gives them in a cell's
location (`bbox`). pypdfium2 renders and Pillow draws; both come with pdfplumber.

    >>> from pathlib import Path
    >>> png = page_png(Path("golden/docs/01_huaian_shi_2024.pdf").read_bytes(), 3, box=(243.8, 539.3, 336.4, 573.9))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from .errors import LoadError

if TYPE_CHECKING:
    from PIL.Image import Image

BBox = tuple[float, float, float, float]
_RED = (220, 0, 0)


def render(data: bytes, page: int, dpi: float = 100) -> tuple[Image, float]:
    """Page `page` (1-based) in colour, and its pixels per point. A page the PDF does not have,
    or bytes that are no PDF, are a `LoadError`."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise LoadError("document", f"cannot render: {e}") from None
    try:
        if not 1 <= page <= len(pdf):
            raise LoadError("document", f"no page {page}: the PDF has {len(pdf)}")
        scale = dpi / 72
        return pdf[page - 1].render(scale=scale).to_pil().convert("RGB"), scale
    finally:
        pdf.close()


def page_png(data: bytes, page: int, dpi: float = 100, box: BBox | None = None) -> bytes:
    """The whole page as PNG; `box` (points) drawn on it as a red frame."""
    img, scale = render(data, page, dpi)
    if box is not None:
        _frame(img, box, scale, (0, 0))
    return _png(img)


def crop_png(
    data: bytes, page: int, bbox: BBox, margin: float = 12, dpi: float = 150, *, full_width: bool = False
) -> bytes:
    """The region `bbox` (points) and `margin` points around it, the box framed; `full_width`:
    the whole width of the page at that height (the row's labels and its other cells)."""
    img, scale = render(data, page, dpi)
    x0, top, x1, bottom = bbox
    left = 0 if full_width else max(0, round((x0 - margin) * scale))
    right = img.width if full_width else min(img.width, round((x1 + margin) * scale))
    region = (left, max(0, round((top - margin) * scale)), right, min(img.height, round((bottom + margin) * scale)))
    out = img.crop(region)
    _frame(out, bbox, scale, (region[0], region[1]))
    return _png(out)


def _frame(img: Image, box: BBox, scale: float, origin: tuple[int, int]) -> None:
    from PIL import ImageDraw

    x0, top, x1, bottom = (v * scale for v in box)
    dx, dy = origin
    ImageDraw.Draw(img).rectangle((x0 - dx, top - dy, x1 - dx, bottom - dy), outline=_RED, width=max(2, round(scale)))


def _png(img: Image) -> bytes:
    buf = BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
