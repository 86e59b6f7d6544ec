"""Pages as pictures: a page of a PDF or an image file rendered, or a box of it cropped, as PNG.

The OCR reader reads these pictures, and a person checking a cell looks at the same region of
the source: `crop_png(data, page, bbox)` shows the box a cell's provenance names, for a cell of
a text-layer PDF or of a scan alike. Boxes are in points from the page's top left, as every
reader gives them; an image file's pixel is 72/dpi points (the dpi it records, else 72).

Only pypdfium2 and Pillow are needed (both come with pdfplumber), not the OCR engine.
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

BBox = tuple[float, float, float, float]

# Leading bytes of the image formats a scan comes in.
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)


def image_kind(data: bytes) -> str | None:
    """"png", "jpeg" or "tiff" when the bytes are such an image, else None."""
    return next((kind for magic, kind in _IMAGE_MAGIC if data.startswith(magic)), None)


def page_count(data: bytes) -> int:
    if image_kind(data) is not None:
        return getattr(_open_image(data), "n_frames", 1)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def render(data: bytes, page: int, dpi: float) -> tuple[Image, float]:
    """Page `page` (1-based) of a PDF or an image file, in grayscale, and its pixels per point.

    A PDF page is rendered at `dpi`; an image file is taken at its own resolution.
    """
    if image_kind(data) is not None:
        return _image_page(data, page)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(pdf):
            raise IndexError(f"page {page} of {len(pdf)}")
        scale = dpi / 72
        bitmap = pdf[page - 1].render(scale=scale, grayscale=True)
        return bitmap.to_pil().convert("L"), scale
    finally:
        pdf.close()


def _open_image(data: bytes):
    from PIL import Image

    return Image.open(BytesIO(data))


def _image_page(data: bytes, page: int) -> tuple[Image, float]:
    from PIL import ImageOps

    img = _open_image(data)
    frames = getattr(img, "n_frames", 1)
    if not 1 <= page <= frames:
        raise IndexError(f"page {page} of {frames}")
    img.seek(page - 1)
    dpi = img.info.get("dpi", (72, 72))[0] or 72
    # A phone photo records how it was held; the picture is read the way it was seen.
    upright = ImageOps.exif_transpose(img) if page == 1 else img
    return upright.convert("L"), float(dpi) / 72


def page_png(data: bytes, page: int, dpi: float = 100, box: BBox | None = None) -> bytes:
    """The whole page as PNG; `box` (points) drawn on it as a red frame."""
    img, scale = render(data, page, dpi)
    out = img.convert("RGB")
    if box is not None:
        from PIL import ImageDraw

        x0, top, x1, bottom = (v * scale for v in box)
        ImageDraw.Draw(out).rectangle((x0, top, x1, bottom), outline=(220, 0, 0), width=max(1, round(scale)))
    return _png(out)


def crop_png(data: bytes, page: int, bbox: BBox, margin: float = 12, dpi: float = 150) -> bytes:
    """The region `bbox` (points) of the page and `margin` points around it, the box framed."""
    img, scale = render(data, page, dpi)
    x0, top, x1, bottom = bbox
    region = (
        max(0, round((x0 - margin) * scale)),
        max(0, round((top - margin) * scale)),
        min(img.width, round((x1 + margin) * scale)),
        min(img.height, round((bottom + margin) * scale)),
    )
    from PIL import ImageDraw

    out = img.convert("RGB").crop(region)
    frame = (x0 * scale - region[0], top * scale - region[1], x1 * scale - region[0], bottom * scale - region[1])
    ImageDraw.Draw(out).rectangle(frame, outline=(220, 0, 0), width=max(1, round(scale / 2)))
    return _png(out)


def _png(img: Image) -> bytes:
    buf = BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
