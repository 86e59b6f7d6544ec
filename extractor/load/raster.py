"""Pages as pictures: a page of a PDF or an image file rendered, or a box of it cropped, as PNG.

The OCR reader reads these pictures, and a person checking a cell looks at the same region of
the source: `crop_png(data, page, bbox)` shows the box a cell's provenance names, for a cell of
a text-layer PDF or of a scan alike. Boxes are in points from the page's top left, as every
reader gives them; an image file's pixel is 72/dpi points (the dpi it records, else 72).

Only pypdfium2 and Pillow are needed (both come with pdfplumber), not the OCR engine.

Every picture is within the picture limit (`Limits.pixels`): a PDF page too large for it at the
asked resolution is drawn coarser (`budget.fit_scale`), a crop draws only its region, and an
image file past it fails before it is decoded.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import TYPE_CHECKING

from ..limits import DEFAULT, Limits
from .budget import check_picture, fit_scale

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


def page_count(data: bytes, limits: Limits = DEFAULT, name: str = "document") -> int:
    if image_kind(data) is not None:
        return getattr(_open_image(data, limits, name), "n_frames", 1)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def render(
    data: bytes, page: int, dpi: float, *, limits: Limits = DEFAULT, name: str = "document", box: BBox | None = None
) -> tuple[Image, float]:
    """Page `page` (1-based) of a PDF or an image file, in grayscale, and its pixels per point.

    A PDF page is rendered at `dpi` (less for a page too large for the picture limit), only
    the region `box` (points) when one is given; an image file is taken at its own resolution.
    """
    if image_kind(data) is not None:
        return _image_page(data, page, limits, name)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(pdf):
            raise IndexError(f"page {page} of {len(pdf)}")
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_size()
        if box is None:
            scale = fit_scale(limits, name, page, width, height, dpi)
            return pdf_page.render(scale=scale, grayscale=True).to_pil().convert("L"), scale
        x0, top, x1, bottom = _clip(box, width, height)
        scale = fit_scale(limits, name, page, x1 - x0, bottom - top, dpi)
        # The region in whole pixels of the page as drawn at that scale, so the crop is the
        # same picture a crop of the whole page would be.
        left, upper = round(x0 * scale), round(top * scale)
        right, lower = round(x1 * scale), round(bottom * scale)
        crop = (left / scale, height - lower / scale, width - right / scale, upper / scale)  # left, bottom, right, top
        bitmap = pdf_page.render(scale=scale, grayscale=True, crop=crop)
        return bitmap.to_pil().convert("L"), scale
    finally:
        pdf.close()


def _clip(box: BBox, width: float, height: float) -> BBox:
    x0, top, x1, bottom = box
    x0, x1 = max(0.0, min(x0, width)), max(0.0, min(x1, width))
    top, bottom = max(0.0, min(top, height)), max(0.0, min(bottom, height))
    return (x0, top, max(x1, x0 + 1), max(bottom, top + 1))


def _open_image(data: bytes, limits: Limits = DEFAULT, name: str = "document"):
    """The image, its header read and nothing decoded. The picture limit is this project's:
    Pillow's own guard (a warning, then an error, at about 89 and 179 million pixels) is
    answered as that limit."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(BytesIO(data))
    except Image.DecompressionBombError as e:
        found = re.search(r"\((\d+) pixels\)", str(e))
        raise limits.over("pixels", int(found.group(1)) if found else None, name) from None


def _image_page(data: bytes, page: int, limits: Limits, name: str) -> tuple[Image, float]:
    from PIL import ImageOps

    img = _open_image(data, limits, name)
    frames = getattr(img, "n_frames", 1)
    if not 1 <= page <= frames:
        raise IndexError(f"page {page} of {frames}")
    img.seek(page - 1)
    check_picture(limits, name, img.width, img.height, page)  # read from the header: nothing decoded yet
    dpi = img.info.get("dpi", (72, 72))[0] or 72
    # A phone photo records how it was held; the picture is read the way it was seen.
    upright = ImageOps.exif_transpose(img) if page == 1 else img
    return upright.convert("L"), float(dpi) / 72


def page_png(data: bytes, page: int, dpi: float = 100, box: BBox | None = None, *, limits: Limits = DEFAULT) -> bytes:
    """The whole page as PNG; `box` (points) drawn on it as a red frame."""
    img, scale = render(data, page, dpi, limits=limits)
    out = img.convert("RGB")
    if box is not None:
        from PIL import ImageDraw

        x0, top, x1, bottom = (v * scale for v in box)
        ImageDraw.Draw(out).rectangle((x0, top, x1, bottom), outline=(220, 0, 0), width=max(1, round(scale)))
    return _png(out)


def crop_png(
    data: bytes, page: int, bbox: BBox, margin: float = 12, dpi: float = 150, *, limits: Limits = DEFAULT
) -> bytes:
    """The region `bbox` (points) of the page and `margin` points around it, the box framed.
    Of a PDF, only that region is drawn, however large the page."""
    from PIL import ImageDraw

    x0, top, x1, bottom = bbox
    if image_kind(data) is None:
        region_pt = (max(0.0, x0 - margin), max(0.0, top - margin), x1 + margin, bottom + margin)
        out, scale = render(data, page, dpi, limits=limits, box=region_pt)
        out = out.convert("RGB")
        origin = (round(region_pt[0] * scale), round(region_pt[1] * scale))
    else:
        img, scale = render(data, page, dpi, limits=limits)
        region = (
            max(0, round((x0 - margin) * scale)),
            max(0, round((top - margin) * scale)),
            min(img.width, round((x1 + margin) * scale)),
            min(img.height, round((bottom + margin) * scale)),
        )
        out = img.convert("RGB").crop(region)
        origin = (region[0], region[1])
    frame = (x0 * scale - origin[0], top * scale - origin[1], x1 * scale - origin[0], bottom * scale - origin[1])
    ImageDraw.Draw(out).rectangle(frame, outline=(220, 0, 0), width=max(1, round(scale / 2)))
    return _png(out)


def _png(img: Image) -> bytes:
    buf = BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
