"""A printed PDF as a scanner gives it back: page pictures, degraded, in a PDF with no text.

Each page is rendered (pypdfium2) in grayscale at the scan's resolution, turned a little as a
page fed askew is, blurred by the optics, and stored as a JPEG, which is what a scanner's PDF
holds. The golden values of a scan are those of the PDF it was made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO


@dataclass(frozen=True)
class ScanStyle:
    dpi: int = 150
    angle: float = 0.5  # degrees, counter-clockwise; a careless feed stays under one
    blur: float = 0.6  # Gaussian radius in pixels
    quality: int = 70  # JPEG quality
    noise: float = 0.0  # standard deviation of grey-level noise (0-255)
    seed: int = 0


# A careless scan: 150 dpi, turned by 0.6°, blurred, JPEG at quality 60.
CARELESS = ScanStyle(dpi=150, angle=0.6, blur=0.7, quality=60)


def pictures(pdf: bytes, style: ScanStyle = ScanStyle(), pages: list[int] | None = None) -> list:
    """The degraded page pictures (PIL images) of a PDF; `pages`: 1-based, all by default."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    _require_a_chinese_font(pdf)
    doc = pdfium.PdfDocument(pdf)
    try:
        wanted = pages or list(range(1, len(doc) + 1))
        out = []
        for n in wanted:
            img = doc[n - 1].render(scale=style.dpi / 72, grayscale=True).to_pil().convert("L")
            img = img.rotate(style.angle, resample=Image.BICUBIC, fillcolor=255)
            if style.blur:
                img = img.filter(ImageFilter.GaussianBlur(style.blur))
            if style.noise:
                img = _noisy(img, style.noise, style.seed + n)
            buf = BytesIO()
            img.save(buf, format="JPEG", quality=style.quality)
            out.append(Image.open(BytesIO(buf.getvalue())))
        return out
    finally:
        doc.close()


def _require_a_chinese_font(pdf: bytes) -> None:
    """The generated PDFs name reportlab's STSong-Light without embedding it: rendered on a
    system with no Chinese font, their pages come out without the characters, and a scan of
    them has no table to find. Say so rather than make such a scan."""
    import shutil
    import subprocess

    if b"/STSong-Light" not in pdf:
        return
    fc_list = shutil.which("fc-list")
    found = fc_list and subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
    if not found:
        raise RuntimeError(
            "no Chinese font on this system to render a generated PDF (it names STSong-Light without "
            "embedding it): install one, e.g. apt-get install fonts-arphic-uming fontconfig"
        )


def _noisy(img, sigma: float, seed: int):
    import random

    from PIL import Image

    rng = random.Random(seed)
    # A fixed field of noise, drawn once: the picture is only a few hundred thousand pixels.
    data = bytes(max(0, min(255, round(v + rng.gauss(0, sigma)))) for v in img.tobytes())
    return Image.frombytes("L", img.size, data)


def scanned(pdf: bytes, style: ScanStyle = ScanStyle()) -> bytes:
    """The whole PDF as a scan: every page a JPEG picture, no text layer."""
    return image_pdf(pictures(pdf, style), style.dpi)


def image_pdf(images: list, dpi: int) -> bytes:
    """Pictures as the pages of a PDF (Pillow stores each as a JPEG image, nothing else)."""
    buf = BytesIO()
    first, *rest = [im.convert("L") for im in images]
    first.save(buf, format="PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return buf.getvalue()


def partly_scanned(pdf: bytes, scan_pages: set[int], style: ScanStyle = ScanStyle()) -> bytes:
    """The PDF with the pages in `scan_pages` (1-based) replaced by their scans: a mixed report."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        total = len(doc)
    finally:
        doc.close()
    scans = dict(zip(sorted(scan_pages), pictures(pdf, style, sorted(scan_pages))))
    out = pdfium.PdfDocument.new()
    source = pdfium.PdfDocument(pdf)
    picture_pdf = pdfium.PdfDocument(image_pdf(list(scans.values()), style.dpi)) if scans else None
    try:
        order = sorted(scans)
        for n in range(1, total + 1):
            if n in scans:
                out.import_pages(picture_pdf, [order.index(n)])
            else:
                out.import_pages(source, [n - 1])
        buf = BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        source.close()
        if picture_pdf is not None:
            picture_pdf.close()
        out.close()
