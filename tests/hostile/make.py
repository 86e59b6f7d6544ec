"""Hostile inputs, made at test time: each small to keep (or made in a second), each built to cost
a reader far more than its size, in one way a real attacker or a damaged archive would.

Every maker returns the file's name and its bytes, and `INPUTS` names them all, so the tests
(`tests/hostile/`) and the benchmark (`benchmarks/hostile.py`) read the very same files.

The zips are written by hand (`raw_zip`) where a real archiver would refuse to write them: a
member whose header understates its size, or a thousand members sharing one compressed body.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO

MB = 1024 * 1024


@dataclass(frozen=True)
class Member:
    """One member of a hand-written zip: its compressed body and what its headers claim."""

    name: str
    body: bytes  # raw deflate data (or the data itself, stored)
    crc: int
    size: int  # the uncompressed size the headers declare
    deflated: bool = True


def deflate_repeated(chunk: bytes, times: int) -> tuple[bytes, int, int]:
    """`chunk` × `times`, deflated as it streams (never whole in memory): (body, crc, size)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = BytesIO()
    crc = 0
    step = max(1, (4 * MB) // len(chunk))
    block = chunk * step
    done = 0
    while done < times:
        n = min(step, times - done)
        piece = block if n == step else chunk * n
        out.write(packer.compress(piece))
        crc = zlib.crc32(piece, crc)
        done += n
    out.write(packer.flush())
    return out.getvalue(), crc, len(chunk) * times


def raw_zip(members: Iterable[Member]) -> bytes:
    """A zip written field by field, its headers saying what each `Member` says."""
    out = BytesIO()
    central = BytesIO()
    count = 0
    for m in members:
        name = m.name.encode("utf-8")
        method = 8 if m.deflated else 0
        offset = out.tell()
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, m.crc, len(m.body), m.size, len(name), 0)
        out.write(head + name + m.body)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, m.crc, len(m.body), m.size,
                len(name), 0, 0, 0, 0, 0, offset,
            )  # fmt: skip
            + name
        )
        count += 1
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def text_lines(mb: int = 5) -> tuple[str, bytes]:
    """Lines of "1", `mb` megabytes of them: a text file of millions of lines."""
    return "lines.txt", b"1\n" * (mb * MB // 2)


def chinese_one_line(mb: int = 20) -> tuple[str, bytes]:
    """Chinese characters and no line break, `mb` megabytes of UTF-8."""
    return "one_line.txt", "年".encode() * (mb * MB // 3)


def zip_of_lines(mb: int = 100) -> tuple[str, bytes]:
    """A zip of about a hundred kilobytes holding `mb` megabytes of lines."""
    body, crc, size = deflate_repeated(b"1\n", mb * MB // 2)
    return "lines.zip", raw_zip([Member("lines.txt", body, crc, size)])


def zip_lying_member(gb: float = 1.0) -> tuple[str, bytes]:
    """A zip whose one member says it is 1 KB and holds `gb` gigabytes of zeros: its checksum is
    that of the first kilobyte, so a reader that stops where the header says finds it whole."""
    body, _, _ = deflate_repeated(b"\0" * 1024, int(gb * 1024 * 1024))
    return "liar.zip", raw_zip([Member("report.txt", body, zlib.crc32(b"\0" * 1024), 1024)])


def nested_zip_bomb(leaves: int = 1000, leaf_mb: int = 100) -> tuple[str, bytes]:
    """A zip holding one zip of `leaves` text members of `leaf_mb` megabytes each, all sharing
    one compressed body: 100 GB of text in about 100 MB at the defaults."""
    body, crc, size = deflate_repeated(b"1\n", leaf_mb * MB // 2)
    inner = raw_zip(Member(f"leaf{i:04}.txt", body, crc, size) for i in range(leaves))
    return "nested.zip", raw_zip([Member("inner.zip", inner, zlib.crc32(inner), len(inner), deflated=False)])


_DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bomb(paragraphs: int = 4_000_000) -> tuple[str, bytes]:
    """A Word document of about 2 MB whose body is `paragraphs` paragraphs of one character."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + _W + b"><w:body>"
    para = b"<w:p><w:r><w:t>1</w:t></w:r></w:p>"
    tail = b"</w:body></w:document>"
    body = BytesIO()
    crc = zlib.crc32(head)
    body.write(packer.compress(head))
    block = para * 10_000
    for _ in range(paragraphs // 10_000):
        body.write(packer.compress(block))
        crc = zlib.crc32(block, crc)
    body.write(packer.compress(tail))
    crc = zlib.crc32(tail, crc)
    body.write(packer.flush())
    size = len(head) + len(para) * (paragraphs // 10_000) * 10_000 + len(tail)
    return "bomb.docx", raw_zip(
        [
            _stored("[Content_Types].xml", _DOCX_TYPES),
            _stored("_rels/.rels", _DOCX_RELS),
            Member("word/document.xml", body.getvalue(), crc, size),
        ]
    )


def docx_lying_part(gb: float = 1.0) -> tuple[str, bytes]:
    """A Word document whose body part says it is a kilobyte and holds `gb` gigabytes: its
    first kilobyte is a whole document and the checksum is that kilobyte's."""
    claimed = b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + _W + b"><w:body><w:p><w:r><w:t>1</w:t></w:r></w:p></w:body></w:document>"
    claimed += b" " * 1024
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = BytesIO()
    stream.write(packer.compress(claimed))
    block = b" " * (4 * MB)
    for _ in range(int(gb * 256)):
        stream.write(packer.compress(block))
    stream.write(packer.flush())
    return "liar.docx", raw_zip(
        [
            _stored("[Content_Types].xml", _DOCX_TYPES),
            _stored("_rels/.rels", _DOCX_RELS),
            Member("word/document.xml", stream.getvalue(), zlib.crc32(claimed), len(claimed)),
        ]
    )


def _stored(name: str, data: bytes) -> Member:
    return Member(name, data, zlib.crc32(data), len(data), deflated=False)


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its xref table."""
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _picture_page(width: float, height: float, image: int, contents: int) -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im %d 0 R >> >> /Contents %d 0 R >>"
        % (width, height, image, contents)
    )


def _gray_image() -> bytes:
    pixels = bytes([0, 255] * 8) * 16  # 16 × 16 stripes: something to see, nothing to read
    return b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream"


def pdf_huge_page() -> tuple[str, bytes]:
    """A PDF of under a kilobyte: one page of 14,400 points square (the largest a PDF may
    have), a picture and no text on it, so it goes to OCR."""
    draw = b"q 14400 0 0 14400 0 0 cm /Im Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _picture_page(14400, 14400, 4, 5),
        _gray_image(),
        b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream",
    ]
    return "huge_page.pdf", _pdf(objects)


def pdf_picture_pages(pages: int = 300) -> tuple[str, bytes]:
    """A PDF of `pages` A4 pages, each the same small picture and no text: a scan to OCR."""
    draw = b"q 595 0 0 842 0 0 cm /Im Do Q"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        _gray_image(),
        b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream",
    ]
    objects += [_picture_page(595, 842, 3, 4) for _ in range(pages)]
    return "pictures.pdf", _pdf(objects)


def pdf_dense_text(chars: int = 3_000_000) -> tuple[str, bytes]:
    """A PDF of one page whose text layer is `chars` characters (a content stream of text
    operators, deflated): a page pdfminer would hold an object for each character of."""
    line = b"BT /F1 1 Tf 0 0 Td (" + b"1" * 1000 + b") Tj ET\n"
    raw = line * (chars // 1000)
    packed = zlib.compress(raw, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ]
    return "dense.pdf", _pdf(objects)


def html_of_tags(tags: int = 2_000_000) -> tuple[str, bytes]:
    """A web page of `tags` empty paragraphs and one character each: markup past any report."""
    return "tags.html", b"<html><body>" + b"<p>1</p>" * (tags // 2) + b"</body></html>"


def html_spans() -> tuple[str, bytes]:
    """A web page whose table's cells each claim to span 10,000 × 10,000 positions."""
    row = b"<tr>" + b'<td colspan="10000" rowspan="10000">1</td>' * 50 + b"</tr>"
    return "spans.html", b"<html><body><table>" + row * 200 + b"</table></body></html>"


def png_huge(side: int = 10_000) -> tuple[str, bytes]:
    """A PNG of a few dozen kilobytes, `side` × `side` pixels of white."""
    width = height = side
    packer = zlib.compressobj(9)
    rows = BytesIO()
    line = b"\0" + b"\xff" * width
    block = line * 200
    for _ in range(max(1, height // 200)):
        rows.write(packer.compress(block))
    rows.write(packer.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return "huge.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows.getvalue()) + chunk(b"IEND", b"")


# Every hostile input, by name: the maker, and the limit it must be stopped by (None: it is not
# stopped by a limit but read within bounds, ending as whatever it is).
INPUTS: dict[str, tuple[Callable[[], tuple[str, bytes]], str | None]] = {
    "5 MB of lines": (lambda: text_lines(5), "chars"),
    "10 MB of lines": (lambda: text_lines(10), "chars"),
    "20 MB of Chinese, one line": (lambda: chinese_one_line(20), "chars"),
    "zip: 100 MB of lines": (lambda: zip_of_lines(100), "chars"),
    "zip: a member claiming 1 KB holding 1 GB": (lambda: zip_lying_member(1.0), None),
    "zip in a zip: 1,000 leaves of 100 MB": (lambda: nested_zip_bomb(1000, 100), "archive_bytes"),
    "DOCX: 4 million paragraphs": (lambda: docx_bomb(4_000_000), "lines"),
    "DOCX: a part claiming 1 KB holding 1 GB": (lambda: docx_lying_part(1.0), None),
    "PDF: a page of 14,400 pt to OCR": (pdf_huge_page, "pixels"),
    "PDF: 300 picture pages": (lambda: pdf_picture_pages(300), "pages"),
    "PDF: a page of 3 million characters": (lambda: pdf_dense_text(3_000_000), "chars"),
    "HTML: 2 million tags": (lambda: html_of_tags(2_000_000), "lines"),
    "HTML: cells spanning 10,000 × 10,000": (html_spans, "chars"),
    "PNG: 10,000 × 10,000 pixels": (lambda: png_huge(10_000), "pixels"),
    "PNG: 50,000 × 50,000 pixels": (lambda: png_huge(50_000), "pixels"),
}
