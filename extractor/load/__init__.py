"""Step 1, load: read a file of any supported format into a `Document` of located cells."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .document import Cell, Document, Location, Row
from .errors import LoadError
from .text import decode, text_rows

__all__ = ["load", "load_bytes", "Document", "Row", "Cell", "Location", "LoadError", "sniff"]

_TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}


def sniff(name: str, data: bytes) -> str:
    """The format of a file, from its leading bytes first and its name second."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx" if name.lower().endswith(".docx") else "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    lowered = head[:512].lower()
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm") or lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    return _TEXT_SUFFIXES.get(suffix, "text")


def load_bytes(name: str, data: bytes) -> Document:
    """Read a document held in memory; `name` is used for messages and to guess the format."""
    fmt = sniff(name, data)
    sha = hashlib.sha256(data).hexdigest()
    if fmt in ("text", "markdown"):
        text, encoding = decode(name, data)
        rows = text_rows(text)
        if any(r.grid for r in rows) and fmt == "text" and any(
            c.loc.table is not None for r in rows for c in r.cells
        ):
            fmt = "markdown"
        return Document(path=name, format=fmt, sha256=sha, rows=rows, encoding=encoding)
    if fmt == "pdf":
        from .pdf import read_pdf  # pdfplumber loads only when a PDF is read

        return read_pdf(name, data, sha)
    if fmt == "ole":
        raise LoadError(name, "legacy binary Word/Excel file (.doc/.xls): save it as DOCX or PDF first")
    raise LoadError(name, f"{fmt} files are not supported yet")


def load(path: str | Path) -> Document:
    """Read a file from disk. Raises LoadError naming the file for anything unreadable."""
    p = Path(path)
    if not p.exists():
        raise LoadError(str(path), "no such file")
    if p.is_dir():
        raise LoadError(str(path), "is a directory, not a file")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise LoadError(str(path), f"cannot read: {e.strerror or e}") from None
    return load_bytes(str(path), data)
