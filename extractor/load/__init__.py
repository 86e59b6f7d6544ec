"""Step 1, load: read a file of any supported format into a `Document` of located cells."""

from __future__ import annotations

import codecs
import hashlib
import os
import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from .document import Cell, Document, Location, Row
from .errors import LoadError
from .raster import image_kind
from .text import decode, text_rows

if TYPE_CHECKING:  # the budget imports the limits, which import this package's errors
    from ..limits import Limits

__all__ = ["load", "load_bytes", "Document", "Row", "Cell", "Location", "LoadError", "sniff"]

_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
_HTML_STARTS = (b"<!doctype html", b"<html")
# A saved page may open with a comment ("<!-- saved from url=… -->") or a bare <meta> or <head>;
# so may a markdown file, so these count only when the name does not say text.
_HTML_MAYBE = (b"<!--", b"<head", b"<meta", b"<body", b"<?xml")
_TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")
# Names that promise a binary format. A file so named whose bytes are another format is read as
# what its bytes say (a text dump saved as .pdf is common); one that is not text either was cut
# short or damaged in transit, and its error says so rather than only that it does not decode.
_BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "Word (DOCX)", ".doc": "Word", ".xlsx": "Excel", ".xls": "Excel"}


def sniff(name: str, data: bytes) -> str:
    """The format of a file, from its leading bytes first and its name second."""
    head = data[:1024].removeprefix(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data[:4] in ZIP_HEADS:
        return zip_kind(data)
    if image_kind(data) is not None:
        return "image"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        # A password-protected DOCX is stored inside an OLE container as "EncryptedPackage".
        return "encrypted-office" if "EncryptedPackage".encode("utf-16-le") in data else "ole"
    lowered = head[:512].lower()
    suffix = Path(name).suffix.lower()
    if suffix in _HTML_SUFFIXES or lowered.startswith(_HTML_STARTS):
        return "html"
    if suffix not in _TEXT_SUFFIXES and lowered.startswith(_HTML_MAYBE):
        return "html"
    return _TEXT_SUFFIXES.get(suffix, "text")


def zip_kind(source: bytes | Path) -> str:
    """A zip is a Word document when it holds word/document.xml, another Office file when it
    holds [Content_Types].xml, and an archive of documents otherwise. A file on disk is told
    from its directory alone, without reading its members."""
    try:
        with zipfile.ZipFile(BytesIO(source) if isinstance(source, bytes) else source) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"  # the archive reader says what is wrong with it
    if "word/document.xml" in names:
        return "docx"
    return "office" if "[Content_Types].xml" in names else "zip"


def load_bytes(name: str, data: bytes, member: str | None = None, *, limits: Limits | None = None) -> Document:
    """Read a document held in memory; `name` is used for messages and to guess the format.

    `member`: the document's path inside an archive; every cell's location then names it.
    `limits`: what reading it may cost (default: `extractor.limits.DEFAULT`); past one, the
    document fails with `OverLimit`.
    """
    from ..limits import DEFAULT

    limits = limits or DEFAULT
    limits.check("bytes", len(data), name)
    doc = _read(name, data, limits)
    doc.size = len(data)
    if member is not None:
        for row in doc.rows:
            row.cells = [replace(c, loc=replace(c.loc, member=member)) for c in row.cells]
    return doc


def _read(name: str, data: bytes, limits: Limits) -> Document:
    from . import budget

    fmt = sniff(name, data)
    sha = hashlib.sha256(data).hexdigest()
    if fmt in ("text", "markdown"):
        budget.check_encoded(limits, name, len(data))
        text, encoding = _decode(name, data)
        budget.check_text(limits, name, text)
        rows = text_rows(text)
        if any(r.grid for r in rows) and fmt == "text" and any(
            c.loc.table is not None for r in rows for c in r.cells
        ):
            fmt = "markdown"
        return Document(path=name, format=fmt, sha256=sha, rows=rows, encoding=encoding)
    if fmt == "pdf":
        from .pdf import read_pdf  # pdfplumber loads only when a PDF is read

        return read_pdf(name, data, sha, limits=limits)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(name, data, sha, limits=limits)
    if fmt == "html":
        from .html import read_html

        return read_html(name, data, sha, limits=limits)
    if fmt == "image":
        from .ocr_engine import MISSING, available

        if not available():
            raise LoadError(name, f"an image of a page: {MISSING}")
        from .ocr import read_image

        return read_image(name, data, sha, limits=limits)
    if fmt == "ole":
        raise LoadError(name, "legacy binary Word/Excel file (.doc/.xls): save it as DOCX or PDF first")
    if fmt == "encrypted-office":
        raise LoadError(name, "encrypted Office document: a password is needed")
    if fmt == "office":
        raise LoadError(name, "an Office file other than Word (.xlsx, .pptx): save it as DOCX or PDF first")
    raise LoadError(name, "zip archive: it holds several documents; give it to `extractor extract` to read each")


def _decode(name: str, data: bytes) -> tuple[str, str]:
    kind = _BINARY_SUFFIXES.get(Path(name).suffix.lower())
    if kind is None or not data.strip():  # an empty file is that, whatever its name
        return decode(name, data)
    try:
        return decode(name, data)
    except LoadError as e:
        raise LoadError(name, f"named as a {kind} file but its bytes are not one, nor text ({e.problem}): damaged or cut short") from None


def load(path: str | Path, *, limits: Limits | None = None) -> Document:
    """Read a file from disk. Raises LoadError naming the file for anything unreadable."""
    return load_bytes(str(path), read_file(str(path), limits), limits=limits)


def read_file(path: str, limits: Limits | None = None) -> bytes:
    """A file's bytes, no more than the size limit allows: a file past it (or one that grows
    past it while read) is not read whole."""
    from ..limits import DEFAULT

    limits = limits or DEFAULT
    p = Path(path)
    if not p.exists():
        raise LoadError(path, "no such file")
    if p.is_dir():
        raise LoadError(path, "is a directory, not a file")
    try:
        with p.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            limits.check("bytes", size, path)
            data = f.read(size + 1)  # a byte more tells a file that grows while it is read
            if len(data) > size:
                data += f.read(limits.bytes + 1 - len(data))
    except OSError as e:
        raise LoadError(path, f"cannot read: {e.strerror or e}") from None
    if len(data) > limits.bytes:
        raise limits.over("bytes", len(data), path, at_least=True)
    return data
